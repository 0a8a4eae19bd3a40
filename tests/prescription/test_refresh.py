"""The cached status: rebuilt in chunks, idempotent, and only for open instalments."""

from datetime import date

import pytest

from saiken.ledger import actions
from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import refresh

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 1, 10)


def statuses():
    return {
        s["instalment_id"]: s
        for s in PrescriptionStatus.objects.values("instalment_id", "runs_from", "completes_on", "regime", "needs_invocation", "basis", "refreshed_on")
    }


def test_refresh_caches_every_open_instalment(cast):
    assert refresh(AS_OF) == 3
    s = statuses()
    assert s[cast["nursery"].pk]["completes_on"] == date(2025, 7, 10)
    assert s[cast["nursery"].pk]["basis"] == "督促（令和2年7月10日）により更新"
    assert (s[cast["hospital"].pk]["regime"], s[cast["hospital"].pk]["needs_invocation"]) == ("private_old", True)
    assert {v["refreshed_on"] for v in s.values()} == {AS_OF}


def test_refresh_is_idempotent_in_any_chunk_size(cast):
    refresh(AS_OF)
    first = statuses()
    seen = []
    assert refresh(AS_OF, chunk=1, progress=lambda done, total: seen.append((done, total))) == 3
    assert statuses() == first
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert PrescriptionStatus.objects.count() == 3


def test_refresh_drops_paid_instalments_and_follows_payments(cast, taro, nursery_fee, nhi):
    refresh(AS_OF)
    # paid late: 18,000円 and the 延滞金 it fixes (1,000円), the rest held as 過誤納金
    actions.record_payment(debtor=taro, receivable=nhi, amount=20_000, paid_on=date(2023, 5, 1), instalment=cast["nhi"])
    actions.record_payment(debtor=taro, receivable=nursery_fee, amount=1_000, paid_on=date(2024, 12, 2), instalment=cast["nursery"])
    assert refresh(AS_OF, chunk=2) == 2
    s = statuses()
    assert cast["nhi"].pk not in s
    assert s[cast["nursery"].pk]["completes_on"] == date(2029, 12, 2)


def test_a_paid_instalment_past_the_last_open_one_is_dropped(cast, hanako, hospital):
    refresh(AS_OF)
    # more than owed: the interest that accrued is charged first, the excess held as 過誤納金
    actions.record_payment(debtor=hanako, receivable=hospital, amount=100_000, paid_on=date(2024, 1, 5), instalment=cast["hospital"])
    assert cast["hospital"].pk == max(i.pk for i in cast.values())
    refresh(AS_OF, chunk=1)
    assert set(statuses()) == {cast["nursery"].pk, cast["nhi"].pk}
