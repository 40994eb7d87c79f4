"""`tracker serve` in a real browser: Debian's chromium driven headless by
selenium through chromedriver, against uvicorn on 127.0.0.1, both backends.
A reader signs in, opens the contests, follows a contest to a claim and to
its quote highlighted in the source, and searches; an editor selects a
passage in a source and adds a claim from it; text stored to run script if
it ever could (`onerror=`, `<script>`) never runs on any page, while the
page's own script does."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import SEEDS
from tests.web_support import hostile_record, url_of
from tracker.ingest.load import load_paths
from tracker.web import users
from tracker.web.app import create_app
from tracker.web.desk import Desk

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# What works on these machines: no sandbox as root, and no calls home.
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "correct horse battery"
pytestmark = pytest.mark.skipif(
    not (shutil.which(CHROMIUM) and shutil.which(DRIVER)),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """The seeds and the hostile record, a user, and uvicorn serving them."""
    import uvicorn

    load_paths(engine, [SEEDS])
    hostile_record(engine, tmp_path)
    users.add_user(engine, "ana", "reader", PASSWORD)
    users.add_user(engine, "eve", "editor", PASSWORD)
    desk = Desk.open(url_of(engine), read_only=False)
    port = _free_port()
    config = uvicorn.Config(create_app(desk), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        desk.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _arrive(driver: Any, ending: str) -> None:
    """Wait for the navigation a click started: a click returns before it ends."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda d: d.current_url.endswith(ending) and d.execute_script(
            "return document.readyState") == "complete"
    )  # fmt: skip


def _clean(driver: Any) -> None:
    """The page's own script ran; nothing stored in the record did."""
    assert driver.execute_script("return document.documentElement.dataset.enhanced") == "1"
    assert driver.execute_script("return window.__pwned === undefined")


SELECT = """const article = document.querySelector(".article");
const walk = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
const nodes = [];
let text = "";
for (let n = walk.nextNode(); n; n = walk.nextNode()) {
  nodes.push([n, text.length]);
  text += n.data;
}
const at = text.indexOf(arguments[0]);
if (at < 0) return false;
const place = (i) => {
  const [n, from] = nodes.filter(([n, from]) => from <= i).pop();
  return [n, i - from];
};
const range = document.createRange();
range.setStart(...place(at));
range.setEnd(...place(at + arguments[0].length));
getSelection().removeAllRanges();
getSelection().addRange(range);
return true;"""


def _select(driver: Any, phrase: str) -> bool:
    """Select `phrase` in the page's article as a reader's mouse selects it:
    a range over the article's text, which the page's script reads."""
    found: bool = driver.execute_script(SELECT, phrase)
    return found


def _sign_in(driver: Any, served: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(served + "/signin")
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.signin button").click()
    _arrive(driver, served + "/")


def test_a_reader_signs_in_and_follows_a_contest_to_its_source(served: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(served + "/")
    assert "/signin" in driver.current_url
    driver.find_element(By.NAME, "name").send_keys("ana")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.signin button").click()
    _arrive(driver, served + "/")
    assert "ana (reader)" in driver.find_element(By.CSS_SELECTOR, ".who").text
    _clean(driver)

    # The contests: the charge, and the denial that answers it.
    contest = driver.find_element(By.ID, "c-miller-arms-charge")
    assert "denied by" in contest.text
    assert "There have been no arms transfers" in contest.text
    contest.find_element(
        By.LINK_TEXT, "There have been no arms transfers between North Korea and Russia."
    ).click()
    _arrive(driver, "/claims/moscow-pyongyang-deny-arms")
    assert "Why it is contested" in driver.find_element(By.TAG_NAME, "main").text
    _clean(driver)

    # Its quote, followed to its spot in the article, highlighted there.
    driver.find_element(By.CSS_SELECTOR, "section.appearances a.quoted").click()
    _arrive(driver, "/sources/star-advertiser-20240618#q2746-2793")
    target = driver.find_element(By.CSS_SELECTOR, "mark:target")
    assert target.get_attribute("id") == "q2746-2793"
    assert target.text == "Moscow and Pyongyang have denied arms transfers"
    assert driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight",
        target,
    )
    assert target.value_of_css_property("background-color") == "rgba(255, 213, 79, 1)"
    _clean(driver)

    # A search from the header.
    box = driver.find_element(By.CSS_SELECTOR, "form.find input[name=q]")
    box.send_keys("ballistic missiles")
    box.submit()
    _arrive(driver, "/search?q=ballistic+missiles")
    marks = [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".snippet mark")]
    assert "ballistic" in marks and "missiles" in marks
    _clean(driver)


