"""Dashboard routes (/dashboard/): the owner's pages, added by the dashboard work."""

urlpatterns: list = []
