"""The dashboard's Activity page: what happened in the studio, who did it, newest first."""

from django.http import Http404

from accounts.dashboard import dash_render, dashboard_view, paginate
from alera.selectors import EVENT_KINDS, event_list
from classes.models import ClassSession
from customers.models import Client


@dashboard_view
def activity(request):
    """Every recorded change of this studio, filterable by kind, class and customer.

    A class or customer filter naming another studio's record is a 404, like its page."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in EVENT_KINDS else ""
    class_id = request.GET.get("class", "").strip()[:32]
    client_id = request.GET.get("customer", "").strip()[:32]
    session = client = None
    if class_id:
        session = ClassSession.objects.filter(provider=request.provider, public_id=class_id).first()
        if session is None:
            raise Http404("No such class.")
    if client_id:
        client = Client.objects.filter(provider=request.provider, public_id=client_id).first()
        if client is None:
            raise Http404("No such customer.")
    rows = event_list(provider=request.provider, kind=kind, class_id=class_id, client_id=client_id)
    page = paginate(request, rows)
    return dash_render(
        request,
        "dashboard/activity.html",
        {
            "events": page,
            "page_obj": page,
            "kinds": EVENT_KINDS,
            "kind": kind,
            "session": session,
            "client": client,
        },
    )
