"""Django's LoginView at /dashboard/login/, exactly as the dashboard mounts it, so the
throttling tests exercise the same view and `authenticate(request=...)` path."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "dashboard/login/",
        auth_views.LoginView.as_view(template_name="admin/login.html"),
        name="test-dash-login",
    ),
    path("", include("alera.urls")),
]
