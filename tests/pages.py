"""Every page Alera serves to a person, in one table.

The dashboard's tenant-isolation walk (tests/dashboard/test_isolation.py), the portal's
strict-headers walk (tests/security/test_portal_pages.py) and the accessibility check in
Chromium (tests/browser/test_accessibility.py) all read `PAGES`, and
tests/test_page_registry.py fails when a named route of the dashboard, portal or
dev-gateway URLconfs is neither here nor in `EXEMPT` with a reason: a new page can't skip
either check.

A page's kwargs template names a key of `world_ids()` ("service" → that record's id), or a
literal after "=" ("=check-in").
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from classes.models import Appointment
from classes.services.common import cancel_token
from customers.services import customer_token_make
from payments.services.tips import tip_token_make
from tests import factories

# Areas: who sees the page, and so how the checks reach it.
STUDIO = "studio"  # a dashboard page of the logged-in studio (login + tenancy walk)
AUTH = "auth"  # dashboard sign-up, login, password reset: no studio needed
PORTAL = "portal"  # the customer's pages, reached by a signed link
CHECKOUT = "checkout"  # the local dev gateway's Checkout and Connect pages
DOCS = "docs"  # the API reference


@dataclass(frozen=True)
class Page:
    name: str
    kwargs: dict[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ("GET",)
    area: str = STUDIO
    owner_only: bool = False
    login: bool = False  # an AUTH page that needs a signed-in user
    status: int = 200  # what its GET answers in the world_ids() world

    @property
    def has_ids(self) -> bool:
        return any(not v.startswith("=") for v in self.kwargs.values())

    @property
    def case_id(self) -> str:
        extra = "".join(f":{v[1:]}" for v in self.kwargs.values() if v.startswith("="))
        return f"{self.name}{extra}"

    def url(self, ids: dict[str, str]) -> str:
        resolved = {k: v[1:] if v.startswith("=") else ids[v] for k, v in self.kwargs.items()}
        return reverse(self.name, kwargs=resolved)


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


def _id(key: str) -> dict[str, str]:
    return {"public_id": key}


PAGES = [
    # Dashboard, the studio's own pages.
    Page("dash-home"),
    Page("dash-settings", methods=BOTH),
    Page("dash-settings-avatar", methods=POST, owner_only=True),
    Page("dash-stripe-connect", methods=POST, owner_only=True),
    Page("dash-stripe-refresh", methods=POST, owner_only=True),
    Page("dash-stripe-return", owner_only=True),
    Page("dash-keys", methods=BOTH, owner_only=True),
    Page("dash-key-revoke", {"prefix": "key_prefix"}, BOTH, owner_only=True),
    Page("dash-team", methods=BOTH, owner_only=True),
    Page("dash-services"),
    Page("dash-service-new", methods=BOTH),
    Page("dash-service-edit", _id("service"), BOTH),
    Page("dash-service-archive", _id("service"), POST),
    Page("dash-instructors"),
    Page("dash-instructor-new", methods=BOTH),
    Page("dash-instructor-edit", _id("instructor"), BOTH),
    Page("dash-instructor-archive", _id("instructor"), POST),
    Page("dash-schedule"),
    Page("dash-session-new", methods=BOTH),
    Page("dash-series-new", methods=BOTH),
    Page("dash-session", _id("session")),
    Page("dash-session-edit", _id("session"), BOTH),
    Page("dash-session-cancel", _id("session"), BOTH),
    Page("dash-enrollment-cancel", _id("enrollment"), BOTH),
    *(
        Page("dash-enrollment-action", {"public_id": "enrollment", "action": f"={a}"}, POST)
        for a in ("check-in", "no-show", "complete")
    ),
    Page("dash-waitlist-promote", _id("waitlist_entry"), POST),
    Page("dash-blackouts", methods=BOTH),
    Page("dash-blackout-delete", _id("blackout"), POST),
    Page("dash-appointments"),
    Page("dash-appointment-new", methods=BOTH),
    *(
        Page("dash-appointment-action", {"public_id": "appointment", "action": f"={a}"}, POST)
        for a in ("complete", "no-show")
    ),
    Page("dash-customers"),
    Page("dash-customer", _id("client")),
    Page("dash-packs"),
    Page("dash-package-type-new", methods=BOTH),
    Page("dash-package-type-edit", _id("package_type"), BOTH),
    Page("dash-package", _id("package"), BOTH),
    Page("dash-gift-cards"),
    Page("dash-gift-card", _id("gift_card")),
    # Dashboard sign-up, login and password reset.
    Page("dash-signup", methods=BOTH, area=AUTH),
    Page("dash-login", methods=BOTH, area=AUTH),
    Page("dash-logout", methods=POST, area=AUTH),
    Page("dash-password-reset", methods=BOTH, area=AUTH),
    Page("dash-password-reset-done", area=AUTH),
    Page(
        "dash-password-reset-confirm", {"uidb64": "reset_uid", "token": "reset_token"}, BOTH, AUTH
    ),
    Page("dash-password-reset-complete", area=AUTH),
    Page("dash-studio-new", methods=BOTH, area=AUTH, login=True),
    Page("dash-switch", methods=POST, area=AUTH, login=True),
    # The customer portal.
    Page("portal-home", {"token": "customer_token"}, area=PORTAL),
    Page("portal-home", {"token": "=not-a-valid-link"}, area=PORTAL, status=401),
    Page("portal-cancel", {"token": "customer_token", "enrollment_id": "enrollment"}, BOTH, PORTAL),
    Page("portal-cancel-link", {"token": "cancel_token"}, BOTH, PORTAL),
    Page("portal-tip", {"token": "tip_token"}, BOTH, PORTAL),
    Page("portal-rotate-calendar", {"token": "customer_token"}, POST, PORTAL),
    Page("portal-gift-card", {"token": "customer_token"}, POST, PORTAL),
    Page("portal-sign-out", {"token": "customer_token"}, POST, PORTAL),
    Page("portal-signed-out", area=PORTAL),
    Page("portal-new-link", methods=POST, area=PORTAL),
    # The local dev gateway.
    Page("dev-checkout", {"session_id": "checkout_session"}, BOTH, CHECKOUT),
    Page("dev-connect", {"provider_id": "provider"}, BOTH, CHECKOUT),
    # The API reference.
    Page("api-docs", area=DOCS),
]

# Named routes of those URLconfs that are not pages a person opens, and why.
EXEMPT = {
    "stripe-webhook": "Stripe's server posts events here; it answers JSON, never HTML",
}

STUDIO_PAGES = [p for p in PAGES if p.area == STUDIO]


def world_ids(studio) -> dict[str, str]:
    """Every id the table's kwargs name, for a `tests.dashboard.conftest.Studio` world.

    Adds the records only the portal and the dev gateway show: a completed visit to tip
    and an open Checkout.
    """
    visit = factories.AppointmentFactory(
        provider=studio.provider,
        client=studio.client,
        status=Appointment.Status.COMPLETED,
        completed_at=timezone.now() - dt.timedelta(hours=1),
        starts_at=timezone.now() - dt.timedelta(hours=2),
    )
    checkout = factories.PaymentFactory(provider=studio.provider, description="Reformer Flow")
    return {
        **studio.ids(),
        "provider": studio.provider.public_id,
        "customer_token": customer_token_make(client=studio.client),
        "cancel_token": cancel_token(studio.enrollment),
        "tip_token": tip_token_make(visit),
        "checkout_session": checkout.checkout_session_id,
        "reset_uid": urlsafe_base64_encode(force_bytes(studio.owner.pk)),
        "reset_token": default_token_generator.make_token(studio.owner),
    }
