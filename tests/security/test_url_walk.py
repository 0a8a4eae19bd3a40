"""Every URL, as every role: the answers of docs/access.md (see tests/security/walk.py).

With SAIKEN_WRITE_ACCESS_TABLE=1 the walk rewrites the table from what it saw instead of
comparing: for a deliberate change of the rules, reviewed in the diff before it is kept.
"""

import os

import pytest

from tests.security import walk, world

pytestmark = pytest.mark.django_db


def test_every_url_of_the_project_has_a_row():
    expected, _ = walk.read_table()
    rows = {name for name, _ in expected}
    names = [name for name, *_ in walk.url_names() + walk.admin_names()]
    assert all(names), "every URL pattern has a name, so that the table can name it"
    assert sorted(set(names) - rows) == [], "URLs without a rule in docs/access.md"
    assert sorted(rows - set(names)) == [], "rows of docs/access.md for URLs that no longer exist"


def test_every_role_gets_what_the_table_says(client, settings, tmp_path, monkeypatch):
    from saiken.web.views import case_work, demands

    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    # PDFs are made in the background: the walk is about who may start it, not the PDF.
    monkeypatch.setattr(demands, "in_background", lambda work, name: None)
    monkeypatch.setattr(case_work, "in_background", lambda work, name: None)
    w = world.build()
    names = walk.url_names() + walk.admin_names()
    unaudited = []
    seen = walk.walk(client, w, names, unaudited)
    expected, notes = walk.read_table()
    if os.environ.get("SAIKEN_WRITE_ACCESS_TABLE") == "1":
        walk.write_table(seen, names, notes)
        pytest.skip("docs/access.md rewritten from the walk: review the difference")
    wrong = [f"{name} as {login}: expected {expected.get((name, login))}, got {got}"
             for (name, login), got in seen.items() if expected.get((name, login)) != got]
    assert wrong == [], "\n".join(wrong)
    assert unaudited == [], "pages that show a person without an audit row:\n" + "\n".join(unaudited)
