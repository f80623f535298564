"""Charts as inline SVG, written by hand: no script, no font file, no request. Text is SVG text,
so the browser draws Chinese labels with the reader's own fonts; every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563")
FONT = "system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" aria-label="{escape(label)}" font-family="{escape(FONT)}" font-size="12">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _short(text: str, width: int) -> str:
    """At most `width` columns, a Chinese character counting two (a legend must fit its box)."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > width:
            return text[:i] + "…"
    return text


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:g}"


def line_chart(
    label: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    percent: bool = False,
    width: int = 760,
    height: int = 240,
) -> str:
    """One line per series over the x labels (weeks); None leaves a gap."""
    left, right, top, bottom = 44, 250, 14, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = max(values, default=0.0) or 1.0
    if percent:
        top_value = min(1.0, top_value * 1.1) or 1.0
    n = max(len(x_labels), 2)

    def x(i: int) -> float:
        return left + plot_w * i / (n - 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#9ca3af"/>']
    for tick in (0.0, 0.5, 1.0):
        ty = y(top_value * tick)
        body.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#e5e7eb"/>')
        body.append(
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#6b7280">'
            f"{escape(_fmt(top_value * tick if percent else round(top_value * tick, 1), percent))}</text>"
        )
    step = max(1, len(x_labels) // 8)
    for i, xl in enumerate(x_labels):
        if i % step == 0 or i == len(x_labels) - 1:
            body.append(
                f'<text x="{x(i):.1f}" y="{height - 14}" text-anchor="middle" fill="#6b7280">{escape(xl[5:])}</text>'
            )
    for k, (name, vs) in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        body += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{color}"/>' for px, py in points]
        ly = top + 14 + k * 18
        body.append(f'<rect x="{width - right + 12}" y="{ly - 9}" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{width - right + 27}" y="{ly}" fill="#111827">{escape(_short(name, 36))}</text>')
    return _svg(width, height, body, label)


def bar_chart(label: str, rows: Sequence[tuple[str, int, int]], *, legend: tuple[str, str], width: int = 680) -> str:
    """Horizontal bars: the whole (light) and a part of it (dark), e.g. mentions and negative ones."""
    left, right, bar_h, gap = 130, 60, 18, 8
    height = 30 + len(rows) * (bar_h + gap)
    top_value = max((whole for _, whole, _ in rows), default=0) or 1
    plot_w = width - left - right
    body = [
        f'<rect x="{left}" y="4" width="10" height="10" fill="#93c5fd"/>',
        f'<text x="{left + 15}" y="13" fill="#111827">{escape(legend[0])}</text>',
        f'<rect x="{left + 150}" y="4" width="10" height="10" fill="#dc2626"/>',
        f'<text x="{left + 165}" y="13" fill="#111827">{escape(legend[1])}</text>',
    ]
    for i, (name, whole, part) in enumerate(rows):
        y = 26 + i * (bar_h + gap)
        w_whole = plot_w * whole / top_value
        w_part = plot_w * part / top_value
        body.append(
            f'<text x="{left - 8}" y="{y + 13}" text-anchor="end" fill="#111827">{escape(_short(name, 18))}</text>'
        )
        body.append(f'<rect x="{left}" y="{y}" width="{w_whole:.1f}" height="{bar_h}" fill="#93c5fd"/>')
        body.append(f'<rect x="{left}" y="{y}" width="{w_part:.1f}" height="{bar_h}" fill="#dc2626"/>')
        body.append(f'<text x="{left + w_whole + 6:.1f}" y="{y + 13}" fill="#374151">{whole} / {part}</text>')
    return _svg(width, height, body, label)


def heatmap(
    label: str, row_labels: Sequence[str], col_labels: Sequence[str], cells: Sequence[Sequence[float | None]]
) -> str:
    """Shares (0-1) per row and column, red the higher; an empty cell had no posts."""
    left, top, cell_w, cell_h = 120, 22, 52, 22
    width = left + cell_w * len(col_labels) + 10
    height = top + cell_h * len(row_labels) + 8
    body = [
        f'<text x="{left + cell_w * j + cell_w / 2:.1f}" y="14" text-anchor="middle" fill="#6b7280">'
        f"{escape(c[5:])}</text>"
        for j, c in enumerate(col_labels)
    ]
    for i, name in enumerate(row_labels):
        y = top + i * cell_h
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#111827">{escape(_short(name, 18))}</text>'
        )
        for j, value in enumerate(cells[i]):
            x = left + j * cell_w
            if value is None:
                body.append(f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="#f3f4f6"/>')
                continue
            light = int(245 - 160 * min(max(value, 0.0), 1.0))
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="rgb(245,{light},{light})"/>'
            )
            body.append(
                f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + 15}" text-anchor="middle" fill="#111827">'
                f"{value * 100:.0f}%</text>"
            )
    return _svg(width, height, body, label)


def sparkline(values: Sequence[float], *, width: int = 120, height: int = 24) -> str:
    top_value = max(values, default=0) or 1
    n = max(len(values), 2)
    points = " ".join(
        f"{2 + (width - 4) * i / (n - 1):.1f},{height - 2 - (height - 4) * v / top_value:.1f}"
        for i, v in enumerate(values)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' aria-hidden="true"><polyline points="{points}" fill="none" stroke="#2563eb" stroke-width="1.5"/></svg>'
    )
