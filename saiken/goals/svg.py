"""Charts as data, drawn as SVG for the screens and again with ReportLab for the PDF.

Pure functions: a layout function turns figures into a `Chart` (rectangles, lines,
dots and text in a top-left-origin coordinate system, each mark with its tooltip),
and `to_svg` writes it out. `saiken.goals.report` draws the same Chart with ReportLab,
so the printed charts are the screen's. No JavaScript: the tooltips are SVG <title>
elements, the chart is an <svg role="img"> with an aria-label, and every screen puts
the same numbers in a table beside it.

- `history_chart`: the seed's picture — 未収金 per fiscal year as a bar (現年度分 and
  滞納繰越分 stacked; a published year without the split as one grey bar) and the
  collection rate as a line on its own axis at the right.
- `line_chart`: lines over a shared x axis (the forecast's pace, this year against last).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

# Colours by role, shared with the ReportLab renderer.
PALETTE = {
    "current": "#2b6cb0",  # 未収金（現年度分）
    "arrears": "#90cdf4",  # 未収金（滞納繰越分）
    "published": "#a0aec0",  # 公表値（内訳なし）
    "rate": "#c53030",  # 収納率
    "last": "#718096",  # 前年度
    "projected": "#dd6b20",  # 見込み
    "axis": "#4a5568",
    "grid": "#e2e8f0",
    "text": "#1a202c",
    "background": "#ffffff",
}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    role: str


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    role: str
    width: float = 2.0
    dashed: bool = False


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    role: str
    tip: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    anchor: str = "start"  # start | middle | end
    size: float = 11.0
    role: str = "text"


@dataclass(frozen=True)
class Group:
    """Marks that are one thing to a reader (a year's stacked bar), with one tooltip."""

    kind: str  # css class, e.g. "bar"
    tip: str
    items: tuple
    data: tuple[tuple[str, str], ...] = ()  # extra data-* attributes


@dataclass
class Chart:
    width: float
    height: float
    title: str
    label: str  # the accessible description (aria-label)
    items: list = field(default_factory=list)


@dataclass(frozen=True)
class YearPoint:
    """One fiscal year of the history chart; amounts in yen, the rate in percent."""

    year: int
    label: str  # short axis label, e.g. "H24", "R7"
    caption: str  # the tooltip, already worded by the caller
    current: int | None = None
    arrears: int | None = None
    total: int | None = None  # used when there is no split (a published year)
    rate: Decimal | None = None
    published: bool = False
    projected: Decimal | None = None  # a year still collecting: its forecast rate (見込み), no bar

    @property
    def amount(self) -> int | None:
        if self.current is not None or self.arrears is not None:
            return (self.current or 0) + (self.arrears or 0)
        return self.total


# ---- scales -------------------------------------------------------------------------------


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^n) giving about `ticks` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def yen_unit(max_yen: float) -> tuple[float, str]:
    """(divisor, unit label) so an axis reads in 億円, 万円 or 円."""
    if max_yen >= 100_000_000:
        return 100_000_000, "億円"
    if max_yen >= 10_000:
        return 10_000, "万円"
    return 1, "円"


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def rate_range(rates: Sequence[Decimal]) -> tuple[float, float]:
    """An axis around the rates, whole points, 1 point of margin, within 0–100."""
    if not rates:
        return 0.0, 100.0
    lo, hi = float(min(rates)), float(max(rates))
    lo = max(0.0, math.floor(lo) - 1)
    hi = min(100.0, math.ceil(hi) + 1)
    if hi - lo < 2:
        lo, hi = max(0.0, hi - 2), max(hi, 2.0)
    return lo, hi


# ---- the history chart ------------------------------------------------------------------


