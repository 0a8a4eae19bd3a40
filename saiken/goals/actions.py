"""Setting and removing targets (目標の設定): one function per change, audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from saiken.audit import record
from saiken.catalog.models import ReceivableType
from saiken.goals.models import Indicator, Target
from saiken.staff.access import role
from saiken.staff.models import Role

SETTERS = frozenset({Role.COMMITTEE, Role.ADMIN})


def may_set_targets(user) -> bool:
    """The committee (債権管理委員) and administrators set targets; so does anyone an
    administrator has given the goals.change_target permission."""
    return role(user) in SETTERS or user.has_perm("goals.change_target")


def _check(user) -> None:
    if not may_set_targets(user):
        raise PermissionError("目標を設定する権限がありません。")


def _summary(t: Target) -> dict:
    return {
        "indicator": t.indicator.code,
        "receivable": t.receivable.code if t.receivable_id else None,
        "fiscal_year": t.fiscal_year,
        "comparison": t.comparison,
        "value": str(t.value) if t.value is not None else None,
        "carries_forward": t.carries_forward,
        "note": t.note,
    }


@transaction.atomic
def set_target(
    *,
    indicator: Indicator,
    receivable: ReceivableType | None,
    fiscal_year: int,
    comparison: str,
    value: Decimal | int | None,
    carries_forward: bool = False,
    note: str = "",
    user,
) -> Target:
    """Create the target of an indicator, receivable (None: the whole) and year, or
    replace it. Raises ValidationError (nothing written) when it does not fit the
    indicator's unit."""
    _check(user)
    # Locked: two members changing the same target at once are served in turn, and the
    # audit row says what each replaced. (No ordering: the default one joins the
    # receivable, and a row lock cannot reach through an outer join.)
    existing = (
        Target.objects.select_for_update()
        .filter(indicator=indicator, receivable=receivable, fiscal_year=fiscal_year)
        .order_by()
        .first()
    )
    before = _summary(existing) if existing else None
    target = existing or Target(indicator=indicator, receivable=receivable, fiscal_year=fiscal_year)
    target.comparison = comparison
    target.value = Decimal(value) if value is not None else None
    target.carries_forward = carries_forward
    target.note = note.strip()
    target.set_by = user if getattr(user, "is_authenticated", False) else None
    target.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as e:
        # Two members creating the same new target at once: there was no row to lock,
        # and the unique constraint lets only the first in.
        raise ValidationError("同じ目標が同時に設定されました。画面を開き直して確認してください。") from e
    record(
        user=user, action="goals.set_target", target=target,
        summary=f"目標を{'変更' if before else '設定'}: {target}",
        detail={"before": before, "after": _summary(target)},
    )
    return target


@transaction.atomic
def delete_target(target: Target, *, user) -> None:
    _check(user)
    summary = _summary(target)
    label = str(target)
    record(user=user, action="goals.delete_target", target=target, summary=f"目標を削除: {label}", detail=summary)
    target.delete()

