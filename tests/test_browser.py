"""A person's path through the published database, in headless Chromium.

The real server (``glyload.serve.make_server``: uvicorn + Datasette) runs on
a free loopback port; Selenium drives Debian's Chromium: search foods, apply a
facet, open the scoring page from the menu, score a meal, check the totals and
keep a screenshot. Without Chromium the test skips, unless ``CI`` is set: CI
installs ``chromium chromium-driver`` and must run it.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from glyload import serve
from glyload.database import connect
from glyload.datasette_plugin import display
from glyload.meal.score import score_meal

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MEAL = "1 cup cooked white rice"
WAIT_S = 20


def unavailable() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        return f"{' and '.join(missing)} not installed (apt-get install -y chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def server(built_db):
    """The real server on 127.0.0.1:<free port>; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uvicorn_server = serve.make_server(built_db, port=port)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not uvicorn_server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    thread.join(WAIT_S)
    sock.close()


@pytest.fixture
def browser(tmp_path):
    reason = unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the browser test cannot run: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,1400",
                     f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_S)
    yield driver
    driver.quit()
    shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def test_search_facet_and_score_a_meal(server, browser, built_db, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT_S)

    def heading():
        return browser.find_element(By.CSS_SELECTOR, ".content h3").text

    # Search foods.
    browser.get(f"{server}/glyload/foods")
    search = browser.find_element(By.ID, "_search")
    search.send_keys("rice", Keys.ENTER)
    wait.until(until.url_contains("_search=rice"))
    assert heading().startswith('526 rows where search matches "rice"')  # 152 SR28, 374 FNDDS
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href="/glyload/foods/20045"]')

    # Apply the food group facet.
    facet = browser.find_element(By.XPATH, "//div[@data-column='food_group']//a[text()='Cereal Grains and Pasta']")
    facet.click()
    wait.until(until.url_contains("food_group=Cereal"))
    conn = sqlite3.connect(f"file:{built_db}?mode=ro", uri=True)
    (cereal_rice,) = conn.execute(
        "select count(*) from foods where food_group_id = '2000' and rowid in "
        "(select rowid from foods_fts where foods_fts match 'rice')").fetchone()
    conn.close()
    assert heading().startswith(f"{cereal_rice} rows where search matches \"rice\"")
    assert "Cereal Grains and Pasta" in heading()
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href="/glyload/foods/20045"]')
    assert not browser.find_elements(By.CSS_SELECTOR, 'a[href="/glyload/foods/06022"]')  # chicken rice soup

    # Open the scoring page from the menu, type a meal, submit.
    browser.find_element(By.CSS_SELECTOR, "details.nav-menu summary").click()
    browser.find_element(By.LINK_TEXT, "Score a meal").click()
    wait.until(until.presence_of_element_located((By.ID, "meal")))
    assert browser.current_url == f"{server}/-/score"
    browser.find_element(By.ID, "meal").send_keys(MEAL)
    browser.find_element(By.ID, "score-submit").click()
    wait.until(until.presence_of_element_located((By.ID, "score-totals")))

    expected = display(score_meal(connect(built_db), MEAL))["totals"]
    shown = {name: browser.find_element(By.ID, f"total-{name}").text
             for name in ("grams", "carbs", "gi", "gl", "gl-range")}
    assert shown == {"grams": "158", "carbs": "43.9", "gi": expected["gi_text"], "gl": expected["gl_text"],
                     "gl-range": expected["range_text"]}
    item = browser.find_element(By.CSS_SELECTOR, "#score-items tbody tr")
    assert "Rice, white, long-grain, regular, enriched, cooked" in item.text
    screenshot = tmp_path / "score.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # What the page echoes is text, not markup.
    injected = "<script>window.glyloadInjected = 1</script>"
    meal = browser.find_element(By.ID, "meal")
    meal.clear()
    meal.send_keys(injected)
    browser.find_element(By.ID, "score-submit").click()
    error = wait.until(until.presence_of_element_located((By.ID, "score-error")))
    assert "script>window.glyloadinjected = 1</script" in error.text.lower()
    assert browser.find_element(By.ID, "meal").get_property("value") == injected
    assert browser.execute_script("return window.glyloadInjected") is None


# --- charts --------------------------------------------------------------------------------

CHART_MEAL = "1 cup cooked white rice\n1 medium apple\n30 g cheddar cheese"


def keep_screenshot(path: Path, name: str):
    """Copy a screenshot to $GLYLOAD_SCREENSHOT_DIR (how docs/*.png are made), if set."""
    folder = os.environ.get("GLYLOAD_SCREENSHOT_DIR")
    if folder:
        shutil.copyfile(path, Path(folder) / name)


