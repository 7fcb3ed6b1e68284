"""The dashboard tests' shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.browser import Shots, screenshots_folder


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shots]:
    """A module's screenshots (read before a test's environment is cleared; published after
    its write guard)."""
    taken = Shots(tmp_path_factory.mktemp("screenshots"), screenshots_folder())
    yield taken
    taken.publish()
