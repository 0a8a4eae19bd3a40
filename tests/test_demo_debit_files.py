"""The demo city's direct-debit round trip kept in tests/data/demo-debits (the README
replays it): the request `export-debits` writes for 2027-02-01 on the demo city
`demo-city --scale S --seed 1 --as-of 2026-12-07`, and the bank's answer. Read strictly,
the answer repeats every line of the request and fails 21 of 692 debits."""

from collections import Counter
from datetime import date
from pathlib import Path

from django.conf import settings

from saiken.core.formats.zengin import RequestedDebit, check_debit_result, read_debit_result

DEMO = Path(__file__).parent / "data" / "demo-debits"
ON = date(2027, 2, 1)


def test_the_demo_result_answers_the_demo_request():
    request = read_debit_result((DEMO / "request-2027-02-01.dat").read_bytes(), debit_date=ON, allow_request=True)
    result = read_debit_result((DEMO / "result-2027-02-01.dat").read_bytes(), debit_date=ON)
    assert (len(request.records), sum(r.amount for r in request.records)) == (692, 17_877_000)
    assert check_debit_result(result, consignor_code=settings.SAIKEN_BANK_CONSIGNOR_CODE, requests=[tuple(RequestedDebit.from_record(r) for r in request.records)]) == []
    codes = Counter(r.result_code for r in result.records if r.result_code != "0")
    assert sum(codes.values()) == 21 and codes["1"] == 13  # 資金不足 the most common failure
