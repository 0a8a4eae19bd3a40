from django.contrib import admin

from saiken.debtors.models import Contact, Debtor, DebtorIdentifier


class IdentifierInline(admin.TabularInline):
    model = DebtorIdentifier
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "name_kana", "kind", "birth_date", "address")
    search_fields = ("name", "name_kana", "identifiers__value")
    inlines = [IdentifierInline, ContactInline]
