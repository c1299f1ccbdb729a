"""The Celery app. Tasks are thin: they take ids and call one service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alera.settings")

app = Celery("alera")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