def history_chart(
    points: Sequence[YearPoint], *, title: str, width: float = 720, height: float = 300, compact: bool = False
) -> Chart:
    """未収金 (bars, left axis) and 収納率 (line, right axis), one slot per fiscal year
    from the first point's to the last's; years without figures stay empty."""
    points = sorted(points, key=lambda p: p.year)
    chart = Chart(
        width, height, title,
        f"{title}。年度ごとの未収金（棒グラフ、現年度分と滞納繰越分の積み上げ）と収納率（折れ線）。数値は隣の表にあります。",
    )
    items = chart.items
    font = 9.0 if compact else 11.0
    left, right = (44.0, 40.0) if compact else (64.0, 52.0)
    top = 18.0 if compact else 40.0
    bottom = 22.0 if compact else 46.0
    plot_w, plot_h = width - left - right, height - top - bottom
    if not compact:
        items.append(Text(left, 16, title, size=13, role="text"))
    if not points:
        items.append(Text(width / 2, height / 2, "データがありません", anchor="middle", size=font))
        return chart
    first, last = points[0].year, points[-1].year
    slots = last - first + 1
    slot_w = plot_w / slots
    amounts = [p.amount for p in points if p.amount is not None]
    max_amount = max(amounts, default=0) or 1
    divisor, unit = yen_unit(max_amount)
    step = nice_step(max_amount / divisor, 4)
    top_value = step * math.ceil(max_amount / divisor / step) or step
    rates = [p.rate for p in points if p.rate is not None] + [p.projected for p in points if p.projected is not None]
    r_lo, r_hi = rate_range(rates)
    r_step = nice_step(r_hi - r_lo, 4)

    def y_rate(pct: float) -> float:
        return top + plot_h - (pct - r_lo) / (r_hi - r_lo) * plot_h

    # Grid and the amount axis (left).
    v = 0.0
    while v <= top_value + 1e-9:
        y = top + plot_h - v / top_value * plot_h
        items.append(Polyline(((left, y), (left + plot_w, y)), "grid", 1.0))
        items.append(Text(left - 4, y + font / 3, _fmt(v), anchor="end", size=font, role="axis"))
        v += step
    items.append(Text(left - 4, top - 6, unit, anchor="end", size=font, role="axis"))
    # The rate axis (right).
    if rates:
        v = math.ceil(r_lo / r_step) * r_step
        while v <= r_hi + 1e-9:
            items.append(Text(left + plot_w + 4, y_rate(v) + font / 3, _fmt(v), size=font, role="rate"))
            v += r_step
        items.append(Text(left + plot_w + 4, top - 6, "％", size=font, role="rate"))
    items.append(Polyline(((left, top + plot_h), (left + plot_w, top + plot_h)), "axis", 1.0))

    bar_w = slot_w * (0.5 if compact else 0.6)
    every = 1 if slots <= (8 if compact else 16) else 2
    for p in points:
        cx = left + (p.year - first + 0.5) * slot_w
        if (p.year - first) % every == 0 or p is points[-1]:
            items.append(Text(cx, top + plot_h + font + 4, p.label, anchor="middle", size=font, role="axis"))
        if p.amount is None:
            continue
        x = cx - bar_w / 2
        marks = []
        if p.current is not None or p.arrears is not None:
            base = top + plot_h
            for value, role in ((p.current or 0, "current"), (p.arrears or 0, "arrears")):
                h = (value / divisor) / top_value * plot_h
                marks.append(Rect(x, base - h, bar_w, h, role))
                base -= h
        else:
            h = (p.total / divisor) / top_value * plot_h
            marks.append(Rect(x, top + plot_h - h, bar_w, h, "published"))
        items.append(Group("bar", p.caption, tuple(marks), (("year", str(p.year)),)))

    # The rate line, broken where a year has no rate.
    run: list[tuple[float, float]] = []
    runs = [run]
    for year in range(first, last + 1):
        p = next((q for q in points if q.year == year), None)
        if p is None or p.rate is None:
            if run:
                run = []
                runs.append(run)
            continue
        run.append((left + (year - first + 0.5) * slot_w, y_rate(float(p.rate))))
    for r in runs:
        if len(r) > 1:
            items.append(Polyline(tuple(r), "rate", 1.5 if compact else 2.0))
    for p in points:
        if p.rate is not None:
            cx = left + (p.year - first + 0.5) * slot_w
            items.append(Dot(cx, y_rate(float(p.rate)), 2.5 if compact else 3.5, "rate", p.caption))
        if p.projected is not None:
            cx = left + (p.year - first + 0.5) * slot_w
            items.append(Dot(cx, y_rate(float(p.projected)), 3.5 if compact else 5, "projected", p.caption))

    if not compact:
        _legend(items, left, height - 6, [("current", "未収金（現年度分）"), ("arrears", "未収金（滞納繰越分）"),
                                           ("published", "未収金（公表値）"), ("rate", "収納率（合計）"), ("projected", "収納率（見込み）")], font)
    return chart


def _legend(items: list, x: float, y: float, entries: list[tuple[str, str]], font: float) -> None:
    for role, label in entries:
        items.append(Rect(x, y - font + 1, font, font - 2, role))
        items.append(Text(x + font + 4, y, label, size=font, role="axis"))
        x += font + 8 + len(label) * font + 8


# ---- the line chart -----------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float, str], ...]  # (x, y, tooltip)
    role: str
    dashed: bool = False


