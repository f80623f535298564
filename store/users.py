"""The review web app's accounts: name, role, password hash (never the password), UI language.

Hashing is the caller's business (lingting.web.passwords); this module stores and finds rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.database import Store, utc_now

ROLES = ("viewer", "reviewer", "admin")
"""viewer reads; reviewer also decides; admin also manages users and replays dead deliveries."""
LANGUAGES = ("zh", "en")


class UserError(ValueError):
    """A user that cannot be added or changed (bad name or role, name taken, no such user)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    password_hash: str
    language: str
    created_at: str
    password_changed_at: str

    @property
    def can_decide(self) -> bool:
        return self.role in ("reviewer", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


_COLUMNS = "id, name, role, password_hash, language, created_at, password_changed_at"


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
        raise UserError(f"user name {name!r} must be 1-64 visible characters, no spaces / 用户名须为 1-64 个可见字符")
    return name


def add_user(store: Store, name: str, role: str, password_hash: str, *, language: str = "zh") -> User:
    name = _check_name(name)
    if role not in ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(ROLES)} / 角色无效")
    if language not in LANGUAGES:
        raise UserError(f"language {language!r} is not one of {', '.join(LANGUAGES)} / 语言无效")
    now = utc_now()
    with store.transaction():
        if get_user(store, name) is not None:
            raise UserError(f"user {name!r} already exists / 用户已存在")
        store.conn.execute(
            "INSERT INTO users (name, role, password_hash, language, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, role, password_hash, language, now, now),
        )
    user = get_user(store, name)
    assert user is not None
    return user


def get_user(store: Store, name: str) -> User | None:
    row = store.conn.execute(f"SELECT {_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()
    return User(*row) if row else None


def list_users(store: Store) -> list[User]:
    return [User(*row) for row in store.conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name").fetchall()]


def remove_user(store: Store, name: str) -> None:
    with store.transaction():
        cur = store.conn.execute("DELETE FROM users WHERE name = ?", (name,))
    if not cur.rowcount:
        raise UserError(f"no user {name!r} / 没有该用户")


def set_password_hash(store: Store, name: str, password_hash: str) -> None:
    """A new password; the sessions signed for the old one stop working (they carry its time)."""
    with store.transaction():
        cur = store.conn.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?",
            (password_hash, utc_now(), name),
        )
    if not cur.rowcount:
        raise UserError(f"no user {name!r} / 没有该用户")


def set_language(store: Store, name: str, language: str) -> None:
    if language not in LANGUAGES:
        raise UserError(f"language {language!r} is not one of {', '.join(LANGUAGES)} / 语言无效")
    with store.transaction():
        store.conn.execute("UPDATE users SET language = ? WHERE name = ?", (language, name))
