"""The dashboard's request plumbing: which studio the user is working in, and who may do what.

Every dashboard view is wrapped in `dashboard_view`: login required, the current studio put on
the request (`request.provider`, `request.membership`), the studio's time zone activated so
forms read and templates print local wall-clock time, and owner-only pages answering 403.
Every lookup of tenant data then goes through `tenant_get(Model, request, public_id)`, so
another studio's id is a 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.models import Membership, Provider
from alera.errors import DomainError
from alera.selectors import event_list

SESSION_KEY = "dashboard_provider"
PAGE_SIZE = 50


def user_memberships(request: HttpRequest) -> list[Membership]:
    if not hasattr(request, "_memberships"):
        request._memberships = list(
            Membership.objects.filter(user=request.user)
            .select_related("provider")
            .order_by("provider__display_name")
        )
    return request._memberships


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership of the studio chosen in this session (the first one by default)."""
    memberships = user_memberships(request)
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.provider.public_id == chosen:
            return membership
    return memberships[0] if memberships else None


def current_provider(request: HttpRequest) -> Provider | None:
    membership = current_membership(request)
    return membership.provider if membership else None


def provider_switch(request: HttpRequest, public_id: str) -> Provider | None:
    """Make `public_id` the current studio if the user is a member of it."""
    for membership in user_memberships(request):
        if membership.provider.public_id == public_id:
            request.session[SESSION_KEY] = public_id
            return membership.provider
    return None


def is_owner(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role == Membership.Role.OWNER


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return dash_render(request, "dashboard/403.html", {"reason": reason}, status=403)


def dashboard_view(fn: Callable | None = None, *, owner_only: bool = False):
    """Login required, current studio on the request, its time zone active, roles enforced."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = current_membership(request)
            if membership is None:
                return redirect("dash-studio-new")
            request.membership = membership
            request.provider = membership.provider
            with timezone.override(membership.provider.tz):
                if owner_only and not is_owner(request):
                    return forbidden(request, "Only the studio's owners can open this page.")
                return view(request, *args, **kwargs)

        return wrapped

    return decorate(fn) if fn is not None else decorate


def tenant_get(model, request: HttpRequest, public_id: str, **filters):
    """One record of the current studio by public id; another studio's id is a 404."""
    queryset = model.objects.all() if not hasattr(model, "model") else model
    return get_object_or_404(queryset, provider=request.provider, public_id=public_id, **filters)


def dash_render(
    request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200
) -> HttpResponse:
    """Render a dashboard page with the studio switcher and role in its context."""
    membership = getattr(request, "membership", None)
    base = {
        "provider": getattr(request, "provider", None),
        "membership": membership,
        "is_owner": is_owner(request),
        "memberships": user_memberships(request) if request.user.is_authenticated else [],
    }
    return render(request, template, {**base, **(context or {})}, status=status)


def form_fail(
    form, exc: ValidationError | DomainError, field_map: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError or DomainError on the form: per field when it names
    one."""
    if isinstance(exc, DomainError):
        name = (field_map or {}).get(exc.field or "", exc.field)
        form.add_error(name if name in form.fields else None, exc.message)
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = (field_map or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def bound_form(form_class: type, request: HttpRequest, **kwargs: Any):
    """`form_class` bound to the posted data on a POST, unbound (showing initial) on a GET."""
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def form_save(
    request: HttpRequest,
    form,
    save: Callable[[], Any],
    *,
    message: str | Callable[[Any], str],
    then: str | Callable[[Any], str],
    field_map: dict[str, str] | None = None,
) -> HttpResponse | None:
    """The create/edit step every dashboard form shares: on a valid POST call the service
    (`save()`, which reads `form.cleaned_data`), flash `message` and redirect to `then` (a URL
    or URL name; each may be a function of what `save` returned). A service ValidationError
    goes on the form inline. None means: render the page with the form as it is."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except (ValidationError, DomainError) as exc:
        form_fail(form, exc, field_map)
        return None
    messages.success(request, message(saved) if callable(message) else message)
    return redirect(then(saved) if callable(then) else then)


HISTORY_ROWS = 20


def history_context(request: HttpRequest, *, class_id: str = "", client_id: str = "") -> dict:
    """The latest events of one class or customer of the studio, for its page (one query),
    and the Activity page's filter showing all of them."""
    rows = event_list(provider=request.provider, class_id=class_id, client_id=client_id)
    if class_id:
        query, noun = f"class={class_id}", "class"
    else:
        query, noun = f"customer={client_id}", "customer"
    return {
        "history": list(rows[:HISTORY_ROWS]),
        "history_filter": query,
        "history_noun": noun,
    }


def paginate(request: HttpRequest, rows, *, per_page: int = PAGE_SIZE) -> Page:
    """The `?page=` page of `rows` (an ordered queryset); a bad or too-high page number shows
    the nearest real page, so every row of a long list can be reached."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
