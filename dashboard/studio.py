"""Dashboard pages of the accounts app: sign-up, studios, settings, API keys and the team."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dashboard import (
    SESSION_KEY,
    dash_render,
    dashboard_view,
    forbidden,
    form_fail,
    provider_switch,
    user_memberships,
)
from accounts.forms import (
    ApiKeyForm,
    AvatarForm,
    InviteForm,
    SignupForm,
    StudioForm,
    StudioSettingsForm,
)
from accounts.models import ApiKey, Membership, Provider
from accounts.services import (
    MintedKey,
    api_key_mint,
    api_key_revoke,
    provider_avatar_remove,
    provider_avatar_set,
    provider_create,
    provider_settings_update,
    staff_invite,
    user_signup,
)
from alera.errors import DomainError

# A new key's plaintext rides in a signed, short-lived, HttpOnly cookie from the mint POST to
# the one GET that shows it: it never rests in our database, not even in the session table.
MINTED_COOKIE = "alera_minted_key"
MINTED_SALT = "accounts.minted-key"
MINTED_MAX_AGE = 300


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("dash-home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            form_fail(form, exc, {"__all__": "password"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Alera! Now tell us about your studio.")
            return redirect("dash-studio-new")
    return render(
        request,
        "dashboard/auth.html",
        {"form": form, "title": "Create your Alera account", "submit": "Sign up", "signup": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def studio_new(request):
    form = StudioForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = provider_create(
                handle=form.cleaned_data["handle"],
                display_name=form.cleaned_data["display_name"],
                timezone_name=form.cleaned_data["timezone"],
                owner=request.user,
            )
        except ValidationError as exc:
            form_fail(form, exc, {"display_name": "display_name"})
        else:
            request.session[SESSION_KEY] = provider.public_id
            messages.success(request, f"{provider.display_name} is ready. Add your first service.")
            return redirect("dash-services")
    return render(
        request,
        "dashboard/auth.html",
        {
            "form": form,
            "title": "Create your studio",
            "submit": "Create studio",
            "memberships": user_memberships(request),
        },
    )


@login_required
@require_POST
def studio_switch(request):
    provider = provider_switch(request, request.POST.get("provider", ""))
    if provider is None:
        messages.error(request, "You are not a member of that studio.")
    else:
        messages.success(request, f"Now working in {provider.display_name}.")
    return redirect("dash-home")


@dashboard_view
def home(request):
    return redirect("dash-schedule")


@dashboard_view
@require_http_methods(["GET", "POST"])
def settings_page(request):
    provider = request.provider
    editable = Provider.objects.get(pk=provider.pk)  # the form mutates its instance
    form = StudioSettingsForm(request.POST if request.method == "POST" else None, instance=editable)
    if request.method == "POST":
        if not _owner(request):
            return _owners_only(request)
        if form.is_valid():
            try:
                provider_settings_update(provider=provider, **form.cleaned_data)
            except ValidationError as exc:
                form_fail(form, exc)
            else:
                messages.success(request, "Studio settings saved.")
                return redirect("dash-settings")
    return _settings_render(request, form=form, avatar_form=AvatarForm())


@dashboard_view
@require_POST
def settings_avatar(request):
    """Upload a new avatar, or remove it (`action=remove`); errors show on the settings page."""
    if not _owner(request):
        return _owners_only(request)
    if request.POST.get("action") == "remove":
        provider_avatar_remove(provider=request.provider)
        messages.success(request, "Avatar removed.")
        return redirect("dash-settings")
    avatar_form = AvatarForm(request.POST, request.FILES)
    if avatar_form.is_valid():
        upload = avatar_form.cleaned_data["image"]
        try:
            provider_avatar_set(provider=request.provider, upload=upload, size=upload.size)
        except ValidationError as exc:
            form_fail(avatar_form, ValidationError({"image": exc.messages}))
        else:
            messages.success(request, "Avatar saved: partner sites show it from their next call.")
            return redirect("dash-settings")
    editable = Provider.objects.get(pk=request.provider.pk)
    return _settings_render(
        request, form=StudioSettingsForm(instance=editable), avatar_form=avatar_form, status=400
    )


def _settings_render(request, *, form, avatar_form, status: int = 200):
    return dash_render(
        request,
        "dashboard/settings.html",
        {"form": form, "avatar_form": avatar_form},
        status=status,
    )


@dashboard_view(owner_only=True)
@require_http_methods(["GET", "POST"])
def keys(request):
    """List keys and mint one: POST → redirect → GET, so reloading the page can't mint twice.

    The plaintext is handed to the next GET in a signed cookie that page deletes, so it is
    shown exactly once and is never stored on our side (the contract: "never stored in
    plaintext"); a reload shows it no more.
    """
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            minted = api_key_mint(
                provider=request.provider,
                name=form.cleaned_data["name"],
                origins=form.cleaned_data["origins"],
            )
        except ValidationError as exc:
            form_fail(form, exc)
        else:
            messages.success(request, f"Key “{minted.api_key.name}” created.")
            response = redirect("dash-keys")
            _hand_over_minted_key(response, request, minted)
            return response
    minted = _take_minted_key(request) if request.method == "GET" else None
    api_keys = ApiKey.objects.filter(provider=request.provider).select_related("provider")
    response = dash_render(
        request, "dashboard/keys.html", {"form": form, "minted": minted, "api_keys": api_keys}
    )
    response["Cache-Control"] = "no-store"
    if MINTED_COOKIE in request.COOKIES:
        response.delete_cookie(MINTED_COOKIE, path=reverse("dash-keys"), samesite="Strict")
    return response


def _hand_over_minted_key(response, request, minted: MintedKey) -> None:
    value = signing.dumps(
        {
            "provider": request.provider.public_id,
            "user": request.user.pk,
            "prefix": minted.api_key.prefix,
            "plaintext": minted.plaintext,
        },
        salt=MINTED_SALT,
    )
    response.set_cookie(
        MINTED_COOKIE,
        value,
        max_age=MINTED_MAX_AGE,
        path=reverse("dash-keys"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def _take_minted_key(request) -> MintedKey | None:
    """The key minted just before this GET, once; only for its studio and its owner."""
    try:
        pending = signing.loads(
            request.COOKIES.get(MINTED_COOKIE, ""), salt=MINTED_SALT, max_age=MINTED_MAX_AGE
        )
    except signing.BadSignature:
        return None
    if pending.get("provider") != request.provider.public_id:
        return None
    if pending.get("user") != request.user.pk:
        return None
    api_key = ApiKey.objects.filter(
        provider=request.provider, prefix=pending.get("prefix", ""), revoked_at__isnull=True
    ).first()
    return MintedKey(api_key=api_key, plaintext=pending["plaintext"]) if api_key else None


@dashboard_view(owner_only=True)
@require_http_methods(["GET", "POST"])
def key_revoke(request, prefix: str):
    api_key = get_object_or_404(ApiKey, provider=request.provider, prefix=prefix)
    if request.method == "POST":
        api_key_revoke(api_key=api_key)
        messages.success(request, f"Key “{api_key.name}” revoked. Calls with it now get 401.")
        return redirect("dash-keys")
    return dash_render(
        request,
        "dashboard/confirm.html",
        {
            "title": "Revoke API key",
            "question": f"Revoke “{api_key.name}” ({api_key.display_prefix})?",
            "detail": "Every request with this key fails at once. This can't be undone.",
            "submit": "Revoke key",
            "back": "/dashboard/keys/",
        },
    )


@dashboard_view(owner_only=True)
@require_http_methods(["GET", "POST"])
def team(request):
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = staff_invite(
                provider=request.provider,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except (ValidationError, DomainError) as exc:
            form_fail(form, exc)
        else:
            messages.success(request, f"Invitation sent to {membership.user.email}.")
            return redirect("dash-team")
    members = Membership.objects.filter(provider=request.provider).select_related("user")
    return dash_render(request, "dashboard/team.html", {"form": form, "members": members})


def _owner(request) -> bool:
    return request.membership.role == Membership.Role.OWNER


def _owners_only(request):
    return forbidden(request, "Only the studio's owners can change its settings.")
