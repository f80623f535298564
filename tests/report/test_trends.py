"""The trend tables and the report's figures on a database built for the purpose, checked
against plain SQL over the posts."""

from __future__ import annotations

from datetime import date

from config.settings import Settings
from crawler.trends import refresh
from lingting.report.build import REPORT_KEYS, build_report
from store import Store
from tests.report.conftest import UNTIL, _post

SINCE = date(2026, 9, 2)
LAST = UNTIL.date()


def _report(store: Store, settings: Settings, **kw: object) -> dict:
    return build_report(store, settings, SINCE, LAST, **kw)  # type: ignore[arg-type]


def test_clusters_in_both_languages_share_their_theme(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    refresh(store, settings)
    rows = store.query(
        "SELECT t.theme, count(DISTINCT p.cluster_id) AS clusters, group_concat(DISTINCT p.lang) AS langs"
        " FROM posts p JOIN trend_clusters t ON t.cluster_id = p.cluster_id GROUP BY t.theme"
    )
    by = {r["theme"]: r for r in rows}
    assert by["disconnect"]["clusters"] >= 2 and set(by["disconnect"]["langs"].split(",")) == {"zh", "en"}
    assert set(by["request:harmonyos"]["langs"].split(",")) == {"zh", "en"}
    assert {"crash", "request:flutter", "audio"} <= set(by)


def test_the_report_has_its_keys_and_its_counts_are_the_sql_counts(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    report = _report(store, settings)
    assert tuple(report) == REPORT_KEYS
    posts = store.conn.execute(
        "SELECT count(*), sum(complaint) FROM posts WHERE relevant = 1 AND substr(created_at, 1, 10) BETWEEN ? AND ?",
        (SINCE.isoformat(), LAST.isoformat()),
    ).fetchone()
    assert report["summary"]["posts"]["value"] == posts[0]
    assert report["summary"]["complaints"]["value"] == posts[1]
    people = store.conn.execute(
        "SELECT count(DISTINCT source || author) FROM posts WHERE text LIKE '%鸿蒙%' OR text LIKE '%HarmonyOS%'"
    ).fetchone()[0]
    demand = {d["theme"]: d for d in report["demand"]["items"]}
    assert demand["request:harmonyos"]["people"] == people == 11 and demand["request:harmonyos"]["act"]
    assert demand["request:flutter"]["people"] == 3 and not demand["request:flutter"]["act"]
    disconnect = next(t for t in report["themes"] if t["theme"] == "disconnect")
    authors = store.conn.execute(
        "SELECT count(DISTINCT source || ':' || author) FROM posts p"
        " JOIN trend_clusters t ON t.cluster_id = p.cluster_id WHERE t.theme = 'disconnect'"
    ).fetchone()[0]
    assert disconnect["authors"] == authors
    assert "掉线" in disconnect["name"]["zh"] and "disconnect" in disconnect["name"]["en"]
    assert sum(w["authors"] for w in disconnect["weekly_authors"]) >= authors


def test_the_demand_threshold_is_configurable(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    strict = settings.model_copy(update={"report": settings.report.model_copy(update={"demand_threshold": 12})})
    assert not any(d["act"] for d in _report(store, strict)["demand"]["items"])
    short = settings.model_copy(update={"report": settings.report.model_copy(update={"demand_days": 20})})
    harmony = next(d for d in _report(store, short)["demand"]["items"] if d["theme"] == "request:harmonyos")
    assert harmony["people"] == 4 and not harmony["act"]  # four of the eleven asked in the last 20 days


def test_a_person_counts_once_per_hour_however_often_they_post(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    report = _report(store, settings)
    hourly = next(s for s in report["spikes"] if s["grain"] == "hour" and s["theme"] == "disconnect")
    posts_in_hour = store.conn.execute(
        "SELECT count(*), count(DISTINCT source || author) FROM posts WHERE created_at LIKE '2026-11-30T20:%'"
    ).fetchone()
    assert posts_in_hour == (10, 9) and hourly["authors"] == 9
    assert hourly["peak_at"] == "2026-11-30T20:00:00Z" and set(hourly["sources"]) == {"weibo", "v2ex", "github"}
    # What drove it: the hour's busiest clusters (four clusters, 5 + 2 + 1 + 1 authors; the top three shown)
    assert [d["authors"] for d in hourly["drivers"]] == [5, 2, 1]
    assert hourly["drivers"][0]["title"].startswith("VoxLink keeps disconnecting")


def test_the_refresh_is_incremental_and_idempotent(trend_db: tuple[Store, Settings], analyzer_settings):
    store, settings = trend_db
    refresh(store, settings)
    before = store.query("SELECT * FROM trend_daily ORDER BY day, brand, source, theme")
    again = refresh(store, settings)
    assert store.query("SELECT * FROM trend_daily ORDER BY day, brand, source, theme") == before
    last_second = store.conn.execute(
        "SELECT count(*) FROM posts WHERE updated_at = (SELECT max(updated_at) FROM posts)"
    ).fetchone()[0]
    assert again.posts == last_second  # only the posts written in the refresh's last second are read again
    from tests.report.conftest import build

    analyzer, _ = analyzer_settings
    store.conn.execute("UPDATE posts SET updated_at = '2026-12-01T00:00:00Z'")  # written long before
    refresh(store, settings)
    build(store, analyzer, settings, [_post(999, "v2ex", "late", "声链 又掉线了, 进不了房间", UNTIL.replace(hour=3))])
    counts = refresh(store, settings)
    assert counts.posts == 1 and counts.clusters == 1
    day = store.conn.execute(
        "SELECT sum(posts) FROM trend_daily WHERE day = ? AND theme = 'disconnect'", (LAST.isoformat(),)
    ).fetchone()[0]
    assert day == 11


def test_spikes_are_kept_once_and_a_competitor_is_only_reported(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    _report(store, settings)
    _report(store, settings)
    rows = store.query("SELECT brand, own, theme, grain, count(*) AS n FROM trend_spikes GROUP BY 1, 2, 3, 4")
    assert all(r["n"] == 1 for r in rows)
    assert {(r["brand"], r["theme"], r["grain"]) for r in rows if r["own"]} == {
        ("VoxLink", "disconnect", "hour"), ("VoxLink", "disconnect", "day"),
    }  # fmt: skip


def test_share_of_voice_counts_mentions_and_competitor_themes(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    voice = {v["brand"]: v for v in _report(store, settings)["share_of_voice"]}
    agora = store.conn.execute("SELECT count(*) FROM posts WHERE text LIKE '%Agora%'").fetchone()[0]
    assert voice["Agora"]["mentions"] == agora == 4 and not voice["Agora"]["own"]
    assert [t["theme"] for t in voice["Agora"]["complaint_themes"]] == ["audio"]
    assert abs(sum(v["share"] for v in voice.values()) - 1) < 0.01


def test_a_product_filter_and_an_unknown_product(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    assert _report(store, settings, product="VoxLink")["period"]["brands"] == ["VoxLink"]
    try:
        _report(store, settings, product="Nope")
    except KeyError as exc:
        assert "Nope" in str(exc)
    else:
        raise AssertionError("an unknown product must be refused")
