"""A small asyncio load generator: C concurrent loops for D seconds against one scenario."""

import asyncio
import itertools
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    headers: dict
    body: Callable[[int], dict] | None = None  # request number → JSON body
    path_for: Callable[[int], str] | None = None  # request number → path (else `path`)


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    statuses: dict
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def _run(base_url: str, scenario: Scenario, concurrency: int, seconds: float) -> Result:
    counter = itertools.count()
    latencies: list[float] = []
    statuses: Counter = Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def loop() -> None:
            while time.perf_counter() < deadline:
                n = next(counter)
                body = scenario.body(n) if scenario.body else None
                started = time.perf_counter()
                path = scenario.path_for(n) if scenario.path_for else scenario.path
                try:
                    response = await client.request(
                        scenario.method, path, headers=scenario.headers, json=body
                    )
                except httpx.TransportError as exc:
                    # A keep-alive connection the server closed as it was reused: counted
                    # under its error name (shown in statuses), never a crashed run.
                    statuses[type(exc).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Result(
        name=scenario.name,
        requests=len(latencies),
        seconds=elapsed,
        statuses=dict(statuses),
        p50_ms=statistics.median(ordered) * 1000 if ordered else 0.0,
        p95_ms=_percentile(ordered, 0.95) * 1000,
        p99_ms=_percentile(ordered, 0.99) * 1000,
    )


def run(base_url: str, scenario: Scenario, *, concurrency: int, seconds: float) -> Result:
    return asyncio.run(_run(base_url, scenario, concurrency, seconds))
