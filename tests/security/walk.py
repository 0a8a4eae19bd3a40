"""Walk every URL of the project as every role, and read or write the table of what each
role must get (docs/access.md).

A cell is the answer to a GET and to a POST without data, "GET/POST" (one code when both
are the same). The codes: L — sent to the login page; A — sent to the admin's login;
200 — shown, with P when the page names the tax-only debtor and T when it shows one of
his tax figures; 302 — done or sent back to the form; 400, 403, 404, 405 — refused
(403 and 404 are our Japanese pages: an object of another department is "not found").
"""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib import admin
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from tests.security import world

TABLE = Path(__file__).resolve().parents[2] / "docs" / "access.md"
BEGIN, END = "<!-- walk:begin -->", "<!-- walk:end -->"
TAX_FIGURES = ("123,456", "123456", "54,321")  # the tax-only debtor's instalment and his tax payment

# Which object each URL's <pk> names (the tax department's, of the tax-only debtor).
PK = {
    "demand_run": "demand_run", "demand_run_render": "demand_run", "demand_run_pdf": "demand_run", "demand_detail": "demand",
    "demand_delivery": "demand", "payment_import": "payment_import", "payment_resolve": "received", "payment_settle": "overpaid",
    "payment_refund_download": "refund", "payment_refund_returned": "refund", "assessment_import": "assessment_import",
    "relief_decision": "relief", "relief_approve": "relief", "relief_reject": "relief", "relief_revoke": "relief", "relief_end": "relief",
    "case_task_done": "task", "case_referral_outcome": "referral", "investigation": "investigation", "investigation_pdf": "investigation",
    "disposition": "disposition", "disposition_pdf": "disposition", "reminder_run": "reminder_run", "reminder_run_render": "reminder_run",
    "reminder_run_pdf": "reminder_run", "matching_confirm": "candidate", "matching_reject": "candidate", "matching_person": "taro",
    "matching_unlink": "taro", "goals_target_delete": "target", "plan": "plan", "plan_revise": "plan", "plan_version": "plan",
    "plan_adopt": "plan", "evaluation_new": "plan", "evaluation": "evaluation", "evaluation_finalise": "evaluation",
    "plan_next": "evaluation", "solved_case": "solved_case", "debtor": "taro", "payment_correction": "correction",
    "counter": "taro", "counter_receipt": "receipt", "counter_receipt_pdf": "receipt",
    "slip_new": "taro", "slip_detail": "slip", "slip_pdf": "slip", "slip_pledge": "pledge", "slip_demand_copy": "demand",
}


def url_names(resolver=None) -> list[tuple[str, str, list[str]]]:
    """(name, path pattern, its arguments) of every URL of the project outside the admin."""
    found = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            found += [(n, str(p.pattern) + path, args) for n, path, args in url_names(p)]
        else:
            found.append((p.name, str(p.pattern), list(p.pattern.converters)))
    return found


def admin_names() -> list[tuple[str, str, list[str]]]:
    """The admin's index and every registered model's list and add pages."""
    found = [("admin:index", "admin/", [])]
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        meta = model._meta
        for what in ("changelist", "add"):
            name = f"admin:{meta.app_label}_{meta.model_name}_{what}"
            found.append((name, reverse(name).removeprefix("/"), []))
    return found


def _url(name: str, args: list[str], w: world.World) -> str:
    kwargs = {}
    for a in args:
        kwargs[a] = {"pk": lambda: w.ids[PK[name]], "debtor_id": lambda: w.ids["taro"], "code": lambda: "city_tax",
                     "number": lambda: w.ids["plan_version"], "payment": lambda: w.ids["payment"]}[a]()
    return reverse(name, kwargs=kwargs)


def _answer(response) -> str:
    code = response.status_code
    if code == 302:
        where = response.get("Location", "")
        if where.startswith(reverse("admin:login")):
            return "A"
        if where.startswith(reverse("login")):
            return "L"
    if code == 200 and "html" in response.get("Content-Type", ""):
        body = response.content.decode()
        return "200" + ("P" if "山田" in body else "") + ("T" if any(f in body for f in TAX_FIGURES) else "")
    return str(code)


def walk(client, w: world.World, names, unaudited: list | None = None) -> dict[tuple[str, str], str]:
    """Each (URL name, login) → its cell. Every request is undone after it (a savepoint),
    so that what one role's POST did never changes what the next one sees. A page that
    names the debtor (P) and leaves no audit row is added to `unaudited`."""
    from saiken.audit.models import AuditEvent

    seen: dict[tuple[str, str], str] = {}
    urls = [(name, _url(name, args, w)) for name, _, args in names]
    for login, *_ in world.ROLES:
        # One login per role (a login is a session row and an audit row): each request is
        # undone by its savepoint, and the login again after a request that ends the session.
        _log_in(client, w, login)
        for name, url in urls:
            codes = []
            for method in ("get", "post"):
                point = transaction.savepoint()
                try:
                    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
                    codes.append(_answer(getattr(client, method)(url)))
                    shown = "P" in codes[-1] or "T" in codes[-1]
                    if shown and unaudited is not None and not AuditEvent.objects.filter(id__gt=last).exclude(action="auth.login").exists():
                        unaudited.append(f"{method.upper()} {name} as {login}")
                finally:
                    transaction.savepoint_rollback(point)
                    client.cookies.pop("messages", None)  # a message of this request is not the next page's
                if name in ("login", "logout"):
                    _log_in(client, w, login)
            seen[name, login] = codes[0] if codes[0] == codes[1] else "/".join(codes)
    return seen


def _log_in(client, w: world.World, login: str) -> None:
    """Log in as `login`; one with a second factor (the world's managers and administrator)
    has passed it, as django_otp.login leaves the session."""
    client.logout()
    if login == "anonymous":
        return
    client.force_login(w.users[login])
    device = w.devices.get(login)
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|")


def read_table(text: str | None = None) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """The expected cells and each row's note, from the table between the walk markers."""
    text = text if text is not None else TABLE.read_text(encoding="utf-8")
    body = text.split(BEGIN, 1)[1].split(END, 1)[0]
    cells, notes = {}, {}
    logins = [login for login, *_ in world.ROLES]
    for line in body.splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        name = m.group(1)
        values = parts[2:2 + len(logins)]
        for login, value in zip(logins, values, strict=True):
            cells[name, login] = value
        notes[name] = parts[2 + len(logins)] if len(parts) > 2 + len(logins) else ""
    return cells, notes


def write_table(seen: dict[tuple[str, str], str], names, notes: dict[str, str]) -> None:
    """Rewrite the rows between the markers from what the walk saw, keeping each row's note
    (for `SAIKEN_WRITE_ACCESS_TABLE=1`: a reviewer reads the difference before it is kept)."""
    heads = [head for *_, head in world.ROLES]
    lines = ["| URL 名 | パス | " + " | ".join(heads) + " | 備考 |", "|" + "---|" * (len(heads) + 3)]
    for name, path, _ in names:
        row = [f"`{name}`", f"`/{path}`"] + [seen[name, login] for login, *_ in world.ROLES] + [notes.get(name, "")]
        lines.append("| " + " | ".join(row) + " |")
    text = TABLE.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    TABLE.write_text(head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + rest.split(END, 1)[1], encoding="utf-8")
