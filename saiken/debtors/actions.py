"""Registering debtors and the identifiers source systems know them by."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from saiken.core.names import is_valid_corporate_number, normalize_kana, normalize_name
from saiken.debtors.models import Contact, Debtor, DebtorIdentifier, DebtorKind, SourceSystem
from saiken.ledger.errors import LedgerError


@transaction.atomic
def register_debtor(
    *,
    name: str,
    name_kana: str,
    kind: str = DebtorKind.PERSON,
    birth_date: date | None = None,
    corporate_number: str = "",
    postal_code: str = "",
    address: str = "",
    identifiers: dict[str, str] | None = None,
    contacts: list[tuple[str, str]] | None = None,
) -> Debtor:
    """債務者の登録: names normalised (width, spaces, katakana reading), kind-specific checks."""
    name, name_kana = normalize_name(name), normalize_kana(name_kana)
    if not name:
        raise LedgerError("氏名・名称を入力してください。", "name")
    if not name_kana:
        raise LedgerError("フリガナを入力してください。", "name_kana")
    if kind == DebtorKind.CORPORATION:
        if birth_date is not None:
            raise LedgerError("法人に生年月日は登録できません。", "birth_date")
        if corporate_number and not is_valid_corporate_number(corporate_number):
            raise LedgerError(f"法人番号 {corporate_number} が正しくありません（13桁・チェックデジット）。", "corporate_number")
    elif corporate_number:
        raise LedgerError("個人に法人番号は登録できません。", "corporate_number")
    debtor = Debtor.objects.create(
        kind=kind, name=name, name_kana=name_kana, birth_date=birth_date, corporate_number=corporate_number,
        postal_code=postal_code, address=normalize_name(address),
    )
    for system, value in (identifiers or {}).items():
        add_identifier(debtor, system, value)
    for contact_kind, value in contacts or ():
        Contact.objects.create(debtor=debtor, kind=contact_kind, value=value)
    return debtor


@transaction.atomic
def add_identifier(debtor: Debtor, system: str, value: str) -> DebtorIdentifier:
    if system not in SourceSystem.values:
        raise LedgerError(f"番号の種類 {system!r} は登録されていません。", "system")
    value = normalize_name(value)
    try:
        with transaction.atomic():
            return DebtorIdentifier.objects.create(debtor=debtor, system=system, value=value)
    except IntegrityError as e:
        other = DebtorIdentifier.objects.get(system=system, value=value).debtor
        raise LedgerError(f"{SourceSystem(system).label} {value} は既に {other} に登録されています。", "value") from e
