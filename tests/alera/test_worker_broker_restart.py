"""The Celery worker survives a broker restart and picks the queue up again (issue 21, item 6).

A real worker, started with the Procfile's own command line, consumes from a Redis the test
starts; the test restarts that Redis (it comes back empty, as a Redis that lost its memory
would) and checks that the worker is still running and a task queued afterwards runs.
"""

import os
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from alera.celery import app as celery_app

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]


def _procfile_worker_command() -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == "worker":
            argv = shlex.split(command)
            assert argv[0] == "celery"
            return [sys.executable, "-m", "celery", *argv[1:]]
    raise AssertionError("the Procfile has no worker")


class WorkerProcess:
    """`celery worker` as a subprocess whose log lines are collected as they come."""

    def __init__(self, broker_url: str) -> None:
        env = {
            **os.environ,
            "REDIS_URL": broker_url,
            "CACHE_KEY_PREFIX": "worker-restart-test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        self.lines: list[str] = []
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and Procfile
            [*_procfile_worker_command(), "--concurrency=1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def wait_for(self, text: str, *, timeout: float = 60, after: int = 0) -> int:
        """Index of the first log line from `after` on containing `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return index
            if self.process.poll() is not None:
                raise AssertionError("the worker exited:\n" + "\n".join(self.lines[-40:]))
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} in the worker's log:\n" + "\n".join(self.lines[-40:]))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def worker(broker):
    process = WorkerProcess(broker.url)
    yield process
    process.stop()


def _run_on_the_worker(worker, *, after: int) -> int:
    """Queue a task (a built-in one: this checks the plumbing, not our tasks) and wait for
    the worker to report it done."""
    result = celery_app.send_task("celery.accumulate", args=(1, 2))
    return worker.wait_for(f"celery.accumulate[{result.id}] succeeded", after=after)


def test_the_worker_keeps_running_through_a_redis_restart_and_runs_tasks_queued_after(
    worker, broker
):
    seen = worker.wait_for("ready.")
    seen = _run_on_the_worker(worker, after=seen)

    broker.stop()
    seen = worker.wait_for("Connection to broker lost", after=seen)
    time.sleep(3)  # an outage of a few seconds: the worker keeps trying to reconnect
    broker.start()

    _run_on_the_worker(worker, after=seen)
    assert worker.process.poll() is None
    assert not [line for line in worker.lines if "Unrecoverable error" in line]


def test_the_worker_reconnects_for_ever_and_leaves_gossip_mingle_and_heartbeat_off():
    assert settings.CELERY_BROKER_CONNECTION_MAX_RETRIES is None
    assert settings.CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP is True
    # kombu#582: on reconnect, Gossip's auto-delete queue is deleted through a connection
    # already closed (`'NoneType' object has no attribute 'hostname'`) and the worker exits.
    command = _procfile_worker_command()
    assert {"--without-gossip", "--without-mingle", "--without-heartbeat"} <= set(command)
