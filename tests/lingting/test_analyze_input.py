"""`lingting analyze` on hostile input: one output line per input line, in order, whatever the bytes.

A line that is not UTF-8 (a GBK file, binary noise), not JSON (`NaN`), blank, or without a string
`text` gets an error object naming its line number; the lines around it are analyzed as if alone,
and the exit code is 1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from lingting.cli import main
from tests.fuzz import fuzz_settings

COMPLAINT = '{"text": "声链安卓端推送失败, 急", "rating": 1}'
PRAISE = '{"text": "VoxLink works fine for me", "rating": "5"}'
FUZZ = fuzz_settings(40)


def run_analyze(data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lingting.cli", "analyze", "-p", "声链", "-p", "VoxLink"],
        input=data,
        capture_output=True,
        timeout=120,
        cwd=cwd,
    )


def outputs(stdout: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def test_bad_lines_get_an_error_with_their_number_and_the_rest_is_analyzed(tmp_path: Path):
    lines = [
        b"\xef\xbb\xbf" + COMPLAINT.encode(),  # a byte order mark on the first line is not an error
        '{"text": "声链闪退了"}'.encode("gbk"),  # one line in GBK
        b'{"text": "x", "rating": NaN}',
        b'{"text": "x", "rating": 1e400}',  # valid JSON; no star rating
        b"",
        b"   \r",
        b"\x00\x9f\xff\xfe binary \x80",
        b'{"text": "\\ud800 lone"}',
        b"[1, 2]",
        b'{"text": "x", "title": 7}',
        PRAISE.encode(),
        COMPLAINT.encode(),
    ]
    result = run_analyze(b"\n".join(lines) + b"\n", tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    out = outputs(result.stdout)
    assert len(out) == len(lines)
    bad = [o["line"] for o in out if "error" in o]
    assert bad == [2, 3, 5, 6, 7, 8, 9, 10]
    for o in out:
        if "error" in o:
            assert o["error"].startswith(f"line {o['line']}: ") and " / " in o["error"]
    assert "not UTF-8" in out[1]["error"] and "NaN" in out[2]["error"] and "blank" in out[4]["error"]
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr and "8 line(s) could not be analyzed" in stderr
    # The good lines are analyzed exactly as they are alone.
    alone = outputs(run_analyze(f"{COMPLAINT}\n{PRAISE}\n".encode(), tmp_path).stdout)
    assert [out[0], out[10]] == alone and out[11] == alone[0]
    assert out[0]["complaint"] and out[0]["relevant"] and out[3]["lang"]


def test_a_clean_file_exits_zero(tmp_path: Path):
    result = run_analyze(f"{COMPLAINT}\n{PRAISE}".encode(), tmp_path)  # no newline at the end
    assert result.returncode == 0 and len(outputs(result.stdout)) == 2


ODD_LINES = [
    b"", b" ", b"\r", b"NaN", b'{"text": "a", "rating": NaN}', b'{"text": "a", "rating": -Infinity}',
    b'{"text": "a", "rating": 1e400}', b'{"text": "\\udfff"}', b"[" * 5000, b'{"text": null}',
    "声链推送失败".encode("gbk"), b"\xef\xbb\xbf{}", COMPLAINT.encode(),
]  # fmt: skip
LINE = st.one_of(
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
    st.text(max_size=40).map(lambda t: json.dumps({"text": t, "rating": 3}).encode()),
    st.text(max_size=40).map(lambda t: json.dumps({"text": t}, ensure_ascii=False).encode()),
    st.sampled_from(ODD_LINES),
)


@FUZZ
@given(
    st.one_of(
        st.tuples(st.lists(LINE, min_size=1, max_size=12), st.booleans()).map(
            lambda t: b"\n".join(t[0]) + (b"\n" if t[1] else b"")
        ),
        st.binary(max_size=300),  # any bytes at all, line breaks where they fall
    )
)
def test_any_bytes_in_one_line_out_per_line(data: bytes):
    expected = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    result = CliRunner().invoke(main, ["analyze", "-p", "声链"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    out = outputs(result.stdout_bytes)
    assert len(out) == expected
    errors = [n for n, o in enumerate(out, start=1) if "error" in o]
    assert all(out[n - 1]["line"] == n for n in errors)
    assert all("lang" in o for o in out if "error" not in o)
    assert result.exit_code == (1 if errors else 0)


def test_a_named_config_gives_its_thresholds_to_named_products(tmp_path: Path):
    strict = tmp_path / "strict.toml"
    strict.write_text('products = [{ name = "别的" }]\n[analysis]\nnegative_threshold = 0.0\n', encoding="utf-8")
    runner = CliRunner()
    alone = runner.invoke(main, ["analyze", "-p", "声链"], input=COMPLAINT)
    both = runner.invoke(main, ["analyze", "-p", "声链", "-c", str(strict)], input=COMPLAINT)
    assert alone.exit_code == both.exit_code == 0
    (a,), (b,) = outputs(alone.stdout_bytes), outputs(both.stdout_bytes)
    assert a["relevant"] and b["relevant"]  # the named product, not the config's
    assert a["polarity"] == "negative" and b["polarity"] != "negative"  # the config's threshold
    missing = runner.invoke(main, ["analyze", "-p", "声链", "-c", str(tmp_path / "none.toml")], input=COMPLAINT)
    assert missing.exit_code == 2 and "none.toml" in missing.output
