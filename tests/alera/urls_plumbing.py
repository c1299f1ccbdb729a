"""A probe endpoint on the real API plumbing, for testing that plumbing in isolation."""

from django.urls import include, path
from rest_framework.response import Response

from accounts.api_views import TenantAPIView


class Probe(TenantAPIView):
    rate_limit = "3/m"

    def get(self, request):
        return Response({"provider": request.provider.handle})

    def post(self, request):
        if request.data.get("explode"):
            raise RuntimeError("boom")
        return Response({"echo": request.data})


urlpatterns = [
    path("api/probe", Probe.as_view()),
    path("", include("alera.urls")),
]
