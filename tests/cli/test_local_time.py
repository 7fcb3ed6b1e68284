"""The command line's reading of ISO 8601 times into local time agrees with datetime's, in
zones east and west of UTC, for every form the project writes or reads."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from skillshare.textout import local_time


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu", "America/St_Johns", "Europe/Paris"])
def test_local_time_agrees_with_datetime(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        start = datetime(1999, 12, 31, 22, 59, 58, tzinfo=UTC)
        for step in range(0, 40 * 365 * 86400, 86400 * 97 + 3607):
            when = start + timedelta(seconds=step)
            want = when.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            for text in (when.isoformat(), when.isoformat().replace("+00:00", "Z"),
                         when.strftime("%Y-%m-%dT%H:%M:%S.123456Z"),
                         when.astimezone(timezone(timedelta(hours=-5))).strftime(
                             "%Y-%m-%dT%H:%M:%S%z")):
                assert local_time(text) == want, text
            naive = when.astimezone().replace(tzinfo=None).isoformat()
            assert local_time(naive) == want
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_today_is_the_time_alone_and_other_text_is_kept() -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    assert local_time(now.isoformat(), short=True) == now.astimezone().strftime("%H:%M:%S")
    for text in ("-", "not a time", "2026-13-01T00:00:00Z", "2026-12-05T10:00:00+5"):
        assert local_time(text) == text[:19].replace("T", " ")
