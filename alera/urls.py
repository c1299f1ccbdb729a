from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.media import avatar_serve
from alera import views

api_patterns = [
    path("", include("classes.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("customers.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    re_path(r"^.*$", views.api_not_found),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/", include(api_patterns)),
    path("media/<path:key>", avatar_serve, name="avatar"),
    path("admin/", admin.site.urls),
    path("dashboard/", include("accounts.dashboard_urls")),
    path("", include("payments.urls")),
    path("", include("customers.urls")),
]
