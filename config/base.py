"""The base of every settings model, and the priority levels."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Priority = Literal["P0", "P1", "P2", "P3"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")
