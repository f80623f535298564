"""python -m lingting.demo_site [--host H] [--port N] [--faults] [--anchor ISO]: serve until Ctrl-C."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence
from datetime import datetime

from lingting.demo_site.server import DemoSite

PATHS = (
    "/robots.txt",
    "/api/topics/latest.json",
    "/api/topics/show.json?node_name=rtc",
    "/api/replies/show.json?topic_id=1239315",
    "/discourse/latest.json",
    "/discourse/search.json?q=voxlink",
    "/discourse/posts.json",
    "/hn/api/v1/search_by_date?query=voxlink&tags=(story,comment)",
    "/feeds/weibo.rss",
    "/feeds/reddit.atom",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lingting.demo_site", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to bind, 0 for any free one (default 8765)")
    parser.add_argument("--faults", action="store_true", help="serve the three documented faults")
    parser.add_argument(
        "--anchor",
        type=datetime.fromisoformat,
        help="time the post ages count back from, e.g. 2026-03-02T09:00:00+00:00 (default: this hour)",
    )
    args = parser.parse_args(argv)
    site = DemoSite(host=args.host, port=args.port, faults=args.faults, anchor=args.anchor).start()
    print(f"lingting demo site on {site.base_url}  (anchor {site.anchor.isoformat()}, faults {site.faults})")
    for path in PATHS:
        print(f"  {site.base_url}{path}")
    print("Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
