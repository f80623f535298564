"""The lingting settings of a crawl, loaded once and handed down through Scrapy's settings.

`lingting crawl` puts the model it loaded under `LINGTING_SETTINGS`; a bare `scrapy crawl NAME`
has only the path `LINGTING_CONFIG`, which the spider's `update_settings` reads once and puts
there for its pipeline, middlewares and extensions.
"""

from __future__ import annotations

from typing import Any

from config import load_settings
from config.settings import Settings

SETTINGS_KEY = "LINGTING_SETTINGS"


def lingting_settings(scrapy_settings: Any) -> Settings:
    """The crawl's settings model: the one handed down, else read from `LINGTING_CONFIG` (raises ConfigError)."""
    model = scrapy_settings.get(SETTINGS_KEY)
    if isinstance(model, Settings):
        return model
    return load_settings(scrapy_settings["LINGTING_CONFIG"])
