"""The roster of one session: bookings and their actions, and the waitlist with Promote."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dashboard import dash_render, dashboard_view, tenant_get
from alera.api.errors import ApiError
from classes.forms import CancelBookingForm
from classes.models import ClassSession, Enrollment, WaitlistEntry
from classes.selectors import seat_counts
from classes.services.cancellation import enrollment_cancel, enrollment_cancel_preview
from classes.services.roster import (
    enrollment_check_in,
    enrollment_complete,
    enrollment_mark_no_show,
)
from classes.services.waitlist import waitlist_promote
from payments.selectors import refund_pending_annotation

ROSTER_ACTIONS = {
    "check-in": (enrollment_check_in, "{name} checked in."),
    "no-show": (enrollment_mark_no_show, "{name} marked as a no-show."),
    "complete": (enrollment_complete, "{name} marked as attended."),
}


@dashboard_view
def session_detail(request, public_id: str):
    """The roster: who is booked (status, paid amount, how paid) and who is waiting, in order."""
    session = tenant_get(
        seat_counts(
            ClassSession.objects.select_related("instructor", "service"), now=timezone.now()
        ).prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.select_related("client", "client_package__package_type")
                .annotate(refund_pending=refund_pending_annotation())
                .exclude(
                    status=Enrollment.Status.PENDING_PAYMENT, hold_expires_at__lte=timezone.now()
                )
                .order_by("booked_at"),
            ),
            Prefetch(
                "waitlist_entries",
                queryset=WaitlistEntry.objects.filter(
                    promoted_at__isnull=True, cancelled_at__isnull=True
                )
                .select_related("client")
                .order_by("position", "created_at"),
                to_attr="waiting",
            ),
        ),
        request,
        public_id,
    )
    open_seat_banner = (
        session.status == ClassSession.Status.SCHEDULED
        and session.seats_left > 0
        and bool(session.waiting)
    )
    return dash_render(
        request,
        "dashboard/roster.html",
        {
            "session": session,
            "enrollments": session.enrollments.all(),
            "waiting": session.waiting,
            "open_seat_banner": open_seat_banner,
            "is_upcoming": session.scheduled_at > timezone.now(),
        },
    )


@dashboard_view
@require_POST
def enrollment_action(request, public_id: str, action: str):
    enrollment = tenant_get(Enrollment.objects.select_related("client"), request, public_id)
    service, done = ROSTER_ACTIONS.get(action, (None, ""))
    if service is None:
        return redirect("dash-session", public_id=enrollment.class_session.public_id)
    try:
        service(enrollment=enrollment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(name=enrollment.client.name))
    return redirect("dash-session", public_id=enrollment.class_session.public_id)


@dashboard_view
@require_http_methods(["GET", "POST"])
def enrollment_cancel_view(request, public_id: str):
    """Cancel on the customer's behalf; the owner chooses whether to refund when there is
    something to give back (a card payment or a pack credit), and a free booking, or a hold
    nobody has paid for, is simply cancelled."""
    enrollment = tenant_get(
        Enrollment.objects.select_related("client", "class_session__service"), request, public_id
    )
    session = enrollment.class_session
    back = f"/dashboard/sessions/{session.public_id}/"
    late, _ = enrollment_cancel_preview(enrollment=enrollment)
    paid = enrollment.amount_paid_cents
    by_card = enrollment.paid_with == Enrollment.PaidWith.CARD and paid > 0
    by_pack = enrollment.paid_with == Enrollment.PaidWith.PACK
    form = CancelBookingForm(
        request.POST if request.method == "POST" else None,
        initial={"refund": "no" if late else "yes"},
        with_refund=by_card or by_pack,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = enrollment_cancel(
                enrollment=enrollment,
                reason=form.cleaned_data["reason"],
                by="owner",
                refund=form.cleaned_data.get("refund", False),
            )
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            refunded = (
                f" Refunded ${result.refunded_cents / 100:,.2f}." if result.refunded_cents else ""
            )
            messages.success(request, f"Booking of {enrollment.client.name} cancelled.{refunded}")
            return redirect(back)
    window = session.service.cancel_window_hours
    policy = (
        f"It is less than {window} hours before class: the policy gives no refund."
        if late
        else f"It is more than {window} hours before class: the policy is a full refund."
    )
    if by_card:
        detail = f"They paid ${paid / 100:,.2f} by card. {policy}"
    elif by_pack:
        detail = f"They used a pack credit; a refund returns the credit. {policy}"
    elif enrollment.status == Enrollment.Status.PENDING_PAYMENT:
        detail = "They haven't paid yet: their held seat is released and nothing is charged."
    else:
        detail = "It was a free booking: there is nothing to refund."
    return dash_render(
        request,
        "dashboard/confirm.html",
        {
            "title": "Cancel a booking",
            "question": f"Cancel {enrollment.client.name}'s booking for {session.name_snapshot}?",
            "detail": detail,
            "form": form,
            "submit": "Cancel booking",
            "back": back,
        },
    )


@dashboard_view
@require_POST
def waitlist_promote_view(request, public_id: str):
    entry = tenant_get(
        WaitlistEntry.objects.select_related("client", "class_session"), request, public_id
    )
    try:
        enrollment = waitlist_promote(entry=entry)
    except ApiError as exc:
        messages.error(request, exc.message)
    else:
        if enrollment.status == Enrollment.Status.CONFIRMED:
            messages.success(request, f"{entry.client.name} promoted and booked.")
        else:
            messages.success(
                request, f"{entry.client.name} promoted: a seat is held and a payment link emailed."
            )
    return redirect("dash-session", public_id=entry.class_session.public_id)
