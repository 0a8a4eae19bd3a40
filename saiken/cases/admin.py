from django.contrib import admin

from saiken.audit.admin import AuditedAdmin
from saiken.cases.models import PledgeRule


@admin.register(PledgeRule)
class PledgeRuleAdmin(AuditedAdmin):
    """Grace days per receivable: a city setting, edited as data."""

    list_display = ["receivable", "grace_days"]
