"""The attacks of the review, replayed from the table of docs/access.md (see its last section).

Every refused request must leave the city as it was (a fingerprint of every row of every
table but the audit log's and the sessions'), and a 403 must leave the refused attempt in
the audit log.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from urllib.parse import parse_qsl

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from saiken.audit.models import AuditEvent
from tests.security import walk, world

pytestmark = pytest.mark.django_db
BEGIN, END = "<!-- reproductions:begin -->", "<!-- reproductions:end -->"
_REQUEST = re.compile(r"^(GET|POST) ([\w:]+)(?:\((\w+)\))?(?: (\S+))?$")


def rows() -> list[dict]:
    body = walk.TABLE.read_text(encoding="utf-8").split(BEGIN, 1)[1].split(END, 1)[0]
    found = []
    for line in [line for line in body.splitlines() if line.startswith("|")][2:]:
        number, what, login, request, expected = [p.strip() for p in line.strip().strip("|").split("|")]
        found.append({"id": int(number), "what": what, "login": login, "request": request.strip("`→ "), "expected": expected})
    return found


def fingerprint() -> str:
    """A digest of every row of the city's tables, but the audit log's and the sessions'."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model is AuditEvent or model._meta.app_label in ("sessions", "admin", "contenttypes"):
            continue
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


REPLAYED = [r for r in rows() if r["expected"] != "→"]
ELSEWHERE = [r for r in rows() if r["expected"] == "→"]


@pytest.fixture
def city(settings, tmp_path):
    from saiken.demands.documents import render_run
    from saiken.demands.models import DemandRun

    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    w = world.build()
    render_run(DemandRun.objects.get(pk=w.ids["demand_run"]), user=w.users["demo"])  # a real PDF: "not there" is not the refusal
    return w


def test_the_table_is_read():
    assert len(REPLAYED) >= 15 and len(ELSEWHERE) >= 4 and [r["id"] for r in rows()] == list(range(1, len(rows()) + 1))


def test_every_attack_is_refused(client, city):
    """One city for all the rows (it takes seconds to build): each row is undone after it."""
    wrong = []
    for row in REPLAYED:
        point = transaction.savepoint()
        try:
            problem = _replay(client, city, row)
        finally:
            transaction.savepoint_rollback(point)
        if problem:
            wrong.append(f"{row['id']} {row['what']} ({row['login']} {row['request']}): {problem}")
    assert wrong == [], "\n".join(wrong)


def _replay(client, city, row) -> str | None:
    """What is wrong with the answer to `row`, or None."""
    method, name, obj, data = _REQUEST.match(row["request"]).groups()
    url = reverse(name, args=[city.ids[obj]] if obj else [])
    data = {k: v.format(**city.ids) for k, v in parse_qsl(data or "")}
    client.logout()
    client.force_login(city.users[row["login"]])
    before, last = fingerprint(), AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = getattr(client, method.lower())(url, data)
    code, _, rest = row["expected"].partition(" ")
    got = walk._answer(response)
    if code.startswith("200"):
        if not got.startswith("200") or ("P" in got) != ("P" in code):
            return f"expected {code}, got {got}"
    elif str(response.status_code) != code:
        return f"expected {code}, got {response.status_code}"
    new = list(AuditEvent.objects.filter(id__gt=last or 0).exclude(action="auth.login").values_list("action", flat=True))
    if rest.startswith("監査 "):
        return None if rest.removeprefix("監査 ") in new else f"no audit row {rest}: {new}"
    if fingerprint() != before:
        return "the refused request changed the city"
    if code == "403" and not any(a.endswith("refused") for a in new):
        return f"the refused attempt is not in the audit log: {new}"
    return None


@pytest.mark.parametrize("row", ELSEWHERE, ids=lambda r: f"{r['id']}")
def test_the_longer_attacks_have_their_test(row):
    path, test = row["request"].split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert callable(getattr(module, test, None)), f"{row['what']}: {row['request']} does not exist"


def test_a_refund_pointing_at_the_database_file_is_not_served(client, city, settings):
    from saiken.payments.models import Refund

    database = settings.DATABASES["default"]["NAME"]
    Refund.objects.filter(pk=city.ids["refund"]).update(transfer_file=str(database), status="sent")
    client.force_login(city.users["demo"])
    assert client.get(reverse("payment_refund_download", args=[city.ids["refund"]])).status_code == 404
    Refund.objects.filter(pk=city.ids["refund"]).update(transfer_file="../../etc/passwd")
    assert client.get(reverse("payment_refund_download", args=[city.ids["refund"]])).status_code == 404
