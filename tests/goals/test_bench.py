"""`saiken bench dashboard --worker` on the small city: it logs in, opens the dashboard and
reports what the lead reads (timings are the bench's business, not asserted here)."""

import pytest

from saiken.goals.bench import measure_dashboard

pytestmark = pytest.mark.django_db


def test_the_worker_opens_the_dashboard_and_proves_its_summaries(city):
    result = measure_dashboard(check=True)
    pages = result["dashboard"]
    assert {"default", "closed_year"} <= set(pages)
    for page in pages.values():
        assert page["status"] == 200 and page["bytes"] > 10_000 and page["queries"] > 0
        assert len(page["runs_seconds"]) == 5 and page["first_seconds"] > 0
    assert pages["closed_year"]["year"] == 2024
    assert result["summary_differences"] == 0
    assert set(result["requirements"]) == {"dashboard_under_1s", "first_request_under_1s", "summaries_exact"}
    assert result["requirements"]["summaries_exact"] is True
