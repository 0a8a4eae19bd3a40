"""Every page a logged-in user is shown is in the audit log.

A view that records its own act (debtor.view, demand.download, case.contact, …) leaves
that row; any other page answered to a logged-in user (a list of notices, a relief
decision, the pledge form) leaves one `page.view` row with the path and the URL's
arguments, so that "who saw this person's data" has an answer for every screen, not only
for the ones written with it in mind.
"""

from __future__ import annotations

from saiken import audit


class PageViewAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.recorded.set(0)
        try:
            response = self.get_response(request)
            if response.status_code == 200 and audit.recorded.get() == 0 and getattr(request, "user", None) is not None \
                    and request.user.is_authenticated:
                self._record(request)
            return response
        finally:
            audit.recorded.reset(token)

    @staticmethod
    def _record(request) -> None:
        match = request.resolver_match
        kwargs = {k: v for k, v in (match.kwargs.items() if match else ()) if isinstance(v, (int, str))}
        debtor_id = kwargs.get("debtor_id")
        if debtor_id is None and match is not None and match.url_name in ("debtor", "matching_person"):
            debtor_id = kwargs.get("pk")
        audit.record(
            user=request.user, action="page.view", debtor_id=debtor_id if isinstance(debtor_id, int) else None,
            summary=f"{request.method} {request.path}"[:300],
            detail={"url": match.view_name if match else "", "args": kwargs, "query": request.META.get("QUERY_STRING", "")[:500]},
        )
