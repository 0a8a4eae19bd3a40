"""The relief cast, on top of tests/conftest.py (taro, hanako, city_tax, nursery_fee, housing).

- clerk (窓口 一郎): proposes decisions; may not approve them.
- manager (課長 花子): holds 緩和措置を決裁する; approves what others propose.
- deputy (課長補佐 次郎): also holds it, so a manager's own proposal can be approved by someone else.
"""

import sys
import types
from datetime import date

import pytest
from django.contrib.auth.models import Permission

from saiken.ledger import actions as ledger
from saiken.relief import actions
from tests.conftest import staff


@pytest.fixture
def clerk(django_user_model):
    return staff(django_user_model.objects.create_user("clerk", last_name="窓口", first_name="一郎"))


def _decider(django_user_model, username, last, first):
    user = staff(django_user_model.objects.create_user(username, last_name=last, first_name=first))
    user.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision", content_type__app_label="relief"))
    return django_user_model.objects.get(pk=user.pk)  # fresh: the permission cache is per instance


@pytest.fixture
def manager(django_user_model):
    return _decider(django_user_model, "manager", "課長", "花子")


@pytest.fixture
def deputy(django_user_model):
    return _decider(django_user_model, "deputy", "課長補佐", "次郎")


def assess(debtor, receivable, amount=50_000, fy=2020, no=1, due=None):
    due = due or date(fy, 7, 31)
    return ledger.assess(
        debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=no, nominal_due=due, amount=amount,
        assessed_on=date(fy, 6, 1),
    )


def propose(user, debtor, kind, instalments, ground, start_on, end_on=None, **kw):
    kw.setdefault("reason", "財産調査の結果による")
    return actions.propose_relief(
        debtor=debtor, kind=kind, instalments=instalments, ground=ground, start_on=start_on, end_on=end_on, user=user, **kw
    )


def granted(clerk, manager, debtor, kind, instalments, ground, start_on, end_on=None, decided_on=None, **kw):
    d = propose(clerk, debtor, kind, instalments, ground, start_on, end_on, **kw)
    return actions.approve_relief(d, manager, decided_on or start_on)


@pytest.fixture
def prescription(monkeypatch):
    """The prescription module as the write-off run sees it, under the test's control:
    set `prescription.found` to what it reports (nothing by default)."""
    fake = types.ModuleType("saiken.prescription.warnings")
    fake.found = []
    fake.extinguished_by_prescription = lambda as_of: list(fake.found)
    monkeypatch.setitem(sys.modules, "saiken.prescription.warnings", fake)
    return fake
