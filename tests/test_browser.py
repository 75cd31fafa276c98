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
