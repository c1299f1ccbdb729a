"""Stripe webhook intake and the dev gateway's local checkout and onboarding pages."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Provider
from alera.ids import random_suffix
from payments.models import Payment
from payments.services.checkout import payment_mark_expired, payment_mark_paid
from payments.services.events import (
    BadSignature,
    provider_stripe_status_set,
    stripe_event_record,
    stripe_event_verify,
)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verify, store, acknowledge. The effect is applied by a worker."""
    try:
        event = stripe_event_verify(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except BadSignature as exc:
        return JsonResponse({"error": f"Bad signature: {exc}"}, status=400)
    record = stripe_event_record(event=event)
    return JsonResponse({"ok": True, "duplicate": record is None})


def _dev_only() -> None:
    if settings.PAYMENT_GATEWAY != "dev":
        raise Http404("The dev gateway is off.")


@require_http_methods(["GET", "POST"])
def dev_checkout(request, session_id: str):
    """A stand-in for Stripe Checkout: Pay and Cancel run the real completion services."""
    _dev_only()
    payment = get_object_or_404(
        Payment.objects.select_related("provider"), checkout_session_id=session_id
    )
    if request.method == "POST":
        if request.POST.get("action") == "pay":
            payment_mark_paid(
                public_id=payment.public_id, payment_intent_id=f"pi_dev_{random_suffix(20)}"
            )
            return HttpResponseRedirect(_success_url(payment))
        if request.POST.get("action") == "expire":
            payment_mark_expired(public_id=payment.public_id)
            return HttpResponseRedirect(payment.cancel_url or "/")
    # The studio's zone, as on every page the customer sees around this one.
    with timezone.override(payment.provider.tz):
        return render(request, "payments/dev_checkout.html", {"payment": payment})


def _success_url(payment: Payment) -> str:
    """Where Stripe would send the customer: it fills the `{CHECKOUT_SESSION_ID}` template."""
    url = payment.success_url or "/"
    return url.replace("{CHECKOUT_SESSION_ID}", payment.checkout_session_id)


@require_http_methods(["GET", "POST"])
def dev_connect(request, provider_id: str):
    """A stand-in for Stripe's Express onboarding: one button marks the account connected."""
    _dev_only()
    provider = get_object_or_404(Provider, public_id=provider_id)
    return_url = request.GET.get("return") or "/dashboard/settings/"
    if not return_url.startswith("/") and not return_url.startswith(settings.SITE_URL):
        return_url = "/dashboard/settings/"
    if request.method == "POST" and provider.stripe_account_id:
        provider_stripe_status_set(
            account_id=provider.stripe_account_id, charges_enabled=True, details_submitted=True
        )
        return HttpResponseRedirect(return_url)
    return render(
        request, "payments/dev_connect.html", {"provider": provider, "return_url": return_url}
    )
