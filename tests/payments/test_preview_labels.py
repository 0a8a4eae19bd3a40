"""The preview of a debit result names what each record is, in Japanese: 振替不能 with its
result (資金不足), the channel (口座振替) — never the internal codes."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from saiken.core.formats.zengin import make_debit_result
from saiken.payments.actions import export_debits
from tests.conftest import operator, staff
from tests.payments.test_debit_and_layouts import DUE, debits, files  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_preview_names_the_result_and_the_channel(client, debits, tmp_path, django_user_model):
    taro_i = debits["山田 太郎"]
    export_debits(debit_date=DUE, out=tmp_path / "request.dat", user=operator())
    result = make_debit_result((tmp_path / "request.dat").read_bytes(), {f"{taro_i.pk:020d}": "1"})
    client.force_login(staff(django_user_model.objects.create_user("hoiku"), "clerk", "hoiku"))
    html = client.post(reverse("payment_imports"), {"format": "zengin-debit-result", "file": SimpleUploadedFile("result.dat", result),
                                                    "debit_date": DUE.isoformat()}).content.decode()
    assert "振替不能・資金不足（結果コード 1）" in html and "口座振替" in html
    assert "failed_debit" not in html and "direct_debit" not in html
