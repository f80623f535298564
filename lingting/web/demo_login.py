"""The demo's login: `lingting demo` makes an admin `demo` with a fresh random password."""

from __future__ import annotations

import secrets

from config.settings import Settings
from lingting.web.passwords import hash_password
from store import Store
from store.users import add_user, get_user, set_password_hash

DEMO_USER = "demo"


def create_demo_login(settings: Settings) -> str:
    """Make (or reset) the demo admin and return its new password (printed once, never stored)."""
    password = secrets.token_urlsafe(12)
    store = Store(settings.database_path)
    try:
        hashed = hash_password(password)
        if get_user(store, DEMO_USER) is None:
            add_user(store, DEMO_USER, "admin", hashed)
        else:
            set_password_hash(store, DEMO_USER, hashed)
    finally:
        store.close()
    return password
