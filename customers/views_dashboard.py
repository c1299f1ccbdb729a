"""Dashboard pages for a studio's customers: list and search, and one customer's history."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.dashboard import dash_render, dashboard_view, paginate, tenant_get
from classes.models import Appointment, Enrollment
from customers.models import Client
from payments.selectors import client_refunds, refund_pending_annotation


@dashboard_view
def customers(request):
    query = request.GET.get("q", "").strip()[:120]
    rows = Client.objects.filter(provider=request.provider).annotate(bookings=_bookings_count())
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


def _count_of(queryset):
    """A correlated COUNT of the client's rows (0 when none), one subquery per list."""
    counted = queryset.filter(client=OuterRef("pk")).order_by().values("client")
    subquery = Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    return Coalesce(subquery, Value(0))


def _bookings_count():
    """Class seats and 1:1 visits the customer actually has or had: cancelled ones (and
    holds that were never paid, which end cancelled) don't count."""
    seats = Enrollment.objects.exclude(status=Enrollment.Status.CANCELLED)
    visits = Appointment.objects.exclude(status=Appointment.Status.CANCELLED)
    return _count_of(seats) + _count_of(visits)


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
    # Cards they bought, were given, or paid a visit with (a card handed over at the desk
    # names neither of their addresses).
    gift_cards = (
        request.provider.gift_cards.filter(
            Q(purchaser_email__iexact=client.email)
            | Q(recipient_email__iexact=client.email)
            | Q(redemptions__appointment__client=client)
        )
        .annotate(
            used_by_client=Count("redemptions", filter=Q(redemptions__appointment__client=client))
        )
        .order_by("-created_at", "-pk")
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
        },
    )
