"""The dashboard's guard on its own, with a clock the test moves: sign-in links expire and
work once, sessions and links are capped, cookies are read exactly."""

from __future__ import annotations

from email.message import Message

import pytest

from skillshared.web import guard
from skillshared.web.guard import CSRF_HEADER, Guard, Refused


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_link_expires_and_works_once() -> None:
    clock = Clock()
    g = Guard(4242, clock)
    early, late = g.issue_token(), g.issue_token()
    clock.now += guard.TOKEN_TTL - 1
    value = g.exchange(early)
    assert g.session(f"other=1; {guard.COOKIE}={value}; x=y").csrf
    with pytest.raises(Refused) as used:
        g.exchange(early)
    assert used.value.status == 403
    clock.now += 2
    with pytest.raises(Refused):
        g.exchange(late)  # expired
    for nothing in (None, "", "x" * 100):
        with pytest.raises(Refused):
            g.exchange(nothing)


def test_a_session_ends_after_its_time() -> None:
    clock = Clock()
    g = Guard(4242, clock)
    cookie = f"{guard.COOKIE}={g.exchange(g.issue_token())}"
    clock.now += guard.SESSION_TTL - 1
    g.session(cookie)
    clock.now += 1
    with pytest.raises(Refused) as refused:
        g.session(cookie)
    assert refused.value.status == 401


def test_cookies_are_read_exactly() -> None:
    g = Guard(4242)
    value = g.exchange(g.issue_token())
    for header in (None, "", f"{guard.COOKIE}x={value}", f"x{guard.COOKIE}={value}",
                   f"{guard.COOKIE}={value}x", f"{guard.COOKIE}"):
        with pytest.raises(Refused) as refused:
            g.session(header)
        assert refused.value.status == 401


def test_links_and_sessions_are_capped_oldest_first() -> None:
    clock = Clock()
    g = Guard(4242, clock)
    tokens = []
    for _ in range(guard.MAX_TOKENS + 1):
        clock.now += 1
        tokens.append(g.issue_token())
    with pytest.raises(Refused):
        g.exchange(tokens[0])
    g.exchange(tokens[-1])
    values = []
    for _ in range(guard.MAX_SESSIONS + 1):
        clock.now += 1
        values.append(g.exchange(g.issue_token()))
    assert g.sessions == guard.MAX_SESSIONS
    with pytest.raises(Refused):
        g.session(f"{guard.COOKIE}={values[0]}")
    g.session(f"{guard.COOKIE}={values[-1]}")


def _headers(**given: str) -> Message[str, str]:
    message: Message[str, str] = Message()
    for key, value in given.items():
        message[key.replace("_", "-")] = value
    return message


def test_an_action_needs_json_csrf_and_its_own_origin() -> None:
    g = Guard(4242)
    session = g.session(f"{guard.COOKIE}={g.exchange(g.issue_token())}")
    good = {"Content_Type": "application/json; charset=utf-8", "Origin": "http://localhost:4242",
            CSRF_HEADER.replace("-", "_"): session.csrf}
    g.check_action(_headers(**good), session)
    g.check_action(_headers(**good, Sec_Fetch_Site="same-origin"), session)
    for change, status in (({"Content_Type": "text/plain"}, 415),
                           ({"Origin": "http://localhost:4243"}, 403),
                           ({"Origin": "https://127.0.0.1:4242"}, 403),
                           ({CSRF_HEADER.replace("-", "_"): session.csrf + "x"}, 403),
                           ({"Sec_Fetch_Site": "none"}, 403)):
        with pytest.raises(Refused) as refused:
            g.check_action(_headers(**{**good, **change}), session)
        assert refused.value.status == status, change


def test_the_key_is_handed_out_once() -> None:
    g = Guard(4242)
    one = g.session(f"{guard.COOKIE}={g.exchange(g.issue_token())}")
    two = g.session(f"{guard.COOKIE}={g.exchange(g.issue_token())}")
    assert g.hand_out(one) and not g.hand_out(one)
    assert g.hand_out(two)  # each session's own
    assert g.has_key(one.csrf, one) and not g.has_key(two.csrf, one)
    for wrong in (None, "", one.csrf + "x", one.csrf[:-1]):
        assert not g.has_key(wrong, one)
        with pytest.raises(Refused) as refused:
            g.check_key(wrong, one)
        assert refused.value.status == 403
