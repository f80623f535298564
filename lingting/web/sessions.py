"""The session cookie (signed, HttpOnly, SameSite=Lax, Secure behind https) and its CSRF token.

The cookie holds only the user's name, the time their password last changed (a new password ends
old sessions) and the CSRF token; it is signed with the key from `passwords.secret_key`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "lingting_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Session:
    user: str | None = None
    password_changed_at: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    changed: bool = False


class SessionCodec:
    def __init__(self, secret: str, max_age_seconds: int, *, always_secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="lingting-session")
        self.max_age = max_age_seconds
        self.always_secure = always_secure

    def load(self, request: Request) -> Session:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                data = self._serializer.loads(raw, max_age=self.max_age)
            except BadSignature:
                data = None
            if isinstance(data, dict) and isinstance(data.get("csrf"), str):
                return Session(user=data.get("u"), password_changed_at=data.get("pw"), csrf=data["csrf"])
        return Session(changed=True)

    def save(self, request: Request, response: Response, session: Session) -> None:
        value = self._serializer.dumps({"u": session.user, "pw": session.password_changed_at, "csrf": session.csrf})
        response.set_cookie(
            SESSION_COOKIE,
            value,
            max_age=self.max_age,
            path="/",
            httponly=True,
            samesite="lax",
            # uvicorn sets the scheme from X-Forwarded-Proto when the proxy is trusted
            secure=self.always_secure or request.url.scheme == "https",
        )


def start_session(session: Session, user: str, password_changed_at: str) -> None:
    """Log in: a fresh CSRF token, so a token seen before login is worth nothing after."""
    session.user = user
    session.password_changed_at = password_changed_at
    session.csrf = secrets.token_urlsafe(32)
    session.changed = True


def end_session(session: Session) -> None:
    session.user = None
    session.password_changed_at = None
    session.csrf = secrets.token_urlsafe(32)
    session.changed = True


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and secrets.compare_digest(session.csrf, sent or "")
