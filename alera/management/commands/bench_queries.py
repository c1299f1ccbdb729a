"""Print the SQL query count of each benchmarked endpoint, for the data now in the database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Count queries per request of the benchmarked endpoints (reads .local/bench.json)."

    def add_arguments(self, parser):
        parser.add_argument("--bench-file", default=".local/bench.json")

    def handle(self, *args, **opts):
        info = json.loads(Path(opts["bench_file"]).read_text())
        client = Client(
            HTTP_X_ALERA_KEY=info["key"], HTTP_ORIGIN=info["origin"], HTTP_HOST="127.0.0.1"
        )
        paths = {
            "list": f"/api/classes?handle={info['handle']}&from={info['from']}&to={info['to']}",
            "detail": f"/api/classes/{info['class_id']}",
            "me": "/api/customer/me",
        }
        counts = {}
        for name, path in paths.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, HTTP_X_CUSTOMER_TOKEN=info["customer_token"])
            counts[name] = {"status": response.status_code, "queries": len(queries)}
        self.stdout.write(json.dumps(counts))
