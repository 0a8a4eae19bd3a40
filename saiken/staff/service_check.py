"""行政サービス利用制限: "is this applicant delinquent?" answered yes or no, with consent.

Delinquent means: any instalment of any of the city's receivables whose due date has
passed and whose principal is still unpaid, excluding debts under a granted 猶予
(a city may widen or narrow this: `SAIKEN_SERVICE_CHECK_GRACE_DAYS` lets a due date
pass by some days before it counts; default 0).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from saiken import audit
from saiken.core.relief import DEFERMENTS
from saiken.debtors.models import Debtor
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.relief.models import ReliefDecisionLine, Status
from saiken.staff.models import ServiceCheck


def is_delinquent(debtor_id: int, as_of: date) -> bool:
    grace = getattr(settings, "SAIKEN_SERVICE_CHECK_GRACE_DAYS", 0)
    deferred = ReliefDecisionLine.objects.filter(
        decision__status=Status.APPROVED, decision__kind__in=sorted(DEFERMENTS), decision__start_on__lte=as_of, decision__end_on__gte=as_of,
    ).values("instalment_id")
    return (
        Instalment.objects.filter(debtor_id=debtor_id, principal_due__gt=0, due_date__lt=as_of - timedelta(days=grace))
        .exclude(id__in=deferred)
        .exists()
    )


@transaction.atomic
def check(*, debtor: Debtor, service: str, consent: str, as_of: date, user=None) -> ServiceCheck:
    """Answer one check and record it (who asked, for which service, on what consent)."""
    if not service.strip():
        raise LedgerError("申請された行政サービスを入力してください。", "service")
    if not consent.strip():
        raise LedgerError("本人の同意を記録してください（同意書番号など）。同意のない照会には回答できません。", "consent")
    result = ServiceCheck.objects.create(
        debtor=debtor, service=service.strip()[:200], consent=consent.strip()[:200], delinquent=is_delinquent(debtor.pk, as_of),
        asked_by=user if getattr(user, "is_authenticated", False) else None, as_of=as_of,
    )
    audit.record(user=user, action="service_check", target=result, debtor_id=debtor.pk,
                 summary=f"行政サービス利用制限の確認（{service}）: {'滞納あり' if result.delinquent else '滞納なし'}")
    return result
