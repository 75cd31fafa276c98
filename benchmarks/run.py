#!/usr/bin/env python3
"""glyload benchmarks: build, score and diary, timed as whole processes.

    .venv/bin/python benchmarks/run.py                 # everything
    .venv/bin/python benchmarks/run.py --only score --runs 50
    .venv/bin/python benchmarks/run.py --only build --only diary-ids

Standard library only. Every benchmark runs the installed ``glyload`` console
script (the one next to the Python running this file) as a child process, so
Python start-up and imports are part of each figure, as a user sees them.
Wall time is ``time.perf_counter`` around the child; peak RSS is the child's
own ``ru_maxrss`` from ``os.wait4``. Databases and generated inputs live in a
temporary directory removed at the end: the user's database is never touched
(every command gets ``--db``). The speed and memory targets live here, never
in the test suite. The script prints a table and exits 0 whether targets are
met or not; see docs/benchmarks.md for the figures and what dominates them.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("GLYLOAD_SHARED_DATA") or REPO.parent / "shared" / "data")  # env: a worktree
SR28 = SHARED_DATA / "usda-sr28"
FNDDS = SHARED_DATA / "fndds-2021-2023"
GLYLOAD = Path(sys.executable).with_name("glyload")
SEED = 20240501
MB = 1024 * 1024

SCORE_MEAL = "1 cup cooked white rice, 1 medium apple, 2 slices white bread"
DIARY_ID_ROWS = 1_000_000
DIARY_TEXT_ROWS = 100_000
SCORE_FILE_ITEMS = 10_000
MEALS = ("breakfast", "lunch", "dinner")

#: Benchmark -> its target, as the issues state it.
TARGETS = {
    "build": "<= 3 s",
    "build-full": "<= 15 s, <= 500 MB",
    "build-fndds": "none (informative)",
    "score": "median <= 150 ms",
    "diary-ids": "<= 5 s",
    "diary-text": "<= 20 s",
    "score-file": "<= 3 s",
}

#: Everyday items for the text diary (213 distinct), each checked to score
#: without --first before the benchmark runs; separated by "|" or line ends.
PHRASES = [p.strip() for p in """
1 avocado | 1 bagel | 1 beet | 1 blueberry muffin | 1 boiled egg | 1 can cola
1 container yogurt | 1 corn tortilla | 1 croissant | 1 cucumber | 1 cup almond milk
1 cup apple juice | 1 cup applesauce | 1 cup avocado | 1 cup baked beans | 1 cup beer
1 cup blueberries | 1 cup bran flakes | 1 cup broccoli | 1 cup buttermilk | 1 cup cabbage
1 cup canned peaches | 1 cup cantaloupe | 1 cup cauliflower | 1 cup cherries
1 cup chicken noodle soup | 1 cup chocolate milk | 1 cup coffee | 1 cup cola
1 cup coleslaw | 1 cup cooked barley | 1 cup cooked basmati rice | 1 cup cooked beets
1 cup cooked black beans | 1 cup cooked broccoli | 1 cup cooked brown rice
1 cup cooked buckwheat | 1 cup cooked bulgur | 1 cup cooked carrots
1 cup cooked couscous | 1 cup cooked egg noodles | 1 cup cooked green beans
1 cup cooked jasmine rice | 1 cup cooked kidney beans | 1 cup cooked lentils
1 cup cooked macaroni | 1 cup cooked millet | 1 cup cooked navy beans
1 cup cooked oatmeal | 1 cup cooked pasta | 1 cup cooked pinto beans | 1 cup cooked quinoa
1 cup cooked rice noodles | 1 cup cooked spaghetti | 1 cup cooked squash
1 cup cooked sweet potato | 1 cup cooked white rice | 1 cup cooked wild rice | 1 cup corn
1 cup corn flakes | 1 cup cornflakes | 1 cup cottage cheese | 1 cup cranberry juice
1 cup cream of wheat | 1 cup dates | 1 cup fried rice | 1 cup frosted flakes
1 cup frozen yogurt | 1 cup fruit cocktail | 1 cup granola | 1 cup grape juice
1 cup grapes | 1 cup green peas | 1 cup hummus | 1 cup ice cream | 1 cup lemonade
1 cup lettuce | 1 cup low fat yogurt | 1 cup mango | 1 cup mashed potatoes | 1 cup milk
1 cup minestrone | 1 cup orange juice | 1 cup papaya | 1 cup pineapple
1 cup pineapple juice | 1 cup plain yogurt | 1 cup popcorn | 1 cup porridge
1 cup potato salad | 1 cup prunes | 1 cup pumpkin | 1 cup raisins | 1 cup raspberries
1 cup red wine | 1 cup rice krispies | 1 cup rice noodles | 1 cup rice pudding
1 cup sherbet | 1 cup shredded wheat | 1 cup skim milk | 1 cup soy milk | 1 cup special k
1 cup spinach | 1 cup split peas | 1 cup strawberries | 1 cup sweet corn
1 cup sweetened condensed milk | 1 cup tea | 1 cup tomato juice | 1 cup tomato soup
1 cup vanilla ice cream | 1 cup vegetable soup | 1 cup watermelon | 1 cup whole milk
1 cup yogurt | 1 doughnut | 1 english muffin | 1 fig | 1 flour tortilla | 1 glass wine
1 glazed donut | 1 granola bar | 1 grapefruit | 1 half grapefruit | 1 kiwi | 1 large apple
1 large banana | 1 large egg | 1 medium apple | 1 medium baked potato | 1 medium banana
1 medium carrot | 1 medium french fries | 1 medium mango | 1 medium orange
1 medium peach | 1 medium pear | 1 medium sweet potato | 1 medium tomato | 1 nectarine
1 oz almonds | 1 oz cashews | 1 oz cheddar cheese | 1 oz dark chocolate
1 oz milk chocolate | 1 oz peanuts | 1 oz potato chips | 1 oz pretzels | 1 oz raisins
1 oz walnuts | 1 pita bread | 1 rice cake | 1 scrambled egg | 1 slice banana bread
1 slice cheddar cheese | 1 slice chocolate cake | 1 slice pizza | 1 slice rye bread
1 slice white bread | 1 slice whole wheat bread | 1 small apple | 1 small banana
1 tbsp butter | 1 tbsp honey | 1 tbsp jam | 1 tbsp ketchup | 1 tbsp maple syrup
1 tbsp mayonnaise | 1 tbsp mustard | 1 tbsp olive oil | 1 tbsp peanut butter
1 tbsp sugar | 1 tsp honey | 1 tsp sugar | 1 waffle
1/2 cup cooked brown rice | 1/2 cup cooked oatmeal | 1/2 cup cooked white rice
100 g chicken breast | 100 g cooked white rice | 100 g ground beef | 100 g salmon
100 g tuna | 100 g white bread | 150 g boiled potatoes | 150 g chicken breast
150 g cooked pasta | 2 crackers | 2 cups cooked white rice | 2 dates | 2 dried figs
2 graham crackers | 2 large eggs | 2 oatmeal cookies | 2 pancakes | 2 plums | 2 rice cakes
2 slices white bread | 2 slices whole wheat bread | 2 tbsp hummus | 2 tbsp peanut butter
200 g boiled potatoes | 200 ml orange juice | 250 ml milk | 3 dried apricots
30 g almonds | 30 g cheddar cheese | 330 ml cola | 4 saltine crackers | 5 prunes
50 g white bread
""".replace("\n", "|").split("|") if p.strip()]


@dataclass
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system CPU seconds of the child: less sensitive to a busy machine
    rss_bytes: int  # peak resident set size of the child (and its waited-for children)


@dataclass
class Result:
    name: str
    result: str = ""
    cpu: str = ""
    rss: str = ""
    status: str = ""
    notes: list = field(default_factory=list)

    @property
    def target(self) -> str:
        return TARGETS[self.name]


def run(args, out=None) -> Run:
    """Run ``glyload ARGS`` to completion; raise RuntimeError on a non-zero exit."""
    with open(out or os.devnull, "wb") as stdout, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen([str(GLYLOAD), *map(str, args)], stdin=subprocess.DEVNULL,
                                 stdout=stdout, stderr=errors)
        # wait4 (not Popen.wait) to get this child's own rusage: RUSAGE_CHILDREN's
        # ru_maxrss is the maximum over all children so far, so it cannot isolate one.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            text = errors.read().decode(errors="replace").strip().splitlines()
            raise RuntimeError(f"glyload {args[0]} exited {child.returncode}: "
                               + (text[-1] if text else "(no message)"))
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(seconds, usage.ru_utime + usage.ru_stime, rss)


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def megabytes(got: Run) -> str:
    return f"{got.rss_bytes / MB:.0f} MB"


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Bench:
    """The benchmarks; a bundled database is built once (untimed when needed)."""

    def __init__(self, work: Path, runs: int):
        self.work = work
        self.runs = runs
        self.db = work / "bundled.db"

    def database(self) -> Path:
        if not self.db.exists():
            log("setup: building the bundled database (untimed)")
            run(["build", "--db", self.db])
        return self.db

    # 1
    def build(self) -> Result:
        res = Result("build")
        target = self.work / "build-timed.db"
        got = run(["build", "--db", target])
        if not self.db.exists():
            target.rename(self.db)
        res.result, res.cpu, res.rss = seconds(got.seconds), seconds(got.cpu), megabytes(got)
        res.status = verdict(got.seconds <= 3)
        return res

    # 2
    def build_full(self) -> Result:
        res = Result("build-full")
        if not (SR28 / "NUT_DATA.txt").exists():
            res.result, res.status = "skipped", "skip"
            res.notes.append(f"build-full skipped: no SR28 release at {SR28}")
            return res
        got = run(["build", "--db", self.work / "sr28.db", "--usda", SR28])
        (self.work / "sr28.db").unlink()
        res.result, res.cpu, res.rss = seconds(got.seconds), seconds(got.cpu), megabytes(got)
        res.status = verdict(got.seconds <= 15 and got.rss_bytes <= 500 * MB)
        return res

    # 2b
    def build_fndds(self) -> Result:
        """The bundled SR28 with FNDDS read from USDA's four workbooks (openpyxl)."""
        res = Result("build-fndds")
        if not FNDDS.is_dir():
            res.result, res.status = "skipped", "skip"
            res.notes.append(f"build-fndds skipped: no FNDDS workbooks at {FNDDS}")
            return res
        got = run(["build", "--db", self.work / "fndds.db", "--fndds", FNDDS])
        (self.work / "fndds.db").unlink()
        res.result, res.cpu, res.rss = seconds(got.seconds), seconds(got.cpu), megabytes(got)
        res.status = "info"
        return res

    # 3
    def score(self) -> Result:
        res = Result("score")
        db = self.database()
        args = ["score", "--db", db, SCORE_MEAL]
        run(args)  # warm the page cache and bytecode; not counted
        runs = [run(args) for _ in range(self.runs)]
        times = sorted(r.seconds for r in runs)
        median = statistics.median(times)
        p90 = times[max(0, math.ceil(0.9 * len(times)) - 1)]  # nearest rank
        res.result = f"median {seconds(median)}, p90 {seconds(p90)} ({len(times)} runs)"
        res.cpu = f"median {seconds(statistics.median(r.cpu for r in runs))}"
        res.rss = megabytes(max(runs, key=lambda r: r.rss_bytes))
        res.status = verdict(median <= 0.15)
        return res

    # 4
    def diary_ids(self) -> Result:
        res = Result("diary-ids")
        db = self.database()
        path = self.work / "diary-ids.csv"
        if not path.exists():
            log(f"setup: writing {DIARY_ID_ROWS:,} diary rows (food_id, grams)")
            write_id_diary(path, db, DIARY_ID_ROWS)
        got = run(["diary", "--db", db, path], out=self.work / "diary-ids.out")
        res.result, res.cpu, res.rss = seconds(got.seconds), seconds(got.cpu), megabytes(got)
        res.status = verdict(got.seconds <= 5)
        return res

    def _typed_text(self, name: str, filename: str, write, what: str, args, limit: float) -> Result:
        """Time ``glyload ARGS FILE`` on generated typed text (phrases checked first)."""
        res = Result(name)
        db = self.database()
        path = self.work / filename
        if not path.exists():
            check_phrases(db, self.work)
            log(f"setup: writing {what}")
            write(path)
        got = run([*args, path, "--db", db], out=self.work / f"{filename}.out")
        res.result, res.cpu, res.rss = seconds(got.seconds), seconds(got.cpu), megabytes(got)
        res.status = verdict(got.seconds <= limit)
        return res

    # 5
    def diary_text(self) -> Result:
        return self._typed_text("diary-text", "diary-text.csv", lambda p: write_text_diary(p, DIARY_TEXT_ROWS),
                                f"{DIARY_TEXT_ROWS:,} diary rows (item text)", ["diary"], 20)

    # 6
    def score_file(self) -> Result:
        return self._typed_text("score-file", "meal-10k.txt", lambda p: write_typed_items(p, SCORE_FILE_ITEMS),
                                f"{SCORE_FILE_ITEMS:,} typed items, one a line", ["score", "--file"], 3)


