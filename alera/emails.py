"""One place for every email: a registry of builders, rendered from template pairs.

Emails that follow a recorded state change are event subscribers (`alera.events`) calling
`email_send` after commit; other notices call `email_queue(kind, **ids)` inside the
transaction. Either way the Celery task runs after commit, loads fresh rows by id, renders
`templates/emails/<kind>.html` and `.txt` in the studio's time zone, and sends. A failing
mail server only makes the task retry; the booking is long committed.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class Email:
    """What a builder returns: who gets it, the subject, and the template context."""

    to: list[str]
    subject: str
    context: dict
    provider: object = None  # accounts.Provider: name and time zone for rendering
    reply_to: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


Builder = Callable[..., Email | None]
_BUILDERS: dict[str, Builder] = {}


def email_builder(kind: str) -> Callable[[Builder], Builder]:
    """Register the builder for one kind of email (`templates/emails/<kind>.{html,txt}`)."""

    def decorate(fn: Builder) -> Builder:
        _BUILDERS[kind] = fn
        return fn

    return decorate


def email_queue(kind: str, **ids) -> None:
    """Send `kind` after the current transaction commits (at once outside one).

    `robust=True`: a broker or mail failure is logged and never reaches the caller, whose
    booking is already committed.
    """
    if kind not in _BUILDERS:
        raise KeyError(f"No email builder registered for {kind!r}.")
    from alera.tasks import send_email

    transaction.on_commit(lambda: send_email.delay(kind, ids), robust=True)


def email_send(kind: str, **ids) -> None:
    """Hand `kind` to the email task now: for event subscribers, which already run after
    commit (queueing again would reorder it behind later callbacks)."""
    if kind not in _BUILDERS:
        raise KeyError(f"No email builder registered for {kind!r}.")
    from alera.tasks import send_email

    send_email.delay(kind, ids)


def email_render(kind: str, ids: dict) -> EmailMultiAlternatives | None:
    """Build the message for `kind`; None when the builder decides there is nothing to send."""
    email = _BUILDERS[kind](**ids)
    if email is None or not email.to:
        return None
    provider = email.provider
    context = {"site_url": settings.SITE_URL, "provider": provider, **email.context}
    tz = provider.tz if provider is not None else timezone.get_current_timezone()
    with timezone.override(tz):
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    from_email = settings.DEFAULT_FROM_EMAIL
    if provider is not None:
        from_email = f"{provider.display_name} via Alera <{_address(settings.DEFAULT_FROM_EMAIL)}>"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=text,
        from_email=from_email,
        to=email.to,
        reply_to=email.reply_to
        or ([provider.contact_email] if provider and provider.contact_email else None),
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in email.attachments:
        message.attach(name, content, mimetype)
    return message


def email_send_now(kind: str, ids: dict) -> bool:
    """Render and send; the task's retry handles transport failures."""
    message = email_render(kind, ids)
    if message is None:
        return False
    message.send(fail_silently=False)
    logger.info("sent %s email to %d recipient(s)", kind, len(message.to))
    return True


def _address(from_header: str) -> str:
    return from_header.split("<")[-1].rstrip(">").strip()
