"""A published site in a real browser (Debian's chromium, headless, through
selenium), opened from disk: pages render with their stylesheet, links lead
from a contest to its claim and to the quote in its source, nothing stored
in the record runs, the pages fit a phone, and no request leaves the site."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from tests.conftest import SEEDS
from tests.test_web_browser import CHROMIUM, DRIVER, browser  # noqa: F401  # the fixture
from tests.web_support import hostile_record, url_of
from tracker.cli import cli
from tracker.ingest.load import load_paths

pytestmark = pytest.mark.skipif(
    not (shutil.which(CHROMIUM) and shutil.which(DRIVER)),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Path:
    load_paths(engine, [SEEDS])
    hostile_record(engine, tmp_path)
    folder = tmp_path / "site"
    result = CliRunner().invoke(cli, ["--db", url_of(engine), "publish", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _left_the_site(driver: Any, folder: Path) -> list[str]:
    entries = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    return [e for e in entries if not e.startswith(folder.resolve().as_uri() + "/")]


def test_a_reader_opens_the_site_from_disk(site: Path, browser: Any) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get((site / "index.html").as_uri())
    contest = driver.find_element(By.ID, "c-miller-arms-charge")
    assert "There have been no arms transfers" in contest.text
    assert _left_the_site(driver, site) == []
    contest.find_element(
        By.LINK_TEXT, "There have been no arms transfers between North Korea and Russia."
    ).click()
    assert driver.current_url.endswith("/claims/moscow-pyongyang-deny-arms.html")
    assert "Why it is contested" in driver.find_element(By.TAG_NAME, "main").text
    # The contest map is a picture: boxes and arrows drawn, no code shown.
    drawn = driver.find_element(By.CSS_SELECTOR, "figure.map svg")
    assert drawn.size["width"] > 200 and drawn.size["height"] > 50
    assert len(drawn.find_elements(By.TAG_NAME, "line")) >= 1
    assert "graph LR" not in driver.find_element(By.TAG_NAME, "main").text
    driver.find_element(By.CSS_SELECTOR, "section.appearances a.quoted").click()
    assert driver.current_url.endswith("/sources/star-advertiser-20240618.html#q2746-2793")
    target = driver.find_element(By.CSS_SELECTOR, "mark:target")
    assert target.text == "Moscow and Pyongyang have denied arms transfers"
    # The site's own stylesheet, from disk, highlights it.
    assert target.value_of_css_property("background-color") == "rgba(255, 213, 79, 1)"
    assert _left_the_site(driver, site) == []


def test_stored_script_never_runs_and_pages_fit_a_phone(site: Path, browser: Any) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    driver = browser
    driver.set_window_size(390, 844)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        driver.get(page.as_uri())
        assert driver.execute_script("return window.__pwned === undefined"), page
        assert not driver.find_elements(By.CSS_SELECTOR, "main img, main b, main script"), page
        wide = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert wide <= 0, f"{page.relative_to(site)} is {wide}px wider than a phone"
        assert _left_the_site(driver, site) == [], page
