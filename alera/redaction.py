"""Keep secrets out of logs: customer/cancel/tip tokens, calendar secrets and API keys.

Magic links carry their token in the URL path (`/me/<token>`), calendar feeds their secret
(`/api/customer/cal/<secret>.ics`) and some clients send `?token=`; Django logs the path of
every 4xx and gunicorn logs every request line. Anyone who reads those logs could act as the
customer, so every log line goes through `redact()` first (a logging filter on our handlers,
and `RedactingGunicornLogger` for the access log).
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "[redacted]"

_PATTERNS = [
    # alr_<handle>_<secret>: keep the handle, drop the secret.
    (re.compile(r"\b(alr_[a-z0-9-]+_)[A-Za-z0-9_-]+"), rf"\g<1>{REDACTED}"),
    # /me/<token>, /me/cancel/<token>, /me/tip/<token>; the two fixed pages stay readable.
    (
        re.compile(r"(/me/(?:cancel/|tip/)?)(?!signed-out\b|new-link\b)[^/\s?#\"']+"),
        rf"\g<1>{REDACTED}",
    ),
    (re.compile(r"(/cal/)[^/\s?#\"']+?(\.ics)"), rf"\g<1>{REDACTED}\g<2>"),
    (re.compile(r"(\b(?:token|customerToken|cancelToken)=)[^&\s#\"']+"), rf"\g<1>{REDACTED}"),
]


def redact(text: str) -> str:
    """`text` with every token, calendar secret and API key secret replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """A handler filter: formats the record's message once, redacted (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's access log with every atom (request line, path, query, referrer, headers)
    redacted; `--logger-class alera.redaction.RedactingGunicornLogger` in the Procfile."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
