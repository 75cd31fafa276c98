"""The ingredients of FNDDS dishes: what each published code resolves to, and what resolves to nothing.

The ``ingredients`` table (built in :mod:`glyload.build`) keeps USDA's code as published
and ``ingredient_id``, the SR28 or FNDDS food it names, or NULL. An FNDDS ingredient has
ingredients of its own, so a dish's carbohydrate traces down to SR foods, except where a
code resolves to nothing (FoodData Central codes, SR Legacy foods SR28 lacks):
:func:`unresolved` lists those, so none is dropped silently.
"""

from __future__ import annotations

import sqlite3

from .database import dict_rows


def dish_ingredients(conn: sqlite3.Connection, food_id: str) -> list[dict]:
    """A food's ingredients in recipe order, each with the food it resolves to (or None) and the
    available carbohydrate it brings to the recipe (its grams x its available carbohydrate / 100)."""
    return dict_rows(conn, """
        select i.seq, i.ingredient_code, i.description, i.grams, i.retention_code, i.moisture_change_pct,
          i.ingredient_id, r.source as resolved_source, r.description as resolved_food,
          r.available_carbohydrate_g, round(i.grams * r.available_carbohydrate_g / 100.0, 3) as carbohydrate_in_recipe_g,
          r.gi, r.gi_method,
          (select count(*) from ingredients inner_i where inner_i.food_id = i.ingredient_id) as own_ingredients
        from ingredients i left join foods r on r.food_id = i.ingredient_id
        where i.food_id = ? order by i.seq""", (food_id,))


def unresolved(conn: sqlite3.Connection) -> list[dict]:
    """Ingredient codes that resolve to no food: how many dishes use each, their grams in those
    recipes, and one dish as an example; most used first."""
    return dict_rows(conn, """
        select u.*, f.description as example_food from (
          select ingredient_code, description, count(distinct food_id) as dishes,
            round(sum(grams), 1) as grams, min(food_id) as example_food_id
          from ingredients where ingredient_id is null
          group by ingredient_code, description) u
        join foods f on f.food_id = u.example_food_id
        order by u.dishes desc, cast(u.ingredient_code as integer)""")
