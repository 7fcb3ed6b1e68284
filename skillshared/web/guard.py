"""Who may use the dashboard, and how each request proves it.

- The server listens on 127.0.0.1 only, and answers only requests whose ``Host`` names the
  loopback by address or as ``localhost``, on its own port: a page of another site that
  rebinds its DNS name to 127.0.0.1 sends its own name as ``Host`` and is refused.
- The CLI gets a one-time token from the daemon over its Unix socket (which serves only its
  own user); the browser exchanges it once, within :data:`TOKEN_TTL` seconds, for a session
  cookie that is ``HttpOnly`` (no script reads it) and ``SameSite=Strict`` (no other site's
  request carries it). Every request but the exchange needs the session.
- Every read of the API needs the session's key too (``X-Skillshare-CSRF``; the event
  stream, which cannot send headers, takes it as ``?csrf=``). The key is handed out once per
  session, to the page that signs in, which keeps it in its origin's storage. Browsers do
  not scope cookies by port, so another server on 127.0.0.1 that the user browses to is sent
  the cookie; without the key, which no other origin can read, the cookie alone reads and
  does nothing.
- An action (a POST) also needs a JSON body, the key in its header, an ``Origin`` of the
  dashboard itself and, when the browser sends one, ``Sec-Fetch-Site: same-origin``.

Tokens and sessions are kept as their SHA-256 digests, in memory only: a daemon that
restarts forgets them (run ``skillshare ui`` again).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

TOKEN_TTL = 300.0  # seconds a sign-in link works (once)
SESSION_TTL = 12 * 3600.0  # seconds a browser stays signed in
MAX_TOKENS = 32  # links not used yet (the oldest is dropped first)
MAX_SESSIONS = 64  # signed-in browsers (the oldest is dropped first)
COOKIE = "skillshare_session"
CSRF_HEADER = "X-Skillshare-CSRF"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Session:
    key: str  # the digest it is kept under
    csrf: str
    since: float


class Refused(Exception):
    """A request the guard turns away: its HTTP status and why (said to the client)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Guard:
    def __init__(self, port: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}  # digest -> expiry
        self._sessions: dict[str, Session] = {}  # digest -> session
        self._handed: set[str] = set()  # the sessions whose key their page has

    # -- where from -----------------------------------------------------------------------
    def origins(self) -> set[str]:
        return {f"http://{name}:{self.port}" for name in LOOPBACK_NAMES}

    def check_host(self, host: str | None) -> None:
        """Refuses (421) any ``Host`` but the loopback's names on this port."""
        if host is None or host.strip().lower() not in {
                f"{name}:{self.port}" for name in LOOPBACK_NAMES}:
            raise Refused(421, "this dashboard answers only at "
                               f"http://127.0.0.1:{self.port}/ (the Host header names another "
                               "address)")

    # -- signing in -----------------------------------------------------------------------
    def issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._tokens = {d: t for d, t in self._tokens.items() if t > now}
            while len(self._tokens) >= MAX_TOKENS:
                del self._tokens[min(self._tokens, key=self._tokens.__getitem__)]
            self._tokens[_digest(token)] = now + TOKEN_TTL
        return token

    def exchange(self, token: str | None) -> str:
        """A new session's cookie value for a token that is known and fresh (used up now);
        else :class:`Refused` (403)."""
        with self._lock:
            expiry = self._tokens.pop(_digest(token), None) if token else None
            if expiry is None or expiry <= self._clock():
                raise Refused(403, "this sign-in link was used already, has expired (links "
                                   "work once, for 5 minutes) or is not one; run "
                                   "`skillshare ui` for a new one")
            value = secrets.token_urlsafe(32)
            while len(self._sessions) >= MAX_SESSIONS:
                oldest = min(self._sessions, key=lambda d: self._sessions[d].since)
                del self._sessions[oldest]
                self._handed.discard(oldest)
            key = _digest(value)
            self._sessions[key] = Session(key, secrets.token_urlsafe(32), self._clock())
        return value

    def session(self, cookie_header: str | None) -> Session:
        """The session the request's cookie names; else :class:`Refused` (401)."""
        value = _cookie(cookie_header or "", COOKIE)
        found = self._sessions.get(_digest(value)) if value else None
        if found is None or found.since + SESSION_TTL <= self._clock():
            raise Refused(401, "not signed in (or signed in over 12 hours ago): open the "
                               "link `skillshare ui` prints")
        return found

    @property
    def sessions(self) -> int:
        return len(self._sessions)

    def hand_out(self, session: Session) -> bool:
        """True the first time only: the session's key goes to the page that signed in."""
        with self._lock:
            if session.key in self._handed:
                return False
            self._handed.add(session.key)
            return True

    @staticmethod
    def has_key(sent: str | None, session: Session) -> bool:
        return secrets.compare_digest((sent or "").encode("utf-8", "surrogateescape"),
                                      session.csrf.encode())

    def check_key(self, sent: str | None, session: Session) -> None:
        """Refuses (403) a request without the session's key."""
        if not self.has_key(sent, session):
            raise Refused(403, f"the {CSRF_HEADER} header (the page's key) is missing or "
                               "wrong: open the dashboard from the link `skillshare ui` "
                               "prints")

    # -- actions --------------------------------------------------------------------------
    def check_action(self, headers: Message[str, str], session: Session) -> None:
        """An action's headers: JSON, the CSRF token, the dashboard's own origin."""
        kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise Refused(415, "an action's body must be JSON (Content-Type: "
                               "application/json)")
        self.check_key(headers.get(CSRF_HEADER), session)
        origin = headers.get("Origin")
        if origin is None or origin.lower() not in self.origins():
            raise Refused(403, "an action must come from the dashboard's own page (its "
                               "Origin header is missing or another site's)")
        site = headers.get("Sec-Fetch-Site")
        if site is not None and site.lower() != "same-origin":
            raise Refused(403, f"an action must come from the dashboard's own page "
                               f"(Sec-Fetch-Site: {site})")


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value
    return None


def set_cookie(value: str) -> str:
    return f"{COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/"
