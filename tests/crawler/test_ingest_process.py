"""The ingest process: batches and checkpoints sent over its socket are stored and committed in
order; a checkpoint over a post that could not be stored is not; stopped, it exits cleanly."""

from __future__ import annotations

from pathlib import Path

from config import settings_from_toml
from crawler.incremental import ListingDone
from crawler.ingest_process import Batch, IngestLink, start_ingest, stop_ingest
from store import Store, crawl_state

TEXT = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！第{}位用户"


def post(n: int, **fields: object) -> dict[str, object]:
    return {
        "source": "discourse",
        "source_post_id": f"t:{n}",
        "url": f"https://f/t/{n}",
        "text": TEXT.format(n),
        **fields,
    }


def test_batches_are_stored_and_checkpoints_committed_after_them(tmp_path: Path) -> None:
    settings = settings_from_toml(f'database = "{tmp_path / "l.db"}"\nproducts = [{{ name = "声链" }}]\n')
    process, address, folder = start_ingest(settings)
    try:
        link = IngestLink(address)
        link.send(Batch(1, [post(1), post(2), post(2)], ["forum"] * 3))
        link.send(ListingDone("forum", "latest", "2026-12-01T00:00:00Z", [("discourse", "t:1"), ("discourse", "t:2")]))
        link.send(Batch(2, [post(3, url=None)], ["forum"]))  # refused by the schema: url is required
        link.send(ListingDone("forum", "search:x", "2026-12-02T00:00:00Z", [("discourse", "t:3")]))
        replies = dict(link.replies(wait=True))
        link.close()
        assert [o.new for o in replies[1]] == [True, True, False]  # the repeat within the batch adds nothing
        assert replies[2][0].error and not replies[2][0].lost
        store = Store(settings.database_path)
        assert store.count("posts") == 2
        assert crawl_state.listing_mark(store, "forum", "latest") == "2026-12-01T00:00:00Z"
        assert crawl_state.listing_mark(store, "forum", "search:x") is None
    finally:
        stop_ingest(address)
        process.join(timeout=30)
        folder.cleanup()
    assert process.exitcode == 0
