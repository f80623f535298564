"""Keeping the trend tables current: the store's incremental refresh with the themes and brands
of `sentiment/themes.py`. Run after each spider's crawl (the pipeline) and before each report."""

from __future__ import annotations

from typing import Any

from config.settings import Settings
from sentiment.themes import BrandMatcher, ThemePost, cluster_theme
from store import Store
from store.trends import RefreshCounts, refresh_trends


def theme_post(post: dict[str, Any]) -> ThemePost:
    analysis = post.get("analysis") or {}
    text = "\n".join(part for part in (post.get("title"), post.get("text")) if part)
    return ThemePost(
        text=text,
        category=analysis.get("category"),
        complaint_terms=tuple(analysis.get("complaint_terms") or ()),
        platform=analysis.get("platform"),
        product_area=analysis.get("product_area"),
    )


def refresh(store: Store, settings: Settings) -> RefreshCounts:
    brands = BrandMatcher(settings.products)
    names = [*settings.product_terms, *(c for p in settings.products for c in p.competitors)]

    def theme_of(posts: list[dict[str, Any]]) -> tuple[str, str]:
        decided = cluster_theme([theme_post(p) for p in posts], exclude=names)
        return decided.theme, decided.kind

    def brands_of(post: dict[str, Any]) -> list[str]:
        text = "\n".join(part for part in (post.get("title"), post.get("text")) if part)
        return brands.brands(text, (post.get("analysis") or {}).get("relevance_terms") or ())

    return refresh_trends(store, theme_of, brands_of, own=brands.own_names)
