"""Domain errors: what a service refuses, in words, with no idea of HTTP.

A service raises a `DomainError` subclass when the rules say no (the class is full, the
token expired, the pack is empty). Each carries a stable `code`, a sentence for people
(`message`) and optional `hints` (extra fields the API puts next to `error`, such as
`waitlistAvailable`). The surfaces translate: the API maps the error's family to a status
code in one table (`alera.api.errors.STATUS_FOR`), the dashboard, portal and admin show
the message. Django's `ValidationError` stays for malformed input caught by forms and
`full_clean()`; everything else a service refuses is a `DomainError`.

This module imports nothing from Django REST framework, nor from any app.
"""


class DomainError(Exception):
    """Base of every refusal a service can give; subclass one of the families below."""

    code = "refused"
    default_message = "This can't be done."
    default_hints: dict = {}

    def __init__(self, message: str | None = None, *, field: str | None = None, **hints) -> None:
        self.message = message or self.default_message
        self.field = field  # the input it concerns, so a form can show it there
        self.hints = {**self.default_hints, **hints}
        super().__init__(self.message)


class InvalidRequest(DomainError):
    """The request breaks a rule no retry will change (an amount out of range, a tip for a
    visit that isn't completed)."""

    code = "invalid"
    default_message = "Invalid request."


class NotAuthenticated(DomainError):
    """The credential presented (a customer or cancel token) can't be trusted."""

    code = "not_authenticated"
    default_message = "The token is invalid."


class Forbidden(DomainError):
    """A trusted caller asks for something that isn't theirs."""

    code = "forbidden"
    default_message = "Forbidden."


class NotFound(DomainError):
    code = "not_found"
    default_message = "Not found."


class Conflict(DomainError):
    """The state moved under the caller (already booked, full, being cancelled)."""

    code = "conflict"
    default_message = "This conflicts with the current state."


class Gone(DomainError):
    """The thing acted on is over (a cancelled or started class, a finished visit)."""

    code = "gone"
    default_message = "This is no longer available."


class NotReady(DomainError):
    """A precondition of the studio's setup is missing (Stripe onboarding unfinished)."""

    code = "not_ready"
    default_message = "The studio is not set up for this yet."


class UpstreamFailed(DomainError):
    """Stripe (or another service we call) refused or did not answer."""

    code = "upstream_failed"
    default_message = "A service we depend on failed."


class Busy(DomainError):
    """A lock could not be taken in time: the caller should retry shortly."""

    code = "busy"
    default_message = "This is busy right now; try again in a moment."
