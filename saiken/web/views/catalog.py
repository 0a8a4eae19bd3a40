"""債権一覧: the receivable types and every setting of one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from saiken.catalog.admin import ReceivableTypeAdmin
from saiken.catalog.models import ReceivableType

# Titles for the admin's untitled fieldsets, in order of appearance.
UNTITLED_GROUPS = ("基本", "備考")


@login_required
def catalog(request):
    receivables = ReceivableType.objects.select_related("department").order_by("number")
    return render(request, "web/catalog.html", {"receivables": receivables})


def _setting(receivable: ReceivableType, name: str) -> dict:
    if name in ReceivableTypeAdmin.readonly_fields:
        # Shown, not stored (e.g. the sentences a 督促状 prints): the admin's own display.
        shown = getattr(ReceivableTypeAdmin, name)
        return {"name": name, "label": shown.short_description, "value": shown(None, receivable), "help": ""}
    field = ReceivableType._meta.get_field(name)
    value = getattr(receivable, name)
    if field.choices:
        value = getattr(receivable, f"get_{name}_display")()
    elif isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:,}"
    return {"name": name, "label": field.verbose_name, "value": value, "help": field.help_text}


def _groups(receivable: ReceivableType) -> list[dict]:
    """The settings grouped as the admin groups them, so the two never drift apart."""
    untitled = iter(UNTITLED_GROUPS)
    return [
        {"title": title or next(untitled, ""), "settings": [_setting(receivable, n) for n in options["fields"]]}
        for title, options in ReceivableTypeAdmin.fieldsets
    ]


@login_required
def receivable(request, code: str):
    r = get_object_or_404(ReceivableType.objects.select_related("department"), code=code)
    return render(request, "web/receivable.html", {"receivable": r, "groups": _groups(r)})
