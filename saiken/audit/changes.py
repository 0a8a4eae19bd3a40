"""Changes made in the admin (管理画面), as actions with their audit rows.

The admin edits configuration (receivables, rate tables, layouts, staff) and the few
register facts a city corrects by hand (a debtor's address, a 口座振替依頼, a 税情報の
利用根拠). Every such save and delete goes through `save_audited` / `delete_audited`:
one transaction, the change written and its audit row beside it, with each changed
field before and after (a password only as "changed", never its hash).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction

from saiken.audit import record

SECRET_FIELDS = frozenset({"password"})
HIDDEN = "（非表示）"


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def snapshot(obj: models.Model) -> dict:
    """The stored values of `obj`'s fields (foreign keys as ids, many-to-many as sorted ids)."""
    out: dict = {}
    for f in obj._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        out[f.attname] = _plain(getattr(obj, f.attname))
    if obj.pk is not None:
        for f in obj._meta.many_to_many:
            out[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return out


def changes(before: dict | None, after: dict) -> dict[str, dict]:
    """{field: {"before", "after"}} of the fields that differ (all of them for a new row)."""
    before = before or {}
    out = {}
    for name, value in after.items():
        old = before.get(name)
        if before and old == value:
            continue
        if not before and value in (None, "", [], {}):
            continue
        if name in SECRET_FIELDS:
            out[name] = {"before": HIDDEN if old else "", "after": "（変更）"}
        else:
            out[name] = {"before": old, "after": value}
    return out


def _stored(obj: models.Model) -> models.Model | None:
    if obj.pk is None:
        return None
    return type(obj)._base_manager.filter(pk=obj.pk).first()


def _label(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name} {obj}"[:200]


@transaction.atomic
def save_audited(obj: models.Model, *, user, related: Callable[[], None] | None = None, via: str = "管理画面"):
    """Save `obj` (and, by `related`, what is saved with it: many-to-many fields, inline
    rows) and record admin.add / admin.change with the changed fields before and after.
    A save that changes nothing records nothing."""
    stored = _stored(obj)
    before = snapshot(stored) if stored is not None else None
    obj.save()
    if related is not None:
        related()
    diff = changes(before, snapshot(obj))
    if before is not None and not diff:
        return None
    action = "admin.change" if before is not None else "admin.add"
    verb = "変更" if before is not None else "登録"
    return record(
        user=user, action=action, target=obj,
        summary=f"{via}で{verb}: {_label(obj)}（{'、'.join(_field_label(obj, n) for n in diff)}）",
        detail={"model": obj._meta.label_lower, "id": obj.pk, "changes": diff, "via": via},
    )


@transaction.atomic
def delete_audited(obj: models.Model, *, user, via: str = "管理画面"):
    """Delete `obj` and record admin.delete with every value it had."""
    before = snapshot(obj)
    label, pk, model = _label(obj), obj.pk, obj._meta.label_lower
    event = record(
        user=user, action="admin.delete", target=obj, summary=f"{via}で削除: {label}",
        detail={"model": model, "id": pk, "changes": {k: {"before": v, "after": None} for k, v in before.items() if k not in SECRET_FIELDS},
                "via": via},
    )
    obj.delete()
    return event


def record_password_change(*, user, target, via: str = "管理画面"):
    """A password set by an administrator (the new one is never recorded)."""
    return record(
        user=user, action="admin.password", target=target, summary=f"{via}でパスワードを変更: {target}",
        detail={"model": target._meta.label_lower, "id": target.pk, "changes": {"password": {"before": HIDDEN, "after": "（変更）"}}, "via": via},
    )


def _field_label(obj: models.Model, name: str) -> str:
    for f in [*obj._meta.concrete_fields, *obj._meta.many_to_many]:
        if name in (f.name, getattr(f, "attname", f.name)):
            return str(f.verbose_name)
    return name
