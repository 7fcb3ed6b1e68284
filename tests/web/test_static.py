"""The page's files as shipped (no browser needed): all in one folder (the package data is
``static/*``), nothing the Content-Security-Policy would refuse (no inline script, style or
handler), no URL outside the daemon, no HTML built from strings, every module imported
shipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "skillshared/web/static"
FILES = sorted(STATIC.iterdir())
SCRIPTS = [f for f in FILES if f.suffix == ".js"]


def test_one_flat_folder_of_page_files() -> None:
    assert {f.name for f in FILES} >= {"index.html", "app.js", "style.css"}
    assert all(f.is_file() and f.suffix in (".html", ".js", ".css") for f in FILES), FILES


def test_the_page_has_no_inline_script_style_or_handler() -> None:
    html = (STATIC / "index.html").read_text()
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script type="module" src="/static/app.js">']
    assert "</script>" in html and "<style" not in html
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    for ref in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert (STATIC / ref.removeprefix("/static/")).is_file(), ref


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_url_outside_the_daemon(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"(?i)\b(?:https?|wss?|ftp):|//[a-z0-9.-]+\.[a-z]{2,}/", text)
    assert not re.search(r"@import|url\(", text)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_modules_build_no_html_from_strings_and_import_what_is_shipped(path: Path) -> None:
    text = path.read_text()
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                  "new Function", "setAttribute(\"on", ".style."):
        assert risky not in text, risky
    for spec in re.findall(r'^\s*import\b[^;]*?from\s+"([^"]+)"', text, re.M | re.S):
        assert spec.startswith("./") and (STATIC / spec[2:]).is_file(), spec
