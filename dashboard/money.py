"""Dashboard pages for money: class packs, gift cards and Stripe Connect onboarding."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dashboard import (
    bound_form,
    dash_render,
    dashboard_view,
    form_save,
    paginate,
    tenant_get,
)
from alera.errors import DomainError
from payments.forms import GiftCardSearchForm, PackageAdjustForm, PackageTypeForm
from payments.models import ClientPackage, GiftCard, PackageType
from payments.services.connect import connect_refresh_status, connect_start
from payments.services.package_types import package_type_create, package_type_update
from payments.services.packs import package_adjust


@dashboard_view
def packs(request):
    types = PackageType.objects.filter(provider=request.provider).order_by("-active", "name")
    sold = paginate(
        request,
        ClientPackage.objects.filter(provider=request.provider)
        .select_related("client", "package_type")
        .order_by("-created_at", "-pk"),
    )
    return dash_render(
        request, "dashboard/packs.html", {"types": types, "sold": sold, "page_obj": sold}
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def package_type_new(request):
    form = bound_form(PackageTypeForm, request, initial={"validity_days": 90, "active": True})
    saved = form_save(
        request,
        form,
        lambda: package_type_create(provider=request.provider, **form.package_fields()),
        message=lambda package_type: f"Pack “{package_type.name}” created.",
        then="dash-packs",
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {
            "form": form,
            "title": "New class pack",
            "submit": "Create pack",
            "back": "/dashboard/packs/",
        },
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def package_type_edit(request, public_id: str):
    package_type = tenant_get(PackageType, request, public_id)
    initial = {
        "name": package_type.name,
        "sessions": package_type.sessions,
        "price": package_type.price_cents / 100,
        "validity_days": package_type.validity_days,
        "active": package_type.active,
    }
    form = bound_form(PackageTypeForm, request, initial=initial)
    saved = form_save(
        request,
        form,
        lambda: package_type_update(package_type=package_type, **form.package_fields()),
        message="Pack saved. Packs already sold keep their terms.",
        then="dash-packs",
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {"form": form, "title": f"Edit {package_type.name}", "back": "/dashboard/packs/"},
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def package_detail(request, public_id: str):
    """A sold pack with its credit ledger, and a correction form."""
    package = tenant_get(
        ClientPackage.objects.select_related("client", "package_type"), request, public_id
    )
    form = bound_form(PackageAdjustForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            package_adjust(package=package, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Credits adjusted.")
            return redirect("dash-package", public_id=package.public_id)
    ledger = package.ledger.select_related("enrollment__class_session")
    return dash_render(
        request, "dashboard/package.html", {"package": package, "ledger": ledger, "form": form}
    )


@dashboard_view
def gift_cards(request):
    form = GiftCardSearchForm(request.GET or None)
    cards = GiftCard.objects.filter(provider=request.provider)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        code = "".join(ch for ch in query if ch.isalnum()).upper()
        cards = cards.filter(
            Q(code__icontains=code or query)
            | Q(purchaser_email__icontains=query)
            | Q(recipient_email__icontains=query)
            | Q(purchaser_name__icontains=query)
            | Q(recipient_name__icontains=query)
        )
    page = paginate(request, cards.order_by("-created_at", "-pk"))
    return dash_render(
        request,
        "dashboard/gift_cards.html",
        {"form": form, "cards": page, "page_obj": page, "query": query},
    )


@dashboard_view
def gift_card_detail(request, public_id: str):
    card = tenant_get(GiftCard, request, public_id)
    redemptions = card.redemptions.select_related("appointment__client", "appointment__service")
    return dash_render(
        request, "dashboard/gift_card.html", {"card": card, "redemptions": redemptions}
    )


@dashboard_view(owner_only=True)
@require_POST
def stripe_connect(request):
    """Send the owner to Stripe's onboarding (the dev gateway's page locally)."""
    settings_url = request.build_absolute_uri(reverse("dash-settings"))
    try:
        url = connect_start(
            provider=request.provider,
            refresh_url=settings_url,
            return_url=request.build_absolute_uri(reverse("dash-stripe-return")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dash-settings")
    return redirect(url)


@dashboard_view(owner_only=True)
@require_http_methods(["GET", "POST"])
def stripe_refresh(request):
    """Back from onboarding (GET) or the Refresh button (POST): read the account's status."""
    try:
        status = connect_refresh_status(provider=request.provider)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if status is not None and status.charges_enabled:
            messages.success(request, "Stripe is connected: you can take payments.")
        else:
            messages.info(request, "Stripe still needs some details before you can take payments.")
    return redirect("dash-settings")
