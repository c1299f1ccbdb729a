"""A fake Stripe at the SDK's HTTP layer: the real SDK builds real requests, we answer them.

Tests assert on `requests` (method, path, form params, Stripe-Account, Idempotency-Key)
and can make the next call fail with `fail_next(path_fragment, status, message)`.
"""

import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import stripe


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict
    headers: dict

    @property
    def stripe_account(self) -> str | None:
        return self.headers.get("Stripe-Account")

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


class FakeStripe(stripe.HTTPClient):
    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self._failures: list[tuple[str, int, str]] = []
        self._counter = 0
        self.accounts: dict[str, dict] = {}

    # -- test controls -------------------------------------------------------------
    def fail_next(self, path_fragment: str, status: int = 500, message: str = "Boom") -> None:
        self._failures.append((path_fragment, status, message))

    def calls(self, path_fragment: str) -> list[RecordedRequest]:
        return [r for r in self.requests if path_fragment in r.path]

    # -- stripe.HTTPClient ----------------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        raw = post_data.decode() if isinstance(post_data, bytes) else (post_data or parts.query)
        params = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw or "").items()}
        self.requests.append(
            RecordedRequest(method.upper(), parts.path, params, dict(headers or {}))
        )
        for i, (fragment, status, message) in enumerate(self._failures):
            if fragment in parts.path:
                del self._failures[i]
                body = {"error": {"type": "api_error", "message": message}}
                return json.dumps(body), status, {}
        body = self._answer(method.upper(), parts.path, params)
        return json.dumps(body), 200, {"Request-Id": f"req_{self._counter}"}

    def close(self):
        return None

    def _next(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}_test_{self._counter:06d}"

    def _answer(self, method: str, path: str, p: dict) -> dict:
        if path == "/v1/checkout/sessions" and method == "POST":
            sid = self._next("cs")
            return {
                "id": sid,
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/{sid}",
                "expires_at": int(p.get("expires_at") or time.time() + 1800),
                "amount_total": int(p.get("line_items[0][price_data][unit_amount]", 0)),
                "metadata": {"payment_id": p.get("metadata[payment_id]")},
                "payment_status": "unpaid",
                "status": "open",
            }
        if path == "/v1/refunds" and method == "POST":
            return {
                "id": self._next("re"),
                "object": "refund",
                "amount": int(p.get("amount", 0)),
                "status": "succeeded",
            }
        if path == "/v1/accounts" and method == "POST":
            acct = self._next("acct")
            self.accounts[acct] = {
                "id": acct,
                "object": "account",
                "charges_enabled": False,
                "details_submitted": False,
            }
            return self.accounts[acct]
        if path.startswith("/v1/accounts/") and method == "GET":
            acct = path.rsplit("/", 1)[-1]
            return self.accounts.get(
                acct,
                {
                    "id": acct,
                    "object": "account",
                    "charges_enabled": False,
                    "details_submitted": False,
                },
            )
        if path == "/v1/account_links" and method == "POST":
            return {
                "object": "account_link",
                "url": f"https://connect.stripe.com/setup/e/{p.get('account')}",
                "expires_at": int(time.time()) + 300,
            }
        return {"error": {"type": "invalid_request_error", "message": f"fake: no route {path}"}}
