"""The one home of lingting's settings: the `lingting.toml` model, its loader and shipped data."""

from config.loader import ConfigError, load_settings, settings_from_toml
from config.settings import (
    AnalysisSettings,
    CrawlSettings,
    DiscourseSource,
    ExportSettings,
    FeedSource,
    HackerNewsSource,
    JsonlSink,
    Product,
    Settings,
    SourceSettings,
    V2exSource,
)

__all__ = [
    "AnalysisSettings",
    "ConfigError",
    "CrawlSettings",
    "DiscourseSource",
    "ExportSettings",
    "FeedSource",
    "HackerNewsSource",
    "JsonlSink",
    "Product",
    "Settings",
    "SourceSettings",
    "V2exSource",
    "load_settings",
    "settings_from_toml",
]