BENCHMARKS = {
    "build": Bench.build,
    "build-full": Bench.build_full,
    "build-fndds": Bench.build_fndds,
    "score": Bench.score,
    "diary-ids": Bench.diary_ids,
    "diary-text": Bench.diary_text,
    "score-file": Bench.score_file,
}


def diary_days(rng: random.Random, rows: int, items_per_meal):
    """Yield (date, meal) for ``rows`` diary rows: 3 meals a day, ~4 items a meal."""
    day = datetime.date(2000, 1, 1)
    written = 0
    while written < rows:
        for meal in MEALS:
            for _ in range(items_per_meal(rng)):
                if written == rows:
                    return
                yield day.isoformat(), meal
                written += 1
        day += datetime.timedelta(days=1)


def four_or_so(rng: random.Random) -> int:
    return rng.randint(2, 6)  # mean 4


def write_id_diary(path: Path, db: Path, rows: int) -> None:
    """``date,meal,food_id,grams`` with real food ids from ``db`` (fixed seed): every food with a
    known carbohydrate (FNDDS's human milk, 11000000, has no nutrient values, so no GL)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        food_ids = [r[0] for r in conn.execute(
            "select food_id from foods where available_carbohydrate_g is not null order by food_id")]
    rng = random.Random(SEED)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["date", "meal", "food_id", "grams"])
        for date, meal in diary_days(rng, rows, four_or_so):
            writer.writerow([date, meal, rng.choice(food_ids), f"{rng.uniform(5, 400):.1f}"])


def write_text_diary(path: Path, rows: int) -> None:
    """``date,meal,item`` drawn from :data:`PHRASES`, Zipf-like so staples repeat most."""
    rng = random.Random(SEED)
    phrases = sorted(PHRASES)
    rng.shuffle(phrases)
    weights = [1 / (rank + 1) for rank in range(len(phrases))]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["date", "meal", "item"])
        for date, meal in diary_days(rng, rows, four_or_so):
            writer.writerow([date, meal, rng.choices(phrases, weights)[0]])


def write_typed_items(path: Path, items: int) -> None:
    """One typed item a line, drawn from :data:`PHRASES` as the text diary draws them."""
    rng = random.Random(SEED)
    phrases = sorted(PHRASES)
    rng.shuffle(phrases)
    weights = [1 / (rank + 1) for rank in range(len(phrases))]
    path.write_text("\n".join(rng.choices(phrases, weights, k=items)) + "\n", encoding="utf-8")


def check_phrases(db: Path, work: Path) -> None:
    """Every phrase must score without error (and without --first)."""
    log(f"setup: checking that all {len(PHRASES)} diary phrases score")
    listing = work / "phrases.txt"
    listing.write_text("\n".join(PHRASES) + "\n", encoding="utf-8")
    try:
        run(["score", "--db", db, "--json", "--file", listing])
        return
    except RuntimeError:
        pass
    failed = []
    for phrase in PHRASES:  # find every failing phrase, not just the first
        try:
            run(["score", "--db", db, "--json", phrase])
        except RuntimeError as error:
            failed.append(f"  {phrase!r}: {error}")
    raise RuntimeError("diary phrases that do not score:\n" + "\n".join(failed))


def print_table(results: list[Result]) -> None:
    header = ("benchmark", "target", "wall time", "CPU time", "peak RSS", "status")
    rows = [(r.name, r.target, r.result, r.cpu, r.rss, r.status) for r in results]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    align = ("<", "<", "<", "<", ">", "<")

    def line(row):
        return "  ".join(f"{str(v):{a}{w}}" for v, a, w in zip(row, align, widths)).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    for r in results:
        for note in r.notes:
            print(f"note: {note}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS), metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    parser.add_argument("--runs", type=int, default=20, metavar="N",
                        help="timed runs of the score benchmark (default 20); the others run once")
    options = parser.parse_args(argv)
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    if not GLYLOAD.exists():
        parser.error(f"no glyload script at {GLYLOAD}: run this with the Python of the "
                     "environment glyload is installed in (e.g. .venv/bin/python)")
    names = [n for n in BENCHMARKS if not options.only or n in options.only]
    results = []
    with tempfile.TemporaryDirectory(prefix="glyload-bench-") as work:
        bench = Bench(Path(work), options.runs)
        for name in names:
            log(f"running {name} ...")
            try:
                results.append(BENCHMARKS[name](bench))
            except RuntimeError as error:
                results.append(Result(name, "error", status="ERROR", notes=[f"{name}: {error}"]))
    print(f"glyload benchmarks: {GLYLOAD}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
