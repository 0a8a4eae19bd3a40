"""The mandate form (口座振替依頼, in the admin) refuses a name the bank's character set does
not allow, so it never reaches a debit request file."""

from datetime import date

import pytest

from saiken.payments.admin import MandateForm

pytestmark = pytest.mark.django_db


def form(taro, city_tax, holder):
    return MandateForm(data={"debtor": taro.pk, "receivable": city_tax.pk, "bank_code": "0001", "branch_code": "001", "account_type": "1",
                             "account_number": "1234567", "holder_kana": holder, "valid_from": date(2026, 4, 1)})


@pytest.mark.parametrize("holder", ["ﾔﾏﾀﾞ/ﾀﾛｳ", "ﾔﾏﾀﾞ,ﾀﾛｳ", "ﾞﾔﾏﾀﾞ ﾀﾛｳ"])
def test_a_name_outside_the_banks_set_is_refused_at_the_form(taro, city_tax, holder):
    f = form(taro, city_tax, holder)
    assert not f.is_valid() and "holder_kana" in f.errors


def test_a_good_name_is_written_as_the_bank_takes_it(taro, city_tax):
    f = form(taro, city_tax, "ヤマダ タロウ")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["holder_kana"] == "ﾔﾏﾀﾞ ﾀﾛｳ"
