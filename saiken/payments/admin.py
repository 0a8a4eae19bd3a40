from django.contrib import admin
from django.core.exceptions import ValidationError
from django import forms

from saiken.audit.admin import AuditedAdmin
from saiken.audit.admin import ReadOnlyAdmin as _ReadOnly
from saiken.payments.models import AssessmentImport, DebitRun, DirectDebitMandate, ImportMapping, PaymentImport, Refund


class MappingForm(forms.ModelForm):
    class Meta:
        model = ImportMapping
        fields = "__all__"

    def clean_layout(self):
        from saiken.core.formats.layout import Layout

        value = self.cleaned_data["layout"]
        try:
            Layout.from_dict(value)
        except (ValueError, TypeError, KeyError) as e:
            raise ValidationError(f"レイアウトが不正です: {e}") from e
        return value


@admin.register(ImportMapping)
class ImportMappingAdmin(AuditedAdmin):
    form = MappingForm
    list_display = ["name", "label"]


class MandateForm(forms.ModelForm):
    class Meta:
        model = DirectDebitMandate
        fields = "__all__"

    def clean(self):
        from saiken.core.formats.banks import check_account
        from saiken.core.formats.kana import bank_kana

        data = super().clean()
        try:
            check_account(data.get("bank_code", ""), data.get("branch_code", ""))
        except ValueError as e:
            raise ValidationError({"branch_code": str(e)}) from e
        try:
            data["holder_kana"] = bank_kana(data.get("holder_kana", ""), 30)
        except ValueError as e:
            raise ValidationError({"holder_kana": str(e)}) from e
        if not (data.get("account_number", "").isdigit()):
            raise ValidationError({"account_number": "口座番号は数字で入力してください。"})
        return data


@admin.register(DirectDebitMandate)
class MandateAdmin(AuditedAdmin):
    """口座振替依頼: registered and changed here, each save audited with the fields before and
    after; never deleted — a cancelled mandate gets its 終了日 (valid_to)."""

    deletable = False
    form = MandateForm
    list_display = ["debtor", "receivable", "bank_code", "branch_code", "account_number", "valid_from", "valid_to"]
    list_filter = ["receivable"]
    raw_id_fields = ["debtor"]


@admin.register(PaymentImport)
class PaymentImportAdmin(_ReadOnly):
    list_display = ["imported_at", "format", "filename", "status", "records", "amount", "posted", "unmatched"]
    list_filter = ["format", "status"]


class ReadOnlyAdmin(_ReadOnly):
    """Records of money and files the system wrote: shown, never changed here. A change goes
    through an action with its audit row (a refund: 還付決定, 総合振込, 組戻し), and no field
    that names a generated file can be set by a user (the download resolves it only inside
    the document directory, saiken.documents.store)."""


@admin.register(DebitRun)
class DebitRunAdmin(ReadOnlyAdmin):
    list_display = ["debit_date", "items", "amount", "created_at"]


@admin.register(AssessmentImport)
class AssessmentImportAdmin(ReadOnlyAdmin):
    list_display = ["imported_at", "filename", "status", "records", "amount"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "instalment", "amount", "decided_on", "status"]
    list_filter = ["status"]
    exclude = ["transfer_file"]
