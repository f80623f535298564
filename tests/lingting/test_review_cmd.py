from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lingting.cli import main
from store import Store, cluster_state, reviews
from tests.store.review_support import post


def _setup(tmp_path: Path) -> tuple[Path, Store]:
    path = tmp_path / "lingting.toml"
    path.write_text('database = "l.db"\nproducts = [{ name = "声链" }]\n', encoding="utf-8")
    return path, Store(tmp_path / "l.db")


def _review(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["review", "-c", str(path), "--reviewer", "li", *args])
    return result.exit_code, result.output


def test_review_records_every_action_with_its_reviewer(tmp_path: Path):
    path, store = _setup(tmp_path)
    a, b, c = post(store, "1"), post(store, "2"), post(store, "3", priority="P1")
    assert _review(path, str(a), str(b), "--dismiss", "--reason", "spam")[0] == 0
    code, out = _review(path, str(c), "--relabel", "bug", "--priority", "P0")
    assert code == 0 and "queued" in out  # P0 goes out at once, as policy says
    assert _review(path, str(c), "--assign", "wang")[0] == 0
    assert _review(path, str(c), "--note", "问过用户了")[0] == 0
    code, out = _review(path, str(c), "--confirm")
    assert code == 0 and "queued" not in out  # already queued, unchanged
    assert _review(path, "--undo")[0] == 0
    log = reviews(store)
    assert [(r["cluster_id"], r["decision"], r["reviewer"]) for r in log] == [
        (a, "dismiss", "li"), (b, "dismiss", "li"), (c, "relabel", "li"), (c, "assign", "li"),
        (c, "note", "li"), (c, "confirm", "li"), (c, "undo", "li"),
    ]  # fmt: skip
    state = cluster_state(store, c)
    assert (state.verdict, state.category, state.priority, state.assignee) == (None, "bug", "P0", "wang")


def test_contradictory_or_incomplete_reviews_are_refused_in_both_languages(tmp_path: Path):
    path, store = _setup(tmp_path)
    cid = post(store, "1")
    for args, words in [
        ((str(cid), "--confirm", "--dismiss"), "cannot go together"),
        ((str(cid),), "--confirm"),
        ((str(cid), "--confirm", "--reason", "spam"), "--reason goes with --dismiss"),
        ((str(cid), "--dismiss"), "needs a reason"),
        (("999", "--confirm"), "no cluster 999"),
        (("--confirm",), "give a cluster id"),
        ((str(cid), "--undo"), "takes no cluster id"),
    ]:
        code, out = _review(path, *args)
        assert code == 2 and words in out and "Traceback" not in out, (args, out)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in out)
    assert reviews(store) == []


def test_merge_and_split_from_the_cli(tmp_path: Path):
    path, store = _setup(tmp_path)
    a, b = post(store, "1"), post(store, "2")
    code, out = _review(path, str(b), "--merge", str(a))
    assert code == 0 and f"-> {a}" in out
    post_id = store.cluster(a)["seed_post_id"]  # type: ignore[index]
    code, out = _review(path, "--split-post", str(post_id))
    assert code == 0 and "new cluster" in out
    assert [r["decision"] for r in reviews(store)] == ["merge", "merge", "split", "split"]


def test_flagged_fits_80_columns_with_titles_cut_and_reasons_on_request(tmp_path: Path):
    path, store = _setup(tmp_path)
    long_title = "声链 SDK 推送失败" + "，而且一直重试也没有用" * 10
    post(store, "1", title=long_title, reasons=["三位用户 / three users"])
    post(store, "2", title="<script>alert(1)</script>\x1b[31m红\u202e字")
    result = CliRunner(env={"COLUMNS": "80"}).invoke(main, ["flagged", "-c", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(_width(line) <= 80 for line in lines), "\n".join(lines)
    assert "…" in result.output and "\x1b" not in result.output and "\u202e" not in result.output
    assert len([line for line in lines if "待审核" in line]) == 2  # one line per cluster
    reasons = CliRunner(env={"COLUMNS": "80"}).invoke(main, ["flagged", "-c", str(path), "--reasons"])
    assert reasons.exit_code == 0 and all(_width(line) <= 80 for line in reasons.output.splitlines())


def _width(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)
