"""監査ログ. Record with `saiken.audit.record(...)` inside the action's transaction."""

from contextvars import ContextVar

# How many rows the current request has written (saiken.audit.middleware: a page that
# recorded nothing of its own gets one "page.view" row).
recorded: ContextVar[int] = ContextVar("saiken_audit_recorded", default=0)


def record(*, user, action: str, target=None, debtor_id: int | None = None, summary: str = "", detail: dict | None = None):
    """Insert one audit row. `target` is any model instance (its type and id are kept)."""
    from saiken.audit.models import AuditEvent

    user = user if getattr(user, "is_authenticated", False) else None
    recorded.set(recorded.get() + 1)
    return AuditEvent.objects.create(
        user=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        debtor_id=debtor_id if debtor_id is not None else _debtor_of(target),
        summary=summary[:300],
        detail=detail or {},
    )


def _debtor_of(target) -> int | None:
    """The debtor an audited object concerns: itself if it is one, else its debtor_id."""
    if target is None:
        return None
    if target._meta.label_lower == "debtors.debtor":
        return target.pk
    return getattr(target, "debtor_id", None)
