"""Who may do what, checked in one place: sessions, CSRF tokens, login throttling, headers."""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No script at all; styles only from our own stylesheet; nothing may frame the pages.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """Adds the security headers to every response, error pages included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(session: dict) -> str:
    """The session's token for forms, made on first use."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_valid(session: dict, given: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and given) and secrets.compare_digest(str(expected), str(given))


class LoginThrottle:
    """Failed logins per account and per client address within a window; over the limit, wait."""

    def __init__(
        self, per_login: int = 5, per_client: int = 20, window_seconds: float = 15 * 60
    ) -> None:
        self.limits = {"login": per_login, "client": per_client}
        self.window = window_seconds
        self.failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def _keys(self, login: str, client: str) -> list[tuple[str, str]]:
        return [("login", login), ("client", client)]

    def wait_seconds(self, login: str, client: str) -> float:
        """0 when a login may be tried now; otherwise how long until one may."""
        now = time.monotonic()
        wait = 0.0
        with self.lock:
            for key in self._keys(login, client):
                times = self.failures[key]
                while times and now - times[0] > self.window:
                    times.popleft()
                if len(times) >= self.limits[key[0]]:
                    wait = max(wait, self.window - (now - times[0]))
        return wait

    def failed(self, login: str, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key in self._keys(login, client):
                self.failures[key].append(now)

    def succeeded(self, login: str) -> None:
        with self.lock:
            self.failures.pop(("login", login), None)
