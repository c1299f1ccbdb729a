"""Every dashboard URL, with the record id it needs (filled from a `Studio`).

`test_every_studio_page_is_listed` keeps this table in step with the URLconf.
"""

from django.urls import reverse

# (url name, kwargs template, methods). "{x}" names a key of `Studio.ids()`.
PAGES_WITHOUT_IDS = [
    ("dash-home", {}, ["GET"]),
    ("dash-settings", {}, ["GET", "POST"]),
    ("dash-settings-avatar", {}, ["POST"]),
    ("dash-stripe-connect", {}, ["POST"]),
    ("dash-stripe-refresh", {}, ["POST"]),
    ("dash-stripe-return", {}, ["GET"]),
    ("dash-keys", {}, ["GET", "POST"]),
    ("dash-team", {}, ["GET", "POST"]),
    ("dash-services", {}, ["GET"]),
    ("dash-service-new", {}, ["GET", "POST"]),
    ("dash-instructors", {}, ["GET"]),
    ("dash-instructor-new", {}, ["GET", "POST"]),
    ("dash-schedule", {}, ["GET"]),
    ("dash-session-new", {}, ["GET", "POST"]),
    ("dash-series-new", {}, ["GET", "POST"]),
    ("dash-blackouts", {}, ["GET", "POST"]),
    ("dash-appointments", {}, ["GET"]),
    ("dash-appointment-new", {}, ["GET", "POST"]),
    ("dash-customers", {}, ["GET"]),
    ("dash-packs", {}, ["GET"]),
    ("dash-package-type-new", {}, ["GET", "POST"]),
    ("dash-gift-cards", {}, ["GET"]),
    ("dash-activity", {}, ["GET"]),
]

PAGES_WITH_IDS = [
    ("dash-service-edit", {"public_id": "service"}, ["GET", "POST"]),
    ("dash-service-archive", {"public_id": "service"}, ["POST"]),
    ("dash-instructor-edit", {"public_id": "instructor"}, ["GET", "POST"]),
    ("dash-instructor-archive", {"public_id": "instructor"}, ["POST"]),
    ("dash-session", {"public_id": "session"}, ["GET"]),
    ("dash-session-edit", {"public_id": "session"}, ["GET", "POST"]),
    ("dash-session-cancel", {"public_id": "session"}, ["GET", "POST"]),
    ("dash-enrollment-cancel", {"public_id": "enrollment"}, ["GET", "POST"]),
    ("dash-enrollment-action", {"public_id": "enrollment", "action": "=check-in"}, ["POST"]),
    ("dash-enrollment-action", {"public_id": "enrollment", "action": "=no-show"}, ["POST"]),
    ("dash-enrollment-action", {"public_id": "enrollment", "action": "=complete"}, ["POST"]),
    ("dash-waitlist-promote", {"public_id": "waitlist_entry"}, ["POST"]),
    ("dash-blackout-delete", {"public_id": "blackout"}, ["POST"]),
    ("dash-appointment-action", {"public_id": "appointment", "action": "=complete"}, ["POST"]),
    ("dash-appointment-action", {"public_id": "appointment", "action": "=no-show"}, ["POST"]),
    ("dash-customer", {"public_id": "client"}, ["GET"]),
    ("dash-package-type-edit", {"public_id": "package_type"}, ["GET", "POST"]),
    ("dash-package", {"public_id": "package"}, ["GET", "POST"]),
    ("dash-gift-card", {"public_id": "gift_card"}, ["GET"]),
    ("dash-key-revoke", {"prefix": "key_prefix"}, ["GET", "POST"]),
]

OWNER_ONLY = {
    "dash-settings-avatar",
    "dash-keys",
    "dash-key-revoke",
    "dash-team",
    "dash-stripe-connect",
    "dash-stripe-refresh",
    "dash-stripe-return",
}


def url_for(name: str, kwargs: dict, ids: dict[str, str]) -> str:
    resolved = {k: v[1:] if v.startswith("=") else ids[v] for k, v in kwargs.items()}
    return reverse(name, kwargs=resolved)


def case_id(name: str, kwargs: dict, method: str) -> str:
    action = kwargs.get("action", "")
    return f"{method} {name}{action.replace('=', ':')}"
