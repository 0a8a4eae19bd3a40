"""Debtors in the admin: a correction (an address, a reading, an identifier) is saved with
its audit row, each changed field before and after (saiken.audit.changes). A debtor is
never deleted here: the ledger refers to them, and a wrong record is unlinked (名寄せ)."""

from django.contrib import admin

from saiken.audit.admin import AuditedAdmin
from saiken.debtors.models import Contact, Debtor, DebtorIdentifier


class IdentifierInline(admin.TabularInline):
    model = DebtorIdentifier
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Debtor)
class DebtorAdmin(AuditedAdmin):
    deletable = False
    list_display = ("id", "name", "name_kana", "kind", "birth_date", "address")
    search_fields = ("name", "name_kana", "identifiers__value")
    inlines = [IdentifierInline, ContactInline]
