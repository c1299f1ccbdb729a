"""A fake Stripe at the SDK's HTTP layer: the real SDK builds real requests, we answer them.

Tests assert on `requests` (method, path, form params, Stripe-Account, Idempotency-Key)
and can make the next call fail with `fail_next(path_fragment, status, message)`.

Like Stripe (https://docs.stripe.com/api/idempotent_requests), a POST repeated with the same
Idempotency-Key gets the first answer again, a failure included, and the same key with other
parameters is refused. `outage(path, until=...)` makes a path answer 500 until a moment
(`time.time()`, so time-machine moves it); those 500s are stored under their key the way
Stripe stores them. `hold(path)` parks matching requests until the test releases them (a slow
Stripe). Refunds are kept, so `GET /v1/refunds?payment_intent=` lists them.
"""

import json
import threading
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


class Hold:
    """A gate on one path: requests wait at it until `release()` (see `FakeStripe.hold`)."""

    def __init__(self, path_fragment: str) -> None:
        self.path_fragment = path_fragment
        self.reached = threading.Event()
        self._open = threading.Event()

    def release(self) -> None:
        self._open.set()

    def wait(self, timeout: float = 30) -> None:
        self.reached.set()
        if not self._open.wait(timeout):
            raise TimeoutError(f"fake Stripe: {self.path_fragment} was never released")


class FakeStripe(stripe.HTTPClient):
    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self._failures: list[tuple[str, int, str]] = []
        self._outages: list[tuple[str, float]] = []
        self._holds: list[Hold] = []
        self._saved: dict[tuple[str | None, str], tuple[str, dict, tuple]] = {}
        self._lock = threading.RLock()
        self._counter = 0
        self.accounts: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}

    # -- test controls -------------------------------------------------------------
    def fail_next(self, path_fragment: str, status: int = 500, message: str = "Boom") -> None:
        self._failures.append((path_fragment, status, message))

    def outage(self, path_fragment: str, *, until: float) -> None:
        """Answer 500 on matching paths while `time.time() < until` (a Unix timestamp)."""
        self._outages.append((path_fragment, until))

    def hold(self, path_fragment: str) -> Hold:
        """Park the next matching requests until `release()` is called on the returned gate."""
        gate = Hold(path_fragment)
        self._holds.append(gate)
        return gate

    def calls(self, path_fragment: str) -> list[RecordedRequest]:
        return [r for r in self.requests if path_fragment in r.path]

    def refunded_cents(self, payment_intent: str) -> int:
        """What Stripe has given back on one payment intent, over every refund made."""
        return sum(
            r["amount"]
            for r in self.refunds.values()
            if r["payment_intent"] == payment_intent and r["status"] == "succeeded"
        )

    # -- stripe.HTTPClient ----------------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        method = method.upper()
        raw = post_data.decode() if isinstance(post_data, bytes) else (post_data or parts.query)
        params = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw or "").items()}
        headers = dict(headers or {})
        with self._lock:
            self.requests.append(RecordedRequest(method, parts.path, params, headers))
        for gate in list(self._holds):
            if gate.path_fragment in parts.path:
                gate.wait()
        with self._lock:
            for i, (fragment, status, message) in enumerate(self._failures):
                if fragment in parts.path:
                    del self._failures[i]
                    return _error(status, message)
            key = headers.get("Idempotency-Key") if method == "POST" else None
            saved_key = (headers.get("Stripe-Account"), key or "")
            if key and saved_key in self._saved:
                path, saved_params, answer = self._saved[saved_key]
                if (path, saved_params) != (parts.path, params):
                    return _error(
                        400,
                        "Keys for idempotent requests can only be used with the "
                        "same parameters they were first used with.",
                    )
                return answer
            if any(f in parts.path and time.time() < until for f, until in self._outages):
                answer = _error(500, "An unknown error occurred", retry=False)
            else:
                body = self._answer(method, parts.path, params)
                answer = (json.dumps(body), 200, {"Request-Id": f"req_{self._counter}"})
            if key:
                self._saved[saved_key] = (parts.path, params, answer)
            return answer

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
            refund = {
                "id": self._next("re"),
                "object": "refund",
                "amount": int(p.get("amount", 0)),
                "payment_intent": p.get("payment_intent"),
                "metadata": {
                    k[len("metadata[") : -1]: v for k, v in p.items() if k.startswith("metadata[")
                },
                "status": "succeeded",
            }
            self.refunds[refund["id"]] = refund
            return refund
        if path == "/v1/refunds" and method == "GET":
            found = [
                r for r in self.refunds.values() if r["payment_intent"] == p.get("payment_intent")
            ]
            return {"object": "list", "data": found[::-1], "has_more": False, "url": path}
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


def _error(status: int, message: str, *, retry: bool | None = None) -> tuple[str, int, dict]:
    """An error answer. `retry=False` sends `Stripe-Should-Retry: false`, which Stripe sends
    with a 500 its idempotency layer stored (a same-key retry would only replay it)."""
    kind = "api_error" if status >= 500 else "invalid_request_error"
    headers = {} if retry is None else {"stripe-should-retry": str(retry).lower()}
    return json.dumps({"error": {"type": kind, "message": message}}), status, headers