PAGES = [
    "/", "/claims", "/claims/convoy-left", "/claims/convoy-denied", "/actors", "/actors/ministry",
    "/actors/rebels", "/sources", "/sources/article", "/search?q=convoy", "/search?q=script",
    "/timeline", "/topics", "/signin",
]  # fmt: skip


def test_stored_script_never_runs_and_pages_fit_a_phone(served: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(served + "/signin")
    driver.find_element(By.NAME, "name").send_keys("ana")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.signin button").click()
    _arrive(driver, served + "/")
    driver.set_window_size(390, 844)  # a phone's width
    for path in PAGES:
        driver.get(served + path)
        _clean(driver)
        # The payloads are there, as text, and no element they name exists.
        assert not driver.find_elements(By.CSS_SELECTOR, "main img, main b, main script")
        wide = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert wide <= 0, f"{path} is {wide}px wider than a phone"
    driver.get(served + "/claims/convoy-left")
    shown = driver.find_element(By.TAG_NAME, "h1").text
    assert shown == "<script>window.__pwned=1</script> The convoy left at dawn."
    # A javascript: address is text: clicking on it goes nowhere.
    assert not driver.find_elements(By.CSS_SELECTOR, "a[href^='javascript']")


def test_an_editor_selects_a_passage_in_a_source_and_adds_a_claim(
    served: str, browser: Any, engine: Engine
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.conftest import Runner

    source, phrase = "star-advertiser-20240618", "pledged his unwavering support"
    article = (SEEDS / "002_75e8f458d8cc0dcf.txt").read_text("utf-8")
    driver = browser
    driver.get(served + "/signin")
    driver.find_element(By.NAME, "name").send_keys("eve")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.signin button").click()
    _arrive(driver, served + "/")
    driver.get(f"{served}/sources/{source}")
    _clean(driver)
    # The passage selected as a reader's mouse selects it.
    assert _select(driver, phrase)
    form = driver.find_element(By.ID, "add-claim")
    start = form.find_element(By.NAME, "start")
    WebDriverWait(driver, 10).until(lambda d: start.get_attribute("value"))
    at = article.index(phrase)
    assert int(start.get_attribute("value")) == at
    assert int(form.find_element(By.NAME, "end").get_attribute("value")) == at + len(phrase)
    assert form.find_element(By.NAME, "quote").get_attribute("value") == phrase
    assert "Quoting characters" in driver.find_element(By.CSS_SELECTOR, "p.selection").text
    form.find_element(By.NAME, "by").send_keys("Putin")
    form.find_element(By.NAME, "text").send_keys("Putin pledged unwavering support to Pyongyang.")
    form.find_element(By.NAME, "on").send_keys("2024-06-18")
    form.find_element(By.NAME, "new").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: "/claims/" in d.current_url)
    key = driver.current_url.rsplit("/claims/", 1)[1]
    assert f"added claim {key}" in driver.find_element(By.CSS_SELECTOR, "p.said").text
    _clean(driver)
    # The command line sees it: the quote at the passage's place in the source.
    shown = Runner(url_of(engine))("show", key, "-f", "json")
    assert shown.exit_code == 0, shown.output
    import json

    [appearance] = json.loads(shown.output)["appearances"]
    assert (appearance["source"], appearance["start"], appearance["end"]) == (
        source, at, at + len(phrase)
    )  # fmt: skip
    history = Runner(url_of(engine))("history", key, "-f", "json")
    assert json.loads(history.output)[0]["by"] == "eve"


# Invented reporting: a charge by a recorded actor, and Moscow's denial of it.
WIRE = (
    "Rajin port row\n"
    "State Department spokesman Matthew Miller said North Korea shipped artillery shells to"
    " Russia through the port of Rajin.\n"
    "Moscow denied the shipments.\n"
)


def test_an_editor_adds_a_claim_and_accepts_its_denial_in_the_workbench(
    served: str, browser: Any, engine: Engine, tmp_path: Path
) -> None:
    """The charge added by selecting its passage; the denial accepted in the
    workbench, its span narrowed by a selection and its text edited; both
    then in `tracker contested`, one answering the other."""
    import json

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.conftest import Runner

    (tmp_path / "wire.txt").write_text(WIRE, "utf-8")
    (tmp_path / "wire.yaml").write_text(
        "sources:\n  - id: rajin-wire\n    file: wire.txt\n    outlet: Test Wire\n"
        "    title: Rajin port row\n    published: '2024-06-21'\n",
        "utf-8",
    )
    load_paths(engine, [tmp_path / "wire.yaml"])
    run = Runner(url_of(engine))
    driver = browser
    _sign_in(driver, served, "eve")

    # The charge: its passage selected in the source, the form filled from it.
    charge = "North Korea shipped artillery shells to Russia through the port of Rajin"
    driver.get(f"{served}/sources/rajin-wire")
    assert _select(driver, charge)
    form = driver.find_element(By.ID, "add-claim")
    WebDriverWait(driver, 10).until(
        lambda d: form.find_element(By.NAME, "start").get_attribute("value")
    )
    form.find_element(By.NAME, "by").send_keys("Matthew Miller")
    form.find_element(By.NAME, "text").send_keys("North Korea shipped shells through Rajin.")
    form.find_element(By.NAME, "new").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: "/claims/" in d.current_url)
    added = driver.current_url.rsplit("/claims/", 1)[1]
    _clean(driver)

    # The workbench: the charge is recorded now; the denial answers it.
    driver.get(f"{served}/sources/rajin-wire")
    driver.find_element(By.LINK_TEXT, "Extract its proposals").click()
    _arrive(driver, "/sources/rajin-wire/extract")
    _clean(driver)
    assert "Already recorded" in driver.find_element(By.ID, "proposal-1").text
    box = driver.find_element(By.ID, "proposal-2")
    # What it denies: the claim just added, its statement here, picked alone.
    assert f"proposal 1 = {added}" in box.text
    box.find_element(By.CSS_SELECTOR, "input[name=answers2][value=t1]").click()
    box.find_element(By.CSS_SELECTOR, "input[name=do2][value=accept]").click()
    narrowed = "the shipments."
    assert _select(driver, narrowed)
    use = box.find_element(By.CSS_SELECTOR, "button.use-selection")
    assert use.is_displayed()  # the script shows it; without script, the offsets do
    use.click()
    at = WIRE.index(narrowed)
    assert box.find_element(By.NAME, "start2").get_attribute("value") == str(at)
    assert box.find_element(By.NAME, "end2").get_attribute("value") == str(at + len(narrowed))
    text = box.find_element(By.NAME, "text2")
    text.clear()
    text.send_keys("North Korea shipped no artillery shells to Russia.")
    driver.find_element(By.CSS_SELECTOR, "#workbench > button[type=submit]").click()
    _arrive(driver, "/sources/rajin-wire")
    assert "Wrote 1 of 2 proposals." in driver.find_element(By.CSS_SELECTOR, "p.said").text
    _clean(driver)

    # The command line sees both: the charge, contested by the denial.
    contested = json.loads(run("contested", "-f", "json").output)
    [contest] = [c for c in contested if c["id"] == added]
    [denial] = [c for c in contest["counter_claims"] if c["relation"] == "denies"]
    assert denial["text"] == "North Korea shipped no artillery shells to Russia."
    shown = json.loads(run("show", denial["id"], "-f", "json").output)
    assert [a["quote"] for a in shown["appearances"]] == [narrowed]
    assert json.loads(run("history", denial["id"], "-f", "json").output)[0]["by"] == "eve"
    # The hostile article's workbench runs none of its text, and fits a phone.
    driver.set_window_size(390, 844)
    driver.get(served + "/sources/article/extract")
    _clean(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "main img, main b, main script")
    assert (
        driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )
