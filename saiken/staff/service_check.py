"""行政サービス利用制限の照会: before granting a service (a subsidy, a lease, a permit), a
department asks whether the applicant has unpaid city debts, and gets one word back.

Who asks:
- another system of the city, by the API, as a `ServiceClient` with its own bearer token
  (kept only as a hash) and the list of services it may ask about;
- or a clerk or manager of the department that grants the service, on the screen
  (`policy.Act.SERVICE_CHECK`; administrators: every service). Committee members,
  auditors and the central collection team are refused: they grant no service.

What they must bring: the applicant's consent as a record — who consented (the identity
as the city knows it: identifier, name, birth date), to what (the service), when, and
the consent document's number (同意書番号). Tax information leaves the tax department
only with the person's consent or a legal basis (地方税法22条); a check without a
complete, current consent is refused (`saiken.core.service_check.consent_refusal`).

What they get: "clear" (滞納なし) or "refer" (確認が必要: ask the collection department),
never an amount or a receivable; an identity that matches no record answers as one
without debts (`saiken.core.service_check.answer`), and both run the same queries, so
identifiers cannot be probed. Every call — answered or refused, with or without a valid
token — leaves an audit row; each client (and each clerk) may ask at most
`SAIKEN_SERVICE_CHECK_PER_MINUTE` times a minute, counted from the rows of the last
minute, so the limit holds across processes.

Delinquent means: any instalment of any of the city's receivables, of the applicant or
of a record linked to them by 名寄せ, whose due date has passed and whose principal is
still unpaid, excluding debts under a granted 猶予 (`SAIKEN_SERVICE_CHECK_GRACE_DAYS`
lets a due date pass by some days before it counts; default 0).
"""

from __future__ import annotations

import hashlib
import json
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from saiken import audit
from saiken.audit.models import AuditEvent
from saiken.core import service_check as rules
from saiken.core.relief import DEFERMENTS
from saiken.debtors.models import DebtorIdentifier, DebtorLink, SourceSystem
from saiken.ledger.models import Instalment
from saiken.relief.models import ReliefDecisionLine, Status
from saiken.staff import access, policy
from saiken.staff.models import Role, Service, ServiceCheck, ServiceClient, ServiceConsent

CALL = "service_check.call"
REFUSED = "service_check.refused"
THROTTLED = "service_check.throttled"


class CheckRefused(Exception):
    """A check not answered: `status` is the HTTP status the API answers (400 incomplete
    or stale consent, 401 no valid token, 403 service not allowed, 429 too many calls)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------------------
# Client systems and their tokens
# ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_DUMMY_HASH = _hash("no client has this token")


def authenticate(token: str) -> ServiceClient | None:
    """The active client whose token this is, or None. The token is `<prefix>.<secret>`:
    the prefix finds the client, the hashes are compared in constant time (and compared
    against a dummy when no client has the prefix, so both take the same work)."""
    prefix, _, secret = token.strip().partition(".")
    client = ServiceClient.objects.filter(token_prefix=prefix, active=True).first() if prefix and secret else None
    ok = hmac.compare_digest(_hash(token.strip()), client.token_hash if client is not None else _DUMMY_HASH)
    return client if ok and client is not None else None


def _require_admin(user) -> None:
    if access.role(user) != Role.ADMIN:
        raise policy.Refused("照会元システムの登録・失効は、システム管理者だけが行えます。")


@transaction.atomic
def add_client(*, name: str, services: Iterable[str], user, department: str = "") -> tuple[ServiceClient, str]:
    """Register a client system and return it with its token — the only time the token
    is seen: only its hash is kept. The client's department is the one that grants the
    services (`department` names it when they belong to several)."""
    _require_admin(user)
    codes = [c.strip() for c in services if c.strip()]
    found = list(Service.objects.filter(code__in=codes, active=True).select_related("department"))
    missing = sorted(set(codes) - {s.code for s in found})
    if not codes or missing:
        raise ValueError(f"行政サービスが見つかりません: {', '.join(missing) or '（指定なし）'}")
    if ServiceClient.objects.filter(name=name).exists():
        raise ValueError(f"照会元システム {name} は登録済みです。")
    departments = {s.department for s in found}
    if department:
        dep = next((d for d in departments if d.code == department), None)
        if dep is None:
            raise ValueError(f"所管課 {department} はこれらの行政サービスを所管していません。")
    elif len(departments) == 1:
        dep = departments.pop()
    else:
        raise ValueError("行政サービスの所管課が複数あります。--department で照会元の所管課を指定してください。")
    prefix = secrets.token_hex(6)
    token = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = ServiceClient.objects.create(name=name, department=dep, token_prefix=prefix, token_hash=_hash(token))
    client.services.set(found)
    audit.record(user=user, action="service_client.add", target=client,
                 summary=f"照会元システムの登録: {name}（{dep.name}; {', '.join(sorted(codes))}）",
                 detail={"services": sorted(codes), "department": dep.code})
    return client, token


@transaction.atomic
def revoke_client(*, name: str, user) -> ServiceClient:
    """Revoke a client's token: its calls are refused from now on (401)."""
    _require_admin(user)
    client = ServiceClient.objects.select_for_update().filter(name=name).first()
    if client is None:
        raise ValueError(f"照会元システム {name} が見つかりません。")
    client.active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["active", "revoked_at"])
    audit.record(user=user, action="service_client.revoke", target=client, summary=f"照会元システムの失効: {name}")
    return client


# ---------------------------------------------------------------------------
# One check
# ---------------------------------------------------------------------------

FIELDS = {
    "service": "行政サービス",
    "system": "識別番号の種類",
    "identifier": "識別番号",
    "name": "氏名",
    "birth_date": "生年月日",
    "document_number": "同意書番号",
    "consented_on": "同意日",
}


@dataclass(frozen=True)
class CheckRequest:
    """What the caller sends, as text (the action validates it, so that a refusal of
    an incomplete request is audited like any other)."""

    service: str = ""
    system: str = SourceSystem.RESIDENT
    identifier: str = ""
    name: str = ""
    birth_date: str = ""
    document_number: str = ""
    consented_on: str = ""
    error: str = ""  # the body could not be read (not JSON, not an object)

    @classmethod
    def from_data(cls, data: Mapping) -> CheckRequest:
        """From a form (flat) or JSON ({"service", "applicant": {...}, "consent": {...}})."""

        def text(source, key, default=""):
            value = source.get(key, default) if isinstance(source, Mapping) else default
            return str(value).strip() if value is not None else ""

        applicant = data.get("applicant", data)
        consent = data.get("consent", data)
        return cls(
            service=text(data, "service"),
            system=text(applicant, "system", SourceSystem.RESIDENT) or SourceSystem.RESIDENT,
            identifier=text(applicant, "identifier"),
            name=text(applicant, "name"),
            birth_date=text(applicant, "birth_date"),
            document_number=text(consent, "document_number"),
            consented_on=text(consent, "consented_on"),
        )


    @classmethod
    def from_body(cls, body: bytes) -> CheckRequest:
        """From an API call's JSON body."""
        try:
            data = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return cls(error="JSONの形式が正しくありません。")
        if not isinstance(data, dict):
            return cls(error="JSONのオブジェクト（{...}）で送ってください。")
        return cls.from_data(data)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _consent_refusal(req: CheckRequest, service: Service, today: date) -> str | None:
    missing = [label for key, label in FIELDS.items() if not getattr(req, key)]
    if missing:
        return f"本人の同意の記録が不足しています（{'、'.join(missing)}）。同意のない照会には回答できません（地方税法22条）。"
    if req.system not in SourceSystem.values:
        return f"識別番号の種類「{req.system}」は使えません。"
    bad = [FIELDS[k] for k in ("birth_date", "consented_on") if _date(getattr(req, k)) is None]
    if bad:
        return f"{'、'.join(bad)}は YYYY-MM-DD の形式で入力してください。"
    if len(req.identifier) > 40 or len(req.name) > 200 or len(req.document_number) > 100:
        return "識別番号・氏名・同意書番号が長すぎます。"
    valid_days = getattr(settings, "SAIKEN_SERVICE_CONSENT_VALID_DAYS", 90)
    message = rules.consent_refusal(consented_on=_date(req.consented_on), today=today, valid_days=valid_days)
    if message is None:
        # One consent document is one applicant's: a number already used for another
        # applicant of this service is not a consent for this one.
        given = (req.system, req.identifier, req.name, _date(req.birth_date))
        used = ServiceConsent.objects.filter(service=service, document_number=req.document_number).values_list(
            "system", "identifier", "name", "birth_date")
        if any(not rules.same_applicant(given, tuple(u)) for u in used[:20]):
            message = f"同意書番号「{req.document_number}」は、別の申請者の同意書として照会に使われています。同意書番号を確認してください。"
    return message


def _service_refusal(service: Service | None, client: ServiceClient | None, user) -> str | None:
    """Why this caller may not ask about this service (a service that does not exist
    answers as one not allowed)."""
    not_allowed = "この行政サービスについて照会する権限がありません。"
    if service is None or not service.active:
        return not_allowed
    if client is not None:
        return None if client.services.filter(pk=service.pk).exists() else not_allowed
    message = policy.refusal(user, policy.Act.SERVICE_CHECK)
    if message is not None:
        return message
    if access.role(user) != Role.ADMIN and access.department_id(user) != service.department_id:
        return f"{service.name}の照会は、所管課（{service.department.name}）の職員だけが行えます。"
    return None


def services_for(user) -> list[Service]:
    """The services a user may ask about on the screen (none: the screen is refused)."""
    if not policy.may(user, policy.Act.SERVICE_CHECK):
        return []
    services = Service.objects.filter(active=True).select_related("department")
    if access.role(user) != Role.ADMIN:
        services = services.filter(department_id=access.department_id(user))
    return list(services)


def calls_last_minute(*, client: ServiceClient | None = None, user=None) -> int:
    """The calls a client (or a clerk) made in the last minute, answered or refused —
    not those refused for being over the limit, so a client that slows down is served again."""
    since = timezone.now() - timedelta(minutes=1)
    if client is not None:
        answered = ServiceCheck.objects.filter(client=client, asked_at__gte=since).count()
        refused = AuditEvent.objects.filter(
            action=REFUSED, target_type=ServiceClient._meta.label_lower, target_id=client.pk, at__gte=since).count()
    else:
        answered = ServiceCheck.objects.filter(asked_by=user, asked_at__gte=since).count()
        refused = AuditEvent.objects.filter(action=REFUSED, user=user, at__gte=since).count()
    return answered + refused


def is_delinquent(debtor_ids: Iterable[int], as_of: date) -> bool:
    """Whether any of these records has an instalment overdue on `as_of` (see the module)."""
    grace = getattr(settings, "SAIKEN_SERVICE_CHECK_GRACE_DAYS", 0)
    deferred = ReliefDecisionLine.objects.filter(
        decision__status=Status.APPROVED, decision__kind__in=sorted(DEFERMENTS), decision__start_on__lte=as_of, decision__end_on__gte=as_of,
    ).values("instalment_id")
    return (
        Instalment.objects.filter(debtor_id__in=list(debtor_ids), principal_due__gt=0, due_date__lt=as_of - timedelta(days=grace))
        .exclude(id__in=deferred)
        .exists()
    )


def _records_of(debtor_id: int) -> list[int]:
    """The record and those linked to it as one person (名寄せ). For no record (id 0) the
    same queries run and find nothing."""
    person = DebtorLink.objects.filter(debtor_id=debtor_id).values_list("person_id", flat=True).first()
    linked = list(DebtorLink.objects.filter(person_id=person if person is not None else 0).values_list("debtor_id", flat=True))
    return sorted({debtor_id, *linked})


def _answer(req: CheckRequest, service: Service, today: date, client: ServiceClient | None, user, remote_addr: str) -> ServiceCheck:
    birth_date, consented_on = _date(req.birth_date), _date(req.consented_on)
    ident = DebtorIdentifier.objects.filter(system=req.system, value=req.identifier).select_related("debtor").first()
    debtor = ident.debtor if ident is not None else None
    matched = rules.identity_matches(
        given_name=req.name, given_birth_date=birth_date, name=debtor.name if debtor else "",
        name_kana=debtor.name_kana if debtor else "", birth_date=debtor.birth_date if debtor else None)
    # The same queries whether or not the identity matched: the answer's time tells nothing.
    delinquent = is_delinquent(_records_of(debtor.pk if matched else 0), today) and matched
    result = rules.answer(matched=matched, delinquent=delinquent,
                          unmatched_answer=getattr(settings, "SAIKEN_SERVICE_CHECK_UNMATCHED_ANSWER", rules.CLEAR))
    consent = ServiceConsent.objects.create(
        service=service, system=req.system, identifier=req.identifier, name=req.name, birth_date=birth_date,
        document_number=req.document_number, consented_on=consented_on)
    check = ServiceCheck.objects.create(
        client=client, asked_by=user if client is None else None, service=service, service_name=service.name, consent=consent,
        debtor=debtor if matched else None, delinquent=delinquent, result=result, as_of=today)
    caller = client.name if client is not None else user.get_username()
    audit.record(
        user=user if client is None else None, action=CALL, target=check, debtor_id=debtor.pk if matched else None,
        summary=f"行政サービス利用制限の照会（{service.name}、{caller}、同意書 {req.document_number}）: {check.get_result_display()}",
        detail={"client": client.name if client is not None else "", "service": service.code, "matched": matched,
                "result": result, "document_number": req.document_number, "remote_addr": remote_addr},
    )
    return check


def check(*, request: CheckRequest, today: date, client: ServiceClient | None = None, user=None, remote_addr: str = "") -> ServiceCheck:
    """Answer one check by a client system (`client`) or a clerk (`user`), and record it;
    or record the refusal and raise `CheckRefused`."""
    if client is None and not getattr(user, "is_authenticated", False):
        raise CheckRefused(401, "ログインしている職員、または登録された照会元システムだけが照会できます。")
    limit = getattr(settings, "SAIKEN_SERVICE_CHECK_PER_MINUTE", 60)
    with transaction.atomic():
        # Race: two calls of one caller in two processes both counting under the limit;
        # the caller's row is locked while it counts and writes (PostgreSQL; SQLite
        # writes one transaction at a time).
        if client is not None:
            ServiceClient.objects.select_for_update().filter(pk=client.pk).first()
        else:
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if calls_last_minute(client=client, user=user) >= limit:
            status, action = 429, THROTTLED
            message = f"照会の回数が上限（1分間に{limit}件）を超えました。しばらく待ってから照会してください。"
        elif request.error:
            status, action, message = 400, REFUSED, request.error
        else:
            service = Service.objects.filter(code=request.service[:50]).select_related("department").first()
            message = _service_refusal(service, client, user)
            status, action = 403, REFUSED
            if message is None:
                message = _consent_refusal(request, service, today)
                status = 400
            if message is None:
                return _answer(request, service, today, client, user, remote_addr)
        audit.record(
            user=user if client is None else None, action=action, target=client,
            summary=f"拒否: {message}"[:300],
            detail={"status": status, "reason": message, "client": client.name if client is not None else "",
                    "service": request.service[:50], "document_number": request.document_number[:100], "remote_addr": remote_addr},
        )
    raise CheckRefused(status, message)


def refuse_unauthenticated(*, token_given: bool, token: str = "", remote_addr: str = "") -> None:
    """Record a call without a valid token (no token, a wrong one, a revoked client's),
    and raise `CheckRefused` 401. The prefix of the token is kept, never the secret."""
    message = "照会元システムのトークンが正しくありません。" if token_given else "照会元システムのトークン（Authorization: Bearer）がありません。"
    with transaction.atomic():
        audit.record(user=None, action=REFUSED, summary=f"拒否: {message}",
                     detail={"status": 401, "reason": message, "token_prefix": token.partition(".")[0][:16], "remote_addr": remote_addr})
    raise CheckRefused(401, message)
