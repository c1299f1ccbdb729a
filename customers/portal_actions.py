"""Portal pages that act on one record: cancel a booking, leave a tip.

Cancelling and tipping go through the booking and payments services (the same ones the
API calls); this module only verifies the link, shows what will happen, and renders the
outcome. Errors those services raise (410 too late, 502 refund failed, 409 already tipped)
are shown on the page with their status code.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from alera.api.errors import ApiError
from classes.models import Appointment, Enrollment
from customers.portal_views import link_problem, portal_render
from customers.selectors import client_for_token
from customers.tokens import Purpose, TokenInvalid, token_read

TIP_MIN_CENTS = 100
TIP_MAX_CENTS = 100_000
CANCELLABLE = (Enrollment.Status.CONFIRMED, Enrollment.Status.PENDING_PAYMENT)


def _signed(purpose: Purpose, token: str):
    try:
        return token_read(purpose, token)
    except TokenInvalid as exc:
        hints = {"expired": True} if exc.expired else {}
        raise ApiError(401, str(exc), **hints) from exc


def _enrollments():
    return Enrollment.objects.select_related(
        "provider", "client", "class_session", "class_session__instructor"
    )


def _cancel_context(enrollment: Enrollment, **extra) -> dict:
    context = {
        "enrollment": enrollment,
        "session": enrollment.class_session,
        "provider": enrollment.provider,
        "client": enrollment.client,
        "cancellable": enrollment.status in CANCELLABLE
        and enrollment.class_session.scheduled_at > timezone.now(),
        **extra,
    }
    if context["cancellable"] and "result" not in extra:
        from classes.services.cancellation import enrollment_cancel_preview

        late, refund_cents = enrollment_cancel_preview(enrollment=enrollment)
        context.update(late_cancel=late, refund_cents=refund_cents)
    return context


def _cancel(request, enrollment: Enrollment):
    """Run the booking service's cancel; (result, error) for the page."""
    from classes.services.cancellation import enrollment_cancel

    reason = (request.POST.get("reason") or "").strip()[:500]
    if enrollment.status in CANCELLABLE and enrollment.class_session.scheduled_at <= timezone.now():
        return None, ApiError(410, "This class has already started and can't be cancelled.")
    try:
        return enrollment_cancel(enrollment=enrollment, reason=reason, by="customer"), None
    except ApiError as exc:
        return None, exc


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_by_link(request, token: str):
    """The signed cancel link from a booking email: confirm (GET), then cancel (POST)."""
    try:
        data = _signed(Purpose.CANCEL, token)
    except ApiError as exc:
        return link_problem(request, error=exc, token=token, purpose=Purpose.CANCEL)
    enrollment = (
        _enrollments()
        .filter(public_id=data.record_id, provider__public_id=data.provider_id)
        .first()
    )
    if enrollment is None:
        return link_problem(request, error=ApiError(404, "This booking no longer exists."))
    action = reverse("portal-cancel-link", args=[token])
    if request.method == "POST":
        result, error = _cancel(request, enrollment)
        enrollment.refresh_from_db()
        context = _cancel_context(enrollment, action=action, result=result, error=error)
        return portal_render(
            request, "customers/cancel.html", context, status=error.status_code if error else 200
        )
    return portal_render(
        request, "customers/cancel.html", _cancel_context(enrollment, action=action)
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_from_portal(request, token: str, enrollment_id: str):
    """Cancel one of the signed-in customer's bookings; back to the portal when done."""
    try:
        client = client_for_token(token=token)
    except ApiError as exc:
        return link_problem(request, error=exc, token=token)
    enrollment = _enrollments().filter(client=client, public_id=enrollment_id).first()
    if enrollment is None:
        return link_problem(request, error=ApiError(404, "No such booking on your account."))
    portal = reverse("portal-home", args=[token])
    action = reverse("portal-cancel", args=[token, enrollment_id])
    if request.method == "POST":
        result, error = _cancel(request, enrollment)
        if error is None:
            messages.success(request, _receipt_sentence(enrollment, result))
            return HttpResponseRedirect(portal)
        enrollment.refresh_from_db()
        context = _cancel_context(enrollment, action=action, back_url=portal, error=error)
        return portal_render(request, "customers/cancel.html", context, status=error.status_code)
    context = _cancel_context(enrollment, action=action, back_url=portal)
    return portal_render(request, "customers/cancel.html", context)


def _receipt_sentence(enrollment: Enrollment, result) -> str:
    name = enrollment.class_session.name_snapshot
    if result.refunded_cents:
        return f"{name} is cancelled. ${result.refunded_cents / 100:,.2f} is on its way back."
    if result.late_cancel:
        return f"{name} is cancelled. It was inside the cancellation window, so no refund."
    if enrollment.paid_with == Enrollment.PaidWith.PACK:
        return f"{name} is cancelled and the class credit is back in your pack."
    return f"{name} is cancelled."


def tip_presets(appointment: Appointment) -> list[int]:
    """Three suggestions: 15/20/25 % of the price (whole dollars), or $5/$10/$20."""
    if appointment.price_cents:
        raw = [appointment.price_cents * pct // 100 for pct in (15, 20, 25)]
        presets = [max(TIP_MIN_CENTS, round(c / 100) * 100) for c in raw]
    else:
        presets = [500, 1000, 2000]
    return sorted({min(TIP_MAX_CENTS, p) for p in presets})


def _tip_amount(post) -> int | None:
    """Cents from a preset button or a custom dollar amount; None when unusable."""
    raw = (post.get("custom") or "").strip().lstrip("$").replace(",", "")
    if raw:
        try:
            dollars = Decimal(raw[:20])
        except InvalidOperation:
            return None
        # Out-of-range amounts are refused before any arithmetic: `1e999999999` is a valid
        # Decimal whose cents overflow the decimal context (a 500), and `1e99999` one whose
        # int() has a hundred thousand digits.
        if not dollars.is_finite() or not 0 < dollars <= Decimal(TIP_MAX_CENTS) / 100:
            return None
        return int((dollars * 100).to_integral_value(rounding=ROUND_HALF_UP))
    try:
        return int((post.get("amount") or "")[:12])
    except ValueError:
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def tip_page(request, token: str):
    """Choose a tip for a completed visit, then go to the studio's Checkout for it."""
    from payments.services.tips import appointment_for_tip_token

    try:
        appointment = appointment_for_tip_token(token=token)
    except ApiError as exc:
        return link_problem(request, error=exc, token=token, purpose=Purpose.TIP)
    context = {
        "appointment": appointment,
        "provider": appointment.provider,
        "presets": tip_presets(appointment),
        "min_cents": TIP_MIN_CENTS,
        "max_cents": TIP_MAX_CENTS,
        "action": reverse("portal-tip", args=[token]),
        "just_paid": request.GET.get("paid") == "1",
    }
    if request.method != "POST":
        return portal_render(request, "customers/tip.html", context)
    amount = _tip_amount(request.POST)
    if amount is None or not TIP_MIN_CENTS <= amount <= TIP_MAX_CENTS:
        context["error"] = "Choose a tip between $1.00 and $1,000.00."
        return portal_render(request, "customers/tip.html", context, status=400)
    from payments.services.tips import tip_checkout_start

    try:
        payment = tip_checkout_start(appointment=appointment, amount_cents=amount, token=token)
    except ApiError as exc:
        context["error"] = exc.message
        return portal_render(request, "customers/tip.html", context, status=exc.status_code)
    return HttpResponseRedirect(payment.checkout_url)
