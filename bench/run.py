"""`make bench`: serve Alera with gunicorn in production shape and measure it.

Runs against a throwaway PostgreSQL database (`alera_bench`, dropped and recreated) and a
Redis db of its own, with rate limits lifted (RATELIMIT_ENABLE=false). Every figure is also
given as a ratio to a baseline view (`/ping`, constant JSON) measured in the same pass, since
machines here are noisy: every scenario runs `--rounds` passes (default 3) and the pass with
the median ratio is reported, next to every pass's ratio. Writes bench/results.json and
prints a table.
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Scenario, run

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = 8100
BASE = f"http://127.0.0.1:{PORT}"


def bench_env(db_name: str) -> dict:
    env = dict(os.environ)
    env.update(
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=BASE,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db_name}",
        CONN_MAX_AGE="60",
        REDIS_URL="redis://127.0.0.1:6379/9",
        CACHE_KEY_PREFIX="bench",
        RATELIMIT_ENABLE="false",
        PAYMENT_GATEWAY="dev",
        ALLOW_DEV_GATEWAY="true",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="ERROR",
    )
    return env


def recreate_database(name: str) -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


class Server:
    def __init__(self, env: dict, workers: int, threads: int) -> None:
        self.proc = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "alera.wsgi:application",
                "-b",
                f"127.0.0.1:{PORT}",
                "-w",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/ping", timeout=1)  # noqa: S310 - loopback
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_rss_mb(self) -> list[float]:
        children = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def scenarios(info: dict) -> list[Scenario]:
    key = {"x-alera-key": info["key"], "Origin": info["origin"]}
    list_path = f"/api/classes?handle={info['handle']}&from={info['from']}&to={info['to']}"
    return [
        Scenario("baseline /ping", "GET", "/ping", {}),
        Scenario("GET /api/classes (60 days, 100 sessions)", "GET", list_path, key),
        Scenario("GET /api/classes/:id", "GET", f"/api/classes/{info['class_id']}", key),
        Scenario(
            "POST /api/classes/:id/book (free)",
            "POST",
            f"/api/classes/{info['free_class_id']}/book",
            key,
            body=lambda n: {
                "name": f"Bench {n}",
                "email": f"b{n}-{time.time_ns()}@bench.local",
                "phone": "5125550100",
            },
        ),
        Scenario(
            "POST book (free, over 20 classes)",
            "POST",
            "",
            key,
            body=lambda n: {
                "name": f"Spread {n}",
                "email": f"s{n}-{time.time_ns()}@bench.local",
                "phone": "5125550100",
            },
            path_for=lambda n: f"/api/classes/{info['spread_class_ids'][n % 20]}/book",
        ),
        Scenario(
            "GET /api/customer/me",
            "GET",
            "/api/customer/me",
            {**key, "x-customer-token": info["customer_token"]},
        ),
    ]


def measure(
    info: dict, *, seconds: float, concurrency: int, rounds: int, only: set[str] | None = None
) -> list[list]:
    """`rounds` passes over the wanted scenarios, baseline first in each pass.

    Each figure is later compared with the baseline of its own pass, so a slow minute on a
    shared machine moves both sides of a ratio together; returns one list of results a pass.
    """
    wanted = [
        scenario
        for scenario in scenarios(info)
        if only is None
        or scenario.name.startswith("baseline")
        or any(scenario.name.startswith(prefix) for prefix in only)
    ]
    for scenario in wanted:
        run(BASE, scenario, concurrency=concurrency, seconds=1.0)  # warm-up
    return [
        [run(BASE, scenario, concurrency=concurrency, seconds=seconds) for scenario in wanted]
        for _ in range(rounds)
    ]


def table(passes: list[list]) -> list[dict]:
    """One row a scenario: the pass with its median ratio to that pass's baseline."""
    rows = []
    for column in range(len(passes[0])):
        runs = [(one[column], one[0]) for one in passes]
        ratios = sorted(
            (r.rps / base.rps if base.rps else 0.0, i) for i, (r, base) in enumerate(runs)
        )
        _, median_pass = ratios[len(ratios) // 2]
        r, baseline = runs[median_pass]
        rows.append(
            {
                "endpoint": r.name,
                "requests": r.requests,
                "rps": round(r.rps, 1),
                "p50_ms": round(r.p50_ms, 2),
                "p95_ms": round(r.p95_ms, 2),
                "p99_ms": round(r.p99_ms, 2),
                "statuses": r.statuses,
                "rps_vs_baseline": round(r.rps / baseline.rps, 3) if baseline.rps else None,
                "p95_vs_baseline": round(r.p95_ms / baseline.p95_ms, 2)
                if baseline.p95_ms
                else None,
                "rps_vs_baseline_each_pass": [round(ratio, 3) for ratio, _ in ratios],
            }
        )
    return rows


def show(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    header = ["endpoint".ljust(44), "req/s".rjust(8), *(h.rjust(7) for h in ("p50", "p95", "p99"))]
    print(" ".join(header), "rps/b".rjust(6), "p95/b".rjust(6), "  rps/b each pass", " statuses")
    for r in rows:
        passes = "/".join(f"{x:.2f}" for x in r["rps_vs_baseline_each_pass"])
        print(
            f"{r['endpoint']:44} {r['rps']:8.1f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} "
            f"{r['p99_ms']:7.1f} {r['rps_vs_baseline']:6.2f} {r['p95_vs_baseline']:6.2f}  "
            f"{passes:>16}  {r['statuses']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--rounds", type=int, default=3, help="passes per scenario; the median is reported"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument("--providers", type=int, default=1000)
    parser.add_argument("--sessions-per-provider", type=int, default=100)
    parser.add_argument("--enrollments-per-session", type=int, default=10)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--small-only",
        action="store_true",
        help="measure the nearly empty database only (quick check while tuning; no results file)",
    )
    args = parser.parse_args()

    env = bench_env("alera_bench")
    recreate_database("alera_bench")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")  # served by whitenoise, as in production
    manage(env, "bench_seed")
    info = json.loads((ROOT / ".local" / "bench.json").read_text())
    queries_small = json.loads(manage(env, "bench_queries"))

    server = Server(env, args.workers, args.threads)
    try:
        small = measure(
            info, seconds=args.seconds, concurrency=args.concurrency, rounds=args.rounds
        )
        rss = server.worker_rss_mb()
    finally:
        server.stop()
    rows_small = table(small)
    show("Nearly empty database", rows_small)
    if args.small_only:
        print("worker RSS (MB):", [round(x) for x in rss])
        return

    print(
        f"\nseeding {args.providers} studios x {args.sessions_per_provider} sessions x "
        f"{args.enrollments_per_session} enrollments...",
        flush=True,
    )
    started = time.time()
    print(
        manage(
            env,
            "bench_seed",
            "--providers",
            str(args.providers),
            "--sessions-per-provider",
            str(args.sessions_per_provider),
            "--enrollments-per-session",
            str(args.enrollments_per_session),
        )
        .strip()
        .splitlines()[-1],
        f"({time.time() - started:.0f}s)",
    )
    info = json.loads((ROOT / ".local" / "bench.json").read_text())
    queries_large = json.loads(manage(env, "bench_queries"))
    server = Server(env, args.workers, args.threads)
    try:
        large = measure(
            info,
            seconds=args.seconds,
            concurrency=args.concurrency,
            rounds=args.rounds,
            only={"GET /api/classes ("},
        )
        rss_large = server.worker_rss_mb()
    finally:
        server.stop()
    rows_large = table(large)
    show("Large database", rows_large)

    list_small = next(r for r in rows_small if r["endpoint"].startswith("GET /api/classes ("))
    list_large = next(r for r in rows_large if r["endpoint"].startswith("GET /api/classes ("))
    book = next(r for r in rows_small if r["endpoint"].startswith("POST /api/classes/:id/book"))
    spread = next(r for r in rows_small if "over 20 classes" in r["endpoint"])
    checks = {
        "list_p95_within_3x_baseline": list_small["p95_vs_baseline"] <= 3,
        "booking_rps_at_least_25pct_baseline": book["rps_vs_baseline"] >= 0.25,
        "booking_over_classes_rps_at_least_25pct_baseline": spread["rps_vs_baseline"] >= 0.25,
        "list_large_vs_small_p95_ratio": round(list_large["p95_ms"] / list_small["p95_ms"], 2),
        "query_counts_constant": queries_small == queries_large,
        "worker_rss_under_150mb": max(rss + rss_large) < 150,
    }
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "worker_class": f"gthread x{args.threads}",
            "rounds": args.rounds,
        },
        "small": rows_small,
        "large": rows_large,
        "queries": {"small": queries_small, "large": queries_large},
        "worker_rss_mb": {"small": rss, "large": rss_large},
        "checks": checks,
    }
    Path(args.out).write_text(json.dumps(results, indent=2))
    print("\nqueries per request:", queries_small, "→", queries_large)
    print("worker RSS (MB):", [round(x) for x in rss + rss_large])
    print("checks:", json.dumps(checks, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
