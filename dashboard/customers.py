"""Dashboard pages for a studio's customers: list and search, and one customer's history."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.dashboard import dash_render, dashboard_view, history_context, paginate, tenant_get
from customers.models import Client
from payments.selectors import client_refunds, refund_pending_annotation


@dashboard_view
def customers(request):
    query = request.GET.get("q", "").strip()[:120]
    rows = Client.objects.filter(provider=request.provider).annotate(
        bookings=Count("enrollments", distinct=True)
    )
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        match = Q(name__icontains=query) | Q(email__icontains=query)
        if len(digits) >= 3:
            match |= Q(phone__contains=digits)
        rows = rows.filter(match)
    page = paginate(request, rows.order_by("name", "pk"))
    return dash_render(
        request,
        "dashboard/customers.html",
        {"clients": page, "page_obj": page, "query": query},
    )


@dashboard_view
def customer_detail(request, public_id: str):
    client = tenant_get(Client, request, public_id)
    enrollments = (
        client.enrollments.select_related("class_session")
        .annotate(refund_pending=refund_pending_annotation())
        .order_by("-class_session__scheduled_at")
    )
    # Refunds Alera owes or made this customer (a late payment, a second tip, a cancel).
    refunds = client_refunds(client)
    packages = client.packages.select_related("package_type")
    gift_cards = request.provider.gift_cards.filter(
        Q(purchaser_email__iexact=client.email) | Q(recipient_email__iexact=client.email)
    )
    appointments = client.appointments.select_related("service").order_by("-starts_at")
    return dash_render(
        request,
        "dashboard/customer.html",
        {
            "client": client,
            "enrollments": enrollments,
            "packages": packages,
            "gift_cards": gift_cards,
            "appointments": appointments,
            "refunds": refunds,
            "now": timezone.now(),
            **history_context(request, client_id=client.public_id),
        },
    )
