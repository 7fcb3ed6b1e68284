"""The dashboard in a real browser: Debian's chromium, driven through chromedriver, against a
real daemon. The page loads with every target, a skill written on disk appears without a
reload, a duplicate is flagged in a tool's catalog, and a restore runs through its preview.

With ``SKILLSHARE_SCREENSHOTS=<folder>`` the main views are saved there as PNGs (1280x800).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DaemonStarter, make_skill
from tests.web.browser import Browser, Shots, marked, missing
from tests.web.dashboard import Web, serve, world

REASON = missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One chromium for the module (each test signs in to its own daemon)."""
    opened = Browser(tmp_path_factory.mktemp("chromium"))
    yield opened
    opened.quit()


@pytest.fixture
def page(home: Path, source: Path, daemon: DaemonStarter, browser: Browser) -> Iterator[Web]:
    """claude and cursor (cursor also reads ~/.claude/skills), the dashboard served, and the
    browser signed in with the one-time link."""
    world(home, source)
    web = serve(daemon)
    browser.problems()  # what an earlier test's page left in the console is not this test's
    browser.open(web.extra["login_url"])
    browser.one(marked("target-card", target="cursor"))
    yield web
    browser.open("about:blank")  # the page's stream ends before the daemon does


def card_state(browser: Browser, target: str) -> str | None:
    cards = browser.data(marked("target-card", target=target))
    return cards[0]["state"] if cards else None


def dialog_reaches(browser: Browser, stage: str) -> str:
    """Wait until the action dialog shows ``stage`` (or an error); its text."""
    dialog = marked("preview-dialog")
    shown = browser.wait(lambda: [d for d in browser.data(dialog)
                                  if d.get("stage") in (stage, "error")],
                         what=f"the dialog's {stage}")[0]
    assert shown["stage"] == stage, shown["text"]
    return shown["text"]


def no_problems(browser: Browser) -> None:
    """No error in the console: no script or style refused by the CSP, no failed fetch."""
    problems = [p for p in browser.problems() if "favicon" not in p]
    assert not problems, problems


def test_every_target_then_a_new_skill_arrives_without_a_reload(
        page: Web, source: Path, home: Path, browser: Browser) -> None:
    assert browser.driver.current_url == f"{page.origin}/"
    cards = browser.data(marked("target-card", kind="skills"))
    assert [c["target"] for c in cards] == ["claude", "cursor"]
    assert card_state(browser, "claude") == "synced"
    paths = browser.data(marked("target-card", target="claude") + " .path")
    assert [p["text"] for p in paths] == ["~/.claude/skills"]  # the home folder as ~
    browser.wait(lambda: browser.data(marked("live-indicator"))[0]["state"] == "live",
                 what="the live indicator")
    browser.driver.execute_script("window.notReloaded = true;")
    make_skill(source, "gamma")
    synced = marked("target-card", target="claude") + " " + marked("target-synced")
    browser.wait(lambda: [c["text"] for c in browser.data(synced)] == ["3/3 synced"],
                 what="gamma synced in claude's card")
    assert (home / ".claude/skills/gamma").is_symlink()
    browser.wait(lambda: any("linked gamma into claude" in e["text"]
                             for e in browser.data(marked("event-item"))),
                 what="the pass that linked gamma, named in the event list")
    assert browser.driver.execute_script("return window.notReloaded === true;")
    no_problems(browser)


def test_a_duplicate_is_flagged_in_the_tool_catalog(page: Web, browser: Browser,
                                                    shots: Shots) -> None:
    browser.click(marked("tab-catalog"))
    cursor = marked("catalog-tool", tool="cursor")
    entry = cursor + " " + marked("catalog-entry", name="alpha")
    rows = browser.wait(lambda: browser.data(entry), what="alpha in cursor's catalog")
    # cursor loads alpha twice: from its own folder and from ~/.claude/skills, which it reads
    assert sorted(r["role"] for r in rows) == ["also", "own"]
    assert all(r.get("duplicate") for r in rows)
    assert browser.data(entry + " " + marked("duplicate-marker"))
    assert browser.data(cursor + " " + marked("catalog-duplicate", name="alpha"))
    claude = marked("catalog-tool", tool="claude")
    assert browser.data(claude + " " + marked("catalog-entry", name="alpha"))
    assert not browser.data(claude + " " + marked("duplicate-marker"))
    browser.click(marked("tool-picker") + ' option[value="cursor"]')
    browser.wait(lambda: not browser.data(claude), what="only cursor shown")
    shots.take(browser, "catalog")
    no_problems(browser)


