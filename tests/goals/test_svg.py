"""The charts are well-formed SVG: one bar per year with figures, a tooltip on every mark,
an accessible name, and text escaped. No database."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from saiken.goals import svg

NS = {"s": "http://www.w3.org/2000/svg"}
OKU = 100_000_000


def parse(chart: svg.Chart) -> ET.Element:
    return ET.fromstring(svg.to_svg(chart))


def seed_like() -> list[svg.YearPoint]:
    published = [(2012, 131, "92.7"), (2013, 119, "93.4"), (2014, 111, "93.9"), (2015, 103, "94.2"), (2016, 99, "94.4"), (2017, 96, "94.7")]
    points = [svg.YearPoint(y, f"H{y - 1988}", f"{y}年度 未収金 {oku}億円 & 収納率 {r}%", total=oku * OKU, rate=Decimal(r), published=True)
              for y, oku, r in published]
    # FY2018–2020 missing; the ledger from FY2021; FY2026 still collecting (a forecast only).
    points += [svg.YearPoint(y, f"R{y - 2018}", f"{y}年度", current=15 * 10**8, arrears=22 * 10**8, rate=Decimal("95.0")) for y in range(2021, 2026)]
    points.append(svg.YearPoint(2026, "R8", "2026年度 見込み", projected=Decimal("95.2")))
    return points


def test_history_chart_is_well_formed_with_one_bar_per_year_that_has_figures():
    points = seed_like()
    root = parse(svg.history_chart(points, title="主要14債権の未収金と収納率の推移"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and "未収金" in root.get("aria-label")
    assert root.find("s:title", NS).text == "主要14債権の未収金と収納率の推移"
    bars = root.findall(".//s:g[@class='bar']", NS)
    assert [b.get("data-year") for b in bars] == [str(y) for y in [*range(2012, 2018), *range(2021, 2026)]]
    for bar in bars:
        assert bar.find("s:title", NS).text  # a tooltip on every bar
    published = root.findall(".//s:g[@class='bar']/s:rect[@class='published']", NS)
    assert len(published) == 6  # one grey bar each: the seed gives no split
    assert len(root.findall(".//s:g[@class='bar']/s:rect[@class='current']", NS)) == 5
    assert len(root.findall(".//s:g[@class='bar']/s:rect[@class='arrears']", NS)) == 5
    # the rate: a dot per year with a rate, the line broken over the missing years
    assert len(root.findall(".//s:circle[@class='rate']", NS)) == 11
    assert len(root.findall(".//s:polyline[@class='rate']", NS)) == 2
    (projected,) = root.findall(".//s:circle[@class='projected']", NS)
    assert projected.find("s:title", NS).text == "2026年度 見込み"


def test_tooltip_text_is_escaped():
    root = parse(svg.history_chart(seed_like()[:1], title="A & B <c>"))
    assert root.find("s:title", NS).text == "A & B <c>"
    assert root.find(".//s:g[@class='bar']/s:title", NS).text == "2012年度 未収金 131億円 & 収納率 92.7%"


def test_bar_heights_are_in_proportion_and_the_axis_is_in_oku():
    points = [svg.YearPoint(2012, "H24", "a", total=131 * OKU, published=True), svg.YearPoint(2013, "H25", "b", total=65 * OKU + OKU // 2, published=True)]
    root = parse(svg.history_chart(points, title="t"))
    a, b = (float(r.get("height")) for r in root.findall(".//s:g[@class='bar']/s:rect", NS))
    assert abs(a / b - 131 / 65.5) < 0.01
    assert "億円" in [t.text for t in root.findall(".//s:text", NS)]


def test_empty_and_small_charts():
    root = parse(svg.history_chart([], title="なし"))
    assert root.findall(".//s:g[@class='bar']", NS) == []
    assert "データがありません" in [t.text for t in root.findall(".//s:text", NS)]
    small = parse(svg.history_chart(seed_like()[6:], title="1 市税", width=300, height=150, compact=True))
    assert small.get("width") == "300" and len(small.findall(".//s:g[@class='bar']", NS)) == 5


def test_line_chart():
    this = svg.Series("今年度", ((1, 7.3, "4月末 7.3%"), (2, 11.6, "5月末 11.6%")), "rate")
    last = svg.Series("前年度", tuple((m, 7.0 * m, f"{m}") for m in range(1, 15)), "last", dashed=True)
    chart = svg.line_chart([last, this], title="進捗", x_labels=[(1, "4月末")], x_max=14,
                           extra=[svg.Dot(14, 95.2, 5, "projected", "決算見込み 95.2%")], extra_label="決算見込み")
    root = parse(chart)
    lines = root.findall(".//s:polyline[@class='last']", NS)
    assert len(lines) == 1 and lines[0].get("stroke-dasharray")
    assert len(root.findall(".//s:circle[@class='rate']", NS)) == 2
    assert root.find(".//s:circle[@class='projected']/s:title", NS).text == "決算見込み 95.2%"


def test_nice_steps_and_units():
    assert svg.nice_step(131, 4) == 50
    assert svg.nice_step(10, 5) == 2
    assert svg.yen_unit(9_600_000_000) == (100_000_000, "億円")
    assert svg.yen_unit(37_307_970) == (10_000, "万円")
    assert svg.rate_range([Decimal("92.7"), Decimal("94.7")]) == (91.0, 96.0)
    assert svg.rate_range([Decimal("99.8")]) == (98.0, 100.0)
