"""Filters for showing dates, years, money and rates the way the city writes them.

    {{ d|wareki }}         令和6年7月31日
    {{ d|wareki:"y" }}     令和6年7月31日（2024）
    {{ 2024|fy }}          令和6年度
    {{ 2024|fy:"y" }}      令和6年度（2024）
    {{ 1234567|yen }}      1,234,567
    {{ rate|pct }}         94.7   (Decimal or exact Fraction; — for None)
    {{ change|pt }}        +0.3 / −0.2 / ±0.0 (— for None)
    {{ at|wareki_time }}   令和8年12月8日 03:46:33 (an aware datetime, in Japan's time)
    {{ code|audit_action }} ログイン失敗 (an audit action code's name; the code if it has none)
    {{ r.action|record_action }}   振替不能 ; {{ "1"|debit_result }} 資金不足（結果コード 1）
    {{ r.channel|channel }}        コンビニ ; {{ "customer_number"|match_field }} 顧客番号
    {{ "holder"|record_field }}    預金者名 ; {{ v|record_value:"account_type" }} 1 普通
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import timezone

from saiken.core.allocation import parse_order
from saiken.core.entries import COMPONENT_LABELS
from saiken.core.era import fiscal_year_label
from saiken.core.era import wareki as wareki_label
from saiken.core.money import percent
from saiken.core.formats import ACTION_LABELS, EXTRA_LABELS, MATCH_LABELS
from saiken.core.formats.conveni_csv import KINDS as STORE_KINDS
from saiken.core.formats.zengin import DEBIT_ACCOUNT_TYPES, RESULT_CODES
from saiken.ledger.models import Channel, WriteOffReason

register = template.Library()

JAPAN = ZoneInfo("Asia/Tokyo")
DASH = "—"
MINUS = "\u2212"  # −, the minus sign printed reports use


@register.simple_tag
def city_name() -> str:
    return settings.SAIKEN_CITY_NAME


@register.filter
def wareki(value: date | None, western: str = "") -> str:
    """和暦; with the argument "y", the western year after it in brackets."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    label = wareki_label(value)
    return f"{label}（{value.year}）" if western else label


@register.filter
def wareki_time(value: datetime | None) -> str:
    """An aware datetime as 和暦 date and time in Japan (Asia/Tokyo), to the second."""
    if value in (None, ""):
        return ""
    local = timezone.localtime(value, JAPAN) if timezone.is_aware(value) else value
    return f"{wareki_label(local.date())} {local:%H:%M:%S}"


@register.filter
def audit_action(code: str) -> str:
    from saiken.audit.labels import label

    return label(code)


@register.filter
def fy(value: int | None, western: str = "") -> str:
    """Fiscal year label 令和6年度; with "y", （2024） after it."""
    if value in (None, ""):
        return ""
    label = fiscal_year_label(int(value))
    return f"{label}（{int(value)}）" if western else label


@register.filter
def yen(value: int | None) -> str:
    if value in (None, ""):
        return ""
    amount = int(value)
    return f"{MINUS if amount < 0 else ''}{abs(amount):,}"


@register.filter
def pct(value: Decimal | Fraction | None) -> str:
    """A percentage to one decimal; an exact Fraction (a rate) is converted first."""
    if value is None or value == "":
        return DASH
    if isinstance(value, Fraction):
        value = percent(value)
    return f"{Decimal(value):.1f}"


@register.filter
def pt(value: Decimal | None) -> str:
    """A change in percentage points, always signed."""
    if value is None or value == "":
        return DASH
    value = Decimal(value)
    if value > 0:
        return f"+{value:.1f}"
    if value < 0:
        return f"{MINUS}{-value:.1f}"
    return f"±{abs(value):.1f}"


@register.filter
def allocation_order(value: str) -> str:
    """'principal,late_charge,fee' → 本税・本料→延滞金→督促手数料 (the raw text if invalid)."""
    try:
        return "→".join(COMPONENT_LABELS[c] for c in parse_order(value))
    except ValueError:
        return value


@register.filter
def reason_label(value: str) -> str:
    """A write-off reason code as its label; any other reason as written."""
    if value in WriteOffReason.values:
        return WriteOffReason(value).label
    return value


@register.filter
def record_action(value: str) -> str:
    """What a received record asks (payment, 速報, …) in Japanese."""
    return ACTION_LABELS.get(value, value)


@register.filter
def debit_result(value: str | None) -> str:
    """A 振替結果コード with the bank's name for it (資金不足, 取引なし, …): 全銀協 口座振替
    データ・レコード, position 112 (saiken.core.formats.zengin.RESULT_CODES)."""
    if not value:
        return ""
    return f"{RESULT_CODES.get(value, 'コード表にない結果')}（結果コード {value}）"


@register.filter
def channel(value: str) -> str:
    """A payment channel code as its name (コンビニ, 口座振替, …)."""
    return Channel(value).label if value in Channel.values else value


@register.filter
def match_field(value: str) -> str:
    """The name of a matching key (顧客番号, バーコード, …); a layout's own key as written."""
    return MATCH_LABELS.get(value, value)


@register.filter
def record_field(value: str) -> str:
    """The name of what else a record keeps (預金者名, 店舗コード, …); a layout's own column as written."""
    return EXTRA_LABELS.get(value, MATCH_LABELS.get(value, value))


@register.filter
def record_value(value, field: str) -> str:
    """A record's coded value with its meaning: 預金種目 1 普通 (全銀協 口座振替 データ・レコード),
    the store agency's データ種別 02 確報; any other value as written."""
    text = "" if value is None else str(value)
    if field == "account_type" and text in DEBIT_ACCOUNT_TYPES:
        return f"{text} {DEBIT_ACCOUNT_TYPES[text]}"
    if field == "kind" and text in STORE_KINDS:
        return f"{text} {STORE_KINDS[text][1]}"
    if field == "stamp_flag" and text in ("0", "1"):
        return f"{text} {'印紙なし' if text == '0' else '印紙あり'}"
    return text