def wait_for_chart(browser, element_id):
    """Wait until glyload-charts.js has drawn (or failed to draw) the chart; return its state."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def state(driver):
        return driver.find_element(By.ID, element_id).get_attribute("data-chart-state")

    return WebDriverWait(browser, WAIT_S).until(state)


def fetched_elsewhere(browser, base: str) -> list[str]:
    """Every resource the page loaded from anywhere but ``base``."""
    names = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [name for name in names if not name.startswith(base)]


def test_score_page_draws_the_meal_chart(server, browser, built_db, tmp_path):
    from urllib.parse import quote_plus

    from selenium.webdriver.common.by import By

    from glyload.charts import item_bars

    result = score_meal(connect(built_db), CHART_MEAL)
    expected = item_bars(result)
    assert [bar["food_id"] for bar in expected] == ["20045", "09003", "01009"]  # longest first
    browser.get(f"{server}/-/score?meal={quote_plus(CHART_MEAL)}")
    assert wait_for_chart(browser, "score-chart") == "drawn"
    svg = browser.find_element(By.CSS_SELECTOR, "#score-chart svg")
    bars = svg.find_elements(By.CSS_SELECTOR, ".item_bars_marks path")
    assert len(bars) == 3
    assert [bar.get_attribute("aria-label") for bar in bars] == [bar["description"] for bar in expected]
    widths = [bar.rect["width"] for bar in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[1] > 0
    assert len(svg.find_elements(By.CSS_SELECTOR, ".item_ranges_marks line")) == 3
    assert len(svg.find_elements(By.CSS_SELECTOR, ".item_range_low_marks path")) == 3
    assert len(svg.find_elements(By.CSS_SELECTOR, ".meal_bands_marks path")) == 3
    assert len(svg.find_elements(By.CSS_SELECTOR, ".meal_bar_marks path")) == 1
    legend = svg.find_element(By.CSS_SELECTOR, ".role-legend").text
    assert "low (≤ 10)" in legend and "medium (11–19)" in legend and "high (≥ 20)" in legend
    described = browser.find_element(By.CSS_SELECTOR, "#score-chart [role=graphics-document]")
    assert described.get_attribute("aria-label").startswith("Glycemic load per item, largest first: 3 bars.")
    hidden = browser.find_element(By.ID, "score-chart-text").get_attribute("textContent")
    assert f"{expected[0]['description']}." in hidden  # the rice, as scored
    assert fetched_elsewhere(browser, server) == []
    screenshot = tmp_path / "score-chart.png"
    assert browser.find_element(By.ID, "score-chart-figure").screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    full = tmp_path / "score-page.png"
    browser.save_screenshot(str(full))
    keep_screenshot(full, "score-page.png")

    # A meal that cannot be scored shows its error and no chart.
    browser.get(f"{server}/-/score?meal=xyzzy")
    assert "no food matches 'xyzzy'" in browser.find_element(By.ID, "score-error").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".glyload-chart, .vega-embed, #score-chart-spec")


def test_diary_report_opens_offline_with_seven_day_bars(browser, built_db, tmp_path):
    from click.testing import CliRunner
    from selenium.webdriver.common.by import By

    from glyload.cli import cli
    from glyload.diary import score_diary

    from test_charts import WEEK, week_diary

    diary = week_diary(tmp_path / "week.csv")
    report = tmp_path / "report.html"
    run = CliRunner().invoke(cli, ["diary", "--db", str(built_db), str(diary), "--html", str(report), "--json"])
    assert run.exit_code == 0, run.output
    days = score_diary(connect(built_db), diary)["days"]
    browser.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    browser.get(report.as_uri())
    assert wait_for_chart(browser, "days-chart") == "drawn"
    svg = browser.find_element(By.CSS_SELECTOR, "#days-chart svg")
    totals = svg.find_elements(By.CSS_SELECTOR, ".day_totals_marks text")
    assert len(totals) == 7  # one bar per day ...
    assert [t.text for t in totals] == [f"{d['gl']:.1f} {d['gl_class']}" for d in days]
    segments = svg.find_elements(By.CSS_SELECTOR, ".meal_segments_marks path")
    assert len(segments) == 21  # ... of three meals each
    rows = {round(s.rect["y"] + s.rect["height"] / 2) for s in segments}
    assert len(rows) == 7
    assert [s.get_attribute("aria-label") for s in segments[:3]] == [
        f"{WEEK[0]} {meal}: GL {gl:.1f}" for meal, gl in
        [(m["meal"], m["gl"]) for m in score_diary(connect(built_db), diary)["meals"][:3]]]
    assert len(svg.find_elements(By.CSS_SELECTOR, ".day_bands_marks path")) == 3
    assert "low (< 80)" in svg.text and "high (> 120)" in svg.text and "breakfast" in svg.text
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "h2")]
    assert headings[1:8] == [f"{d['date']}: GL {d['gl']:.1f}, {d['gl_class']}" for d in days]
    assert "Lowest-GL swap" in browser.find_element(By.CSS_SELECTOR, f"#day-{WEEK[0]} .swap").text
    screenshot = tmp_path / "diary-report.png"
    browser.set_window_size(1280, 1100)
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep_screenshot(screenshot, "diary-report.png")
