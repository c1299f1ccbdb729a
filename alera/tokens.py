"""Signed, expiring, purpose-bound tokens (django.core.signing).

Each purpose has its own salt, so a cancel token can never pass as a tip or customer token.
A token names one record id; callers compare it with the record they act on.
Nothing is stored: a database reader cannot mint or replay tokens.
"""

import datetime as dt
import enum
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

from alera.errors import NotAuthenticated


class Purpose(enum.StrEnum):
    CANCEL = "cancel"
    TIP = "tip"
    CUSTOMER = "customer"


MAX_AGE = {
    # A booking can be made months ahead; its cancel link must outlive the class.
    Purpose.CANCEL: dt.timedelta(days=400),
    Purpose.TIP: dt.timedelta(days=14),
    Purpose.CUSTOMER: dt.timedelta(days=30),
}


class TokenInvalid(NotAuthenticated):
    """Bad signature, wrong purpose or malformed; `TokenExpired` when only its age fails."""

    code = "token_invalid"
    default_message = "The token is invalid."
    expired = False


class TokenExpired(TokenInvalid):
    code = "token_expired"
    default_message = "The token has expired."
    default_hints = {"expired": True}
    expired = True


@dataclass(frozen=True)
class TokenData:
    record_id: str
    provider_id: str
    issued_at: dt.datetime


def _salt(purpose: Purpose) -> str:
    return f"alera.token.{purpose.value}"


def token_make(purpose: Purpose, *, record_id: str, provider_id: str) -> str:
    """A URL-safe token naming `record_id` of `provider_id` for one purpose.

    It carries its issue time (`t`, whole seconds) in its own payload, so reading it back
    never depends on the layout of Django's signature."""
    payload = {"r": record_id, "p": provider_id, "t": int(timezone.now().timestamp())}
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def token_read(purpose: Purpose, token: str) -> TokenData:
    """Verify and decode; TokenExpired when too old, TokenInvalid when it can't be trusted.

    A token from before issue times were carried (no `t`) reads as issued at the epoch: it
    still works until its maximum age, except for a customer who has ever signed out."""
    if not token or not isinstance(token, str) or len(token) > 1000:
        raise TokenInvalid("The token is missing or malformed.")
    max_age = MAX_AGE[purpose]
    try:
        data = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired() from exc
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict) or not {"r", "p"} <= data.keys():
        raise TokenInvalid()
    stamp = data.get("t", 0)
    if isinstance(stamp, bool) or not isinstance(stamp, int):
        raise TokenInvalid()
    issued = dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
    return TokenData(record_id=str(data["r"]), provider_id=str(data["p"]), issued_at=issued)


def token_peek_provider(purpose: Purpose, token: str) -> str | None:
    """The provider id of a correctly signed token even when it has expired, else None.

    Only used to address a "send me a new link" form to the right studio; it grants nothing.
    """
    if not token or not isinstance(token, str) or len(token) > 1000:
        return None
    try:
        data = signing.loads(token, salt=_salt(purpose), max_age=None)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return None
    return str(data.get("p")) if isinstance(data, dict) and data.get("p") else None
