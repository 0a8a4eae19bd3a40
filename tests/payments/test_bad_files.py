"""Every malformed file of tests/data, fed to the real import: refused with its line,
field and reason, kept in the history as refused, and nothing else written.

The zengin files carry a debit date the importer cannot infer from a request it never
sent, so it is given; the ledger holds one open instalment so that a half-import
would show.
"""

from datetime import date
from pathlib import Path

import pytest

from saiken.ledger.actions import assess
from saiken.ledger.models import Entry, Payment
from saiken.payments.imports import ImportRefused, import_payments
from saiken.payments.models import PaymentImport, ReceivedPayment
from tests.conftest import operator

DATA = Path(__file__).parent.parent / "data"
FORMATS = {"conveni": "conveni", "elqr": "elqr", "zengin": "zengin-debit-result"}
BAD = sorted((folder, path) for folder in FORMATS for path in (DATA / folder / "bad").iterdir() if path.suffix != ".py")


@pytest.mark.django_db
@pytest.mark.parametrize("folder, path", BAD, ids=[f"{f}/{p.name}" for f, p in BAD])
def test_a_bad_file_changes_nothing(folder, path, taro, city_tax):
    assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 6, 30), amount=12_300, assessed_on=date(2026, 6, 1))
    entries = Entry.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_payments(path.read_bytes(), format=FORMATS[folder], filename=path.name, debit_date=date(2026, 11, 27), user=operator())
    assert refused.value.errors, "a refusal names what is wrong"
    for e in refused.value.errors:
        assert e.field and e.reason and e.line >= 0
    assert (ReceivedPayment.objects.count(), Payment.objects.count(), Entry.objects.count()) == (0, 0, entries)
    assert PaymentImport.objects.get().status == "rejected"


def test_the_corpus_covers_every_defect_the_issue_names():
    names = {p.stem for _, p in BAD}
    for defect in ("record_length", "trailer_count", "trailer_amount", "bad_check_digit", "unknown_bank", "amount_overflow", "wrong_encoding", "ebcdic_bytes",
                   "small_kana", "detached_mark", "account_type_5", "dummy_not_blank", "byte_0x80", "byte_0xA0", "byte_0xFD", "byte_0xFE", "byte_0xFF"):
        assert defect in names, defect
