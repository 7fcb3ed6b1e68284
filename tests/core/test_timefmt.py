"""The one form of a time in results: UTC, seconds, a colon in the offset; every stored
form read back into it."""

from __future__ import annotations

import pytest

from skillshared.core import timefmt
from tests.undo_world import time_zone

WHEN = 1796490721.0  # 2026-12-05T17:12:01+00:00


def test_iso_is_utc_to_the_second_whatever_the_zone() -> None:
    with time_zone("XYZ-5"):
        assert timefmt.iso(WHEN + 0.999) == "2026-12-05T17:12:01+00:00"
    assert timefmt.iso_or_none(None) is None
    assert timefmt.FORM.fullmatch(timefmt.now())


@pytest.mark.parametrize("stored", [
    "2026-12-05T17:12:01+0000",  # the operation log's (strftime %z)
    "2026-12-05T22:12:01+0500",  # the same, written in another zone
    "2026-12-05T17:12:01Z",  # install records'
    "2026-12-05T17:12:01.123456789Z",  # the original's (Go, nanoseconds)
    "2026-12-05T17:12:01.278718Z",  # structlog's
    "2026-12-05T12:12:01-05:00",
    " 2026-12-05T17:12:01+00:00\n",
])
def test_every_stored_form_reads_into_the_one(stored: str) -> None:
    assert timefmt.iso_text(stored) == "2026-12-05T17:12:01+00:00"
    assert timefmt.epoch_of(stored) == pytest.approx(WHEN, abs=1)


def test_a_time_without_a_zone_is_local() -> None:
    with time_zone("XYZ-5"):
        assert timefmt.iso_text("2026-12-05T22:12:01") == "2026-12-05T17:12:01+00:00"


def test_what_is_not_a_time_is_kept_as_it_is() -> None:
    for text in ("", "yesterday", "2026-13-45T00:00:00Z"):
        assert timefmt.iso_text(text) == text
        assert timefmt.epoch_of(text) is None
    assert timefmt.iso_text("0001-01-01T00:00:00Z") == "0001-01-01T00:00:00+00:00"  # Go's zero


@pytest.mark.parametrize(("epoch", "shown"), [
    (float("nan"), "1970-01-01T00:00:00+00:00"), (-5.0, "1970-01-01T00:00:00+00:00"),
    (1e300, "9999-12-31T23:59:59+00:00")])
def test_a_number_that_cannot_be_a_time_still_shows_one(epoch: float, shown: str) -> None:
    assert timefmt.iso(epoch) == shown
