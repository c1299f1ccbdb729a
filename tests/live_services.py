"""Real services a test starts, stops and restarts itself: a Redis of its own, so an outage
can be made on purpose without touching anyone else's Redis."""

import os
import shutil
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveRedis:
    """A throwaway `redis-server` on a free port: no persistence, so a restart empties it,
    as a Redis that lost its memory would be."""

    def __init__(self) -> None:
        self.executable = shutil.which("redis-server")
        if self.executable is None:
            # CI has Redis (the brief's machine runs it): there a missing server is a failure,
            # never a fault test quietly skipped.
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail("redis-server is not installed: the fault tests cannot run in CI")
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


@pytest.fixture
def live_redis():
    """A Redis of the test's own, running; stopped (whatever state it is in) afterwards."""
    server = LiveRedis()
    server.start()
    yield server
    server.stop()


def celery_connections_reset(app) -> None:
    """Forget the app's pooled broker connections and producers (what Celery itself does
    after a fork), so the next publish connects to the broker the configuration names now.
    The pools stay open in kombu's registry, keyed by broker URL, for whoever uses it again."""
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def broker(live_redis):
    """Celery publishing to the test's own Redis instead of running tasks eagerly."""
    from alera.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = live_redis.url, False
    celery_connections_reset(app)
    yield live_redis
    app.conf.broker_url, app.conf.task_always_eager = saved
    celery_connections_reset(app)
