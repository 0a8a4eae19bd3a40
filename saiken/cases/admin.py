from django.contrib import admin

from saiken.cases.models import PledgeRule


@admin.register(PledgeRule)
class PledgeRuleAdmin(admin.ModelAdmin):
    """Grace days per receivable: a city setting, edited as data."""

    list_display = ["receivable", "grace_days"]
