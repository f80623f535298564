"""Speed of the full analysis beside stock snownlp, whole process, in the same run.

    .venv/bin/python -m bench.analyze [--data ../shared/data] [--posts 20000] [--stock 2000]

The texts: 20,000 real posts from ../shared/data: all 10,000 Weibo posts of weibo2018_train, the
first 7,000 waimai_10k reviews and the 3,000 English clap_rq1 app reviews (with their star ratings),
interleaved.

- lingting: a fresh Python process imports `sentiment`, builds an `Analyzer` (lexicons and models
  loaded), and analyzes every text (relevance, sentiment, complaint evidence with negation,
  category, priority with reasons, follow-up details, attribution). The product names occur in a
  share of the texts, so the relevant-only steps run too.
- stock snownlp: a fresh process imports snownlp and computes `SnowNLP(text).sentiments` on every
  10th text (2,000; all 20,000 would take minutes); its posts/s is comparable because it is a rate.

Each child's wall time counts from before the interpreter starts to its exit (import, model load,
analysis); posts/s = texts / wall time. Peak memory is the child's own peak RSS (getrusage).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/analyze.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sentiment import corpora

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ROOT = Path(__file__).resolve().parents[1]

LINGTING = """
import json, resource, sys
from config import AnalysisSettings, Product
from sentiment import Analyzer
items = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
products = [Product(name="App", aliases=["app", "APP", "应用", "软件", "手机", "外卖", "微博", "客服"])]
analyzer = Analyzer(products, AnalysisSettings())
results = analyzer.analyze_many(items)
flagged = sum(r.complaint for r in results)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"n": len(results), "flagged": flagged, "peak_rss_kib": rss}))
"""

STOCK = """
import json, resource, sys
from snownlp import SnowNLP
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
scores = [SnowNLP(t).sentiments for t in texts if t.strip()]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"n": len(texts), "peak_rss_kib": rss}))
"""


def posts(data: Path, count: int) -> list[dict[str, object]]:
    """Weibo, waimai and clap texts interleaved, `count` in all."""
    weibo: list[dict[str, object]] = [
        {"text": t} for _, _, t in corpora.weibo((data / "weibo2018_train.txt").read_text("utf-8"))
    ]
    reviews = corpora.waimai((data / "waimai_10k.csv").read_text("utf-8-sig"))[:7000]
    waimai: list[dict[str, object]] = [{"text": t} for t, _ in reviews]
    clap: list[dict[str, object]] = [
        {"text": r.text, "rating": r.rating} for r in corpora.clap((data / "clap_rq1.csv").read_text("utf-8"))
    ]
    pools = [weibo, waimai, clap]
    out: list[dict[str, object]] = []
    i = 0
    while len(out) < count and any(i < len(p) for p in pools):
        out += [p[i] for p in pools if i < len(p)]
        i += 1
    return out[:count]


def run_child(program: str, items_file: Path) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", program, str(items_file)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--stock", type=int, default=2000, help="texts given to stock snownlp (every n-th)")
    args = parser.parse_args(argv)
    items = posts(args.data, args.posts)
    step = max(1, len(items) // args.stock)
    subset = items[::step][: args.stock]
    with tempfile.TemporaryDirectory() as tmp:
        all_file, subset_file = Path(tmp) / "all.jsonl", Path(tmp) / "subset.jsonl"
        all_file.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        subset_file.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in subset), encoding="utf-8")
        ours_s, ours = run_child(LINGTING, all_file)
        stock_s, stock = run_child(STOCK, subset_file)
    ours_rate, stock_rate = ours["n"] / ours_s, stock["n"] / stock_s
    print(f"texts: {len(items)} real posts (weibo2018, waimai_10k, clap_rq1); stock snownlp on every {step}th")
    print(f"  {'system':34} {'texts':>7} {'seconds':>8} {'posts/s':>9} {'peak RSS MB':>12}")
    print(
        f"  {'lingting full analysis':34} {ours['n']:7d} {ours_s:8.1f} {ours_rate:9.0f} "
        f"{ours['peak_rss_kib'] / 1024:12.0f}"
    )
    print(
        f"  {'stock SnowNLP(text).sentiments':34} {stock['n']:7d} {stock_s:8.1f} {stock_rate:9.1f} "
        f"{stock['peak_rss_kib'] / 1024:12.0f}"
    )
    print(
        f"  ratio: {ours_rate / stock_rate:.1f}x the posts/s of stock snownlp (whole process each); "
        f"{ours['flagged']} complaints flagged"
    )


if __name__ == "__main__":
    main()