def test_restore_runs_through_its_preview(home: Path, source: Path, daemon: DaemonStarter,
                                          browser: Browser, shots: Shots) -> None:
    world(home, source)
    web = serve(daemon)
    mine = make_skill(home / ".claude/skills", "mine")  # made in the tool's folder
    web.daemon.ask("backup", {"targets": ["claude"]})
    shutil.rmtree(mine)
    browser.problems()
    browser.open(web.extra["login_url"])
    try:
        browser.click(marked("tab-backups"))
        browser.click(marked("restore-button", target="claude", kind="skills"))
        assert "Would restore ~/.claude/skills" in dialog_reaches(browser, "preview")
        assert not os.path.lexists(mine)  # the dry run changed nothing
        shots.take(browser, "restore-preview")
        browser.click(marked("confirm-button"))
        assert "Restored ~/.claude/skills" in dialog_reaches(browser, "done")
        assert (mine / "SKILL.md").read_text().startswith("---\nname: mine\n")
        assert (home / ".claude/skills/alpha").is_symlink()
        no_problems(browser)
    finally:
        browser.open("about:blank")


def test_a_restore_over_a_folder_not_ours_offers_force(home: Path, source: Path,
                                                       daemon: DaemonStarter,
                                                       browser: Browser) -> None:
    world(home, source)
    web = serve(daemon)
    web.daemon.ask("backup", {"targets": ["claude"]})
    alpha = home / ".claude/skills/alpha"
    alpha.unlink()
    make_skill(home / ".claude/skills", "alpha", body="my own\n")  # the user's, not ours
    browser.problems()
    browser.open(web.extra["login_url"])
    try:
        browser.click(marked("tab-backups"))
        browser.click(marked("restore-button", target="claude", kind="skills"))
        assert "--force" in dialog_reaches(browser, "error")  # refused, with the hint
        browser.click(marked("force-button"))
        assert "would replace alpha" in dialog_reaches(browser, "preview")
        assert (alpha / "SKILL.md").read_text().endswith("my own\n")  # not yet
        browser.click(marked("confirm-button"))
        assert "Restored ~/.claude/skills" in dialog_reaches(browser, "done")
        assert alpha.is_symlink()
        # the console has the refusal (a 409 of the first preview) and nothing else
        problems = [p for p in browser.problems() if "favicon" not in p]
        assert len(problems) == 1 and "/api/actions/restore" in problems[0], problems
        assert "409" in problems[0]
    finally:
        browser.open("about:blank")


def test_a_reload_and_a_second_tab_keep_working(page: Web, browser: Browser) -> None:
    """The key goes once to the page that signs in; kept in the origin's storage, a reload
    and another tab of the dashboard have it (the cookie alone would read nothing)."""
    driver = browser.driver
    cookie = driver.get_cookie("skillshare_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.cookie = f"skillshare_session={cookie['value']}"  # (what a thief would have)
    assert page.get("/api/session", key=False).status == 403  # the page has the key
    assert page.get("/api/status", key=False).status == 403
    driver.refresh()
    browser.one(marked("target-card", target="cursor"))
    browser.wait(lambda: browser.data(marked("live-indicator"))[0]["state"] == "live",
                 what="the reloaded page live")
    driver.switch_to.new_window("tab")
    try:
        browser.open(f"{page.origin}/#catalog")
        browser.wait(lambda: browser.data(marked("catalog-entry", name="alpha")),
                     what="the second tab's catalog")
    finally:
        driver.close()
        driver.switch_to.window(driver.window_handles[0])
    no_problems(browser)
