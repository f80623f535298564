"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
"""Recorded real responses live outside the repo (../shared/fixtures) and are never copied in."""


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "fixtures").is_dir():
        pytest.fail(f"shared fixtures not found at {SHARED / 'fixtures'}; they are needed, not optional")
    return SHARED
