from django.contrib import admin
from django.core.exceptions import ValidationError
from django import forms

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
class ImportMappingAdmin(admin.ModelAdmin):
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
class MandateAdmin(admin.ModelAdmin):
    form = MandateForm
    list_display = ["debtor", "receivable", "bank_code", "branch_code", "account_number", "valid_from", "valid_to"]
    list_filter = ["receivable"]
    raw_id_fields = ["debtor"]


@admin.register(PaymentImport)
class PaymentImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "format", "filename", "status", "records", "amount", "posted", "unmatched"]
    list_filter = ["format", "status"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of money and files the system wrote: shown, never changed here. A change goes
    through an action with its audit row (a refund: 還付決定, 総合振込, 組戻し), and no field
    that names a generated file can be set by a user (the download resolves it only inside
    the document directory, saiken.documents.store)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
