"""Meals as people type them: :mod:`glyload.meal.parse` reads the text into items."""
