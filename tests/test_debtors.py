from datetime import date

import pytest

from saiken.debtors.actions import register_debtor
from saiken.debtors.models import Debtor
from saiken.ledger.errors import LedgerError

pytestmark = pytest.mark.django_db


def test_register_person_normalises_name_and_reading():
    d = register_debtor(name="山田　太郎", name_kana="やまだ　たろう", birth_date=date(1970, 5, 1),
                        identifiers={"resident": "０００１２３４５６７"}, contacts=[("phone", "025-000-0000")])
    assert (d.name, d.name_kana) == ("山田 太郎", "ヤマダ タロウ")
    assert d.identifiers.get().value == "0001234567"
    assert d.contacts.get().value == "025-000-0000"


def test_corporation_needs_a_valid_corporate_number_and_no_birth_date():
    register_debtor(name="株式会社テスト", name_kana="テスト", kind="corporation", corporate_number="7000012050002")
    with pytest.raises(LedgerError, match="チェックデジット"):
        register_debtor(name="株式会社誤り", name_kana="アヤマリ", kind="corporation", corporate_number="8000012050002")
    with pytest.raises(LedgerError, match="生年月日"):
        register_debtor(name="株式会社誤り", name_kana="アヤマリ", kind="corporation", birth_date=date(2000, 1, 1))
    with pytest.raises(LedgerError, match="個人に法人番号"):
        register_debtor(name="誤り 太郎", name_kana="アヤマリ", corporate_number="7000012050002")
    assert Debtor.objects.count() == 1


def test_an_identifier_belongs_to_one_debtor_per_system():
    register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", identifiers={"resident": "1"})
    with pytest.raises(LedgerError, match="既に 山田 太郎"):
        register_debtor(name="山田 次郎", name_kana="ヤマダ ジロウ", identifiers={"resident": "1"})
    assert Debtor.objects.count() == 1  # the whole registration rolled back
    register_debtor(name="山田 次郎", name_kana="ヤマダ ジロウ", identifiers={"nhi": "1"})