def line_chart(
    series: Sequence[Series], *, title: str, x_labels: Sequence[tuple[float, str]], x_max: float,
    y_unit: str = "％", width: float = 720, height: float = 260, extra: Sequence[Dot] = (), extra_label: str = "",
) -> Chart:
    """Lines on a shared x axis from 0 to `x_max`, y scaled to the data."""
    chart = Chart(width, height, title, f"{title}。" + "、".join(s.name for s in series) + "。数値は隣の表にあります。")
    items = chart.items
    left, right, top, bottom = 56.0, 20.0, 40.0, 44.0
    plot_w, plot_h = width - left - right, height - top - bottom
    items.append(Text(left, 16, title, size=13))
    ys = [y for s in series for _, y, _ in s.points] + [d.y for d in extra]
    if not ys:
        items.append(Text(width / 2, height / 2, "データがありません", anchor="middle"))
        return chart
    lo, hi = min(ys), max(ys)
    step = nice_step(hi - lo or 1, 4)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if hi == lo:
        hi = lo + step

    def px(x: float) -> float:
        return left + x / x_max * plot_w

    def py(y: float) -> float:
        return top + plot_h - (y - lo) / (hi - lo) * plot_h

    v = lo
    while v <= hi + 1e-9:
        items.append(Polyline(((left, py(v)), (left + plot_w, py(v))), "grid", 1.0))
        items.append(Text(left - 4, py(v) + 4, _fmt(v), anchor="end", size=10, role="axis"))
        v += step
    items.append(Text(left - 4, top - 8, y_unit, anchor="end", size=10, role="axis"))
    items.append(Polyline(((left, top + plot_h), (left + plot_w, top + plot_h)), "axis", 1.0))
    for x, label in x_labels:
        items.append(Text(px(x), top + plot_h + 14, label, anchor="middle", size=10, role="axis"))
    for s in series:
        pts = tuple((px(x), py(y)) for x, y, _ in s.points)
        if len(pts) > 1:
            items.append(Polyline(pts, s.role, 2.0, s.dashed))
        for (x, y, tip), (sx, sy) in zip(s.points, pts):
            items.append(Dot(sx, sy, 3.0, s.role, tip))
    for d in extra:
        items.append(Dot(px(d.x), py(d.y), d.r, d.role, d.tip))
    _legend(items, left, height - 6, [(s.role, s.name) for s in series] + ([(extra[0].role, extra_label)] if extra and extra_label else []), 10)
    return chart


# ---- SVG ------------------------------------------------------------------------------------


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if not float(v).is_integer() else str(int(v))


def _svg_item(item) -> str:
    if isinstance(item, Group):
        data = "".join(f" data-{k}={quoteattr(v)}" for k, v in item.data)
        inner = "".join(_svg_item(i) for i in item.items)
        return f'<g class="{item.kind}"{data}><title>{escape(item.tip)}</title>{inner}</g>'
    if isinstance(item, Rect):
        return f'<rect class="{item.role}" x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.w)}" height="{_n(item.h)}" fill="{PALETTE[item.role]}"/>'
    if isinstance(item, Polyline):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in item.points)
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        return f'<polyline class="{item.role}" points="{pts}" fill="none" stroke="{PALETTE[item.role]}" stroke-width="{_n(item.width)}"{dash}/>'
    if isinstance(item, Dot):
        title = f"<title>{escape(item.tip)}</title>" if item.tip else ""
        return f'<circle class="{item.role}" cx="{_n(item.x)}" cy="{_n(item.y)}" r="{_n(item.r)}" fill="{PALETTE[item.role]}">{title}</circle>'
    if isinstance(item, Text):
        return (
            f'<text x="{_n(item.x)}" y="{_n(item.y)}" text-anchor="{item.anchor}" font-size="{_n(item.size)}" '
            f'fill="{PALETTE.get(item.role, PALETTE["text"])}">{escape(item.text)}</text>'
        )
    raise TypeError(f"not a chart item: {item!r}")


def to_svg(chart: Chart, *, css_class: str = "chart") -> str:
    """The chart as an inline SVG element (no XML declaration), scalable to its container."""
    body = "".join(_svg_item(i) for i in chart.items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" '
        f'width="{_n(chart.width)}" height="{_n(chart.height)}" role="img" aria-label={quoteattr(chart.label)} '
        f'font-family="sans-serif">'
        f"<title>{escape(chart.title)}</title>"
        f'<rect x="0" y="0" width="{_n(chart.width)}" height="{_n(chart.height)}" fill="{PALETTE["background"]}"/>'
        f"{body}</svg>"
    )
