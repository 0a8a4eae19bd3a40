"""Recording an event: validated, refreshed and audited in one transaction."""

from datetime import date

import pytest

from saiken.audit.models import AuditEvent
from saiken.ledger import actions
from saiken.prescription.actions import PrescriptionError, end_procedure, record_event
from saiken.prescription.models import PrescriptionEvent

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 1)


def record(instalment, kind, on, user, **kw):
    return record_event(instalment=instalment, kind=kind, on=on, user=user, today=TODAY, **kw)


def test_a_pledge_renews_refreshes_the_status_and_is_audited(cast, clerk_user):
    event = record(cast["nursery"], "pledge", date(2025, 2, 14), clerk_user, note="毎月5,000円")
    status = cast["nursery"].prescription
    status.refresh_from_db()
    assert (status.completes_on, status.basis) == (date(2030, 2, 14), "分納誓約（令和7年2月14日）により更新")
    assert status.refreshed_on == TODAY
    audit = AuditEvent.objects.get(action="prescription.event")
    assert (audit.user, audit.target_id, audit.debtor_id) == (clerk_user, event.pk, cast["nursery"].debtor_id)
    assert audit.summary.endswith("分納誓約（令和7年2月14日）")
    assert audit.detail["kind"] == "pledge"


def test_a_seizure_suspends_until_it_ends(cast, clerk_user):
    seizure = record(cast["nursery"], "seizure", date(2025, 1, 20), clerk_user)
    cast["nursery"].prescription.refresh_from_db()
    assert cast["nursery"].prescription.completes_on is None
    end_procedure(event=seizure, ended_on=date(2025, 2, 28), user=clerk_user, today=TODAY)
    cast["nursery"].prescription.refresh_from_db()
    assert cast["nursery"].prescription.completes_on == date(2030, 2, 28)
    assert AuditEvent.objects.filter(action="prescription.end").count() == 1
    with pytest.raises(PrescriptionError, match="既に終了"):
        end_procedure(event=seizure, ended_on=date(2025, 2, 28), user=clerk_user, today=TODAY)


@pytest.mark.parametrize(
    "kind, on, extra, message",
    [
        ("promise", date(2025, 1, 5), {}, "登録されていません"),
        ("acknowledgement", date(2025, 3, 2), {}, "未来の日付"),
        ("acknowledgement", date(2025, 1, 5), {"ended_on": date(2025, 1, 6)}, "終了日を入力できません"),
        ("court", date(2025, 1, 5), {"ended_on": date(2025, 1, 4)}, "終了日が開始日より前"),
        ("acknowledgement", date(2020, 3, 1), {}, "債権の発生日"),
        ("invoked", date(2025, 1, 5), {}, "援用を要しない"),
    ],
)
def test_refused_events_write_nothing(cast, clerk_user, kind, on, extra, message):
    with pytest.raises(PrescriptionError, match=message):
        record(cast["nursery"], kind, on, clerk_user, **extra)
    assert not PrescriptionEvent.objects.exists()
    assert not AuditEvent.objects.exists()


def test_judgment_and_seizure_only_on_open_instalments(cast, clerk_user, taro, nhi):
    """Open means anything owed: a 延滞金 left alone may still be seized for
    (tests/prescription/test_every_component.py); nothing owed may not."""
    # paid late: 18,000円 and the 延滞金 it fixes (1,000円), the rest held as 過誤納金
    actions.record_payment(debtor=taro, receivable=nhi, amount=20_000, paid_on=date(2023, 5, 1), instalment=cast["nhi"])
    for kind in ("judgment", "seizure"):
        with pytest.raises(PrescriptionError, match="完納済み"):
            record(cast["nhi"], kind, date(2024, 1, 5), clerk_user)


def test_invocation_only_after_completion_and_once(cast, clerk_user):
    with pytest.raises(PrescriptionError, match="完成していません"):
        record(cast["hospital"], "invoked", date(2022, 10, 31), clerk_user)
    record(cast["hospital"], "invoked", date(2022, 11, 1), clerk_user)
    with pytest.raises(PrescriptionError, match="既に時効の援用"):
        record(cast["hospital"], "invoked", date(2023, 1, 5), clerk_user)
