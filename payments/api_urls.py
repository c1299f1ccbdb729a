from django.urls import path

from payments import api

urlpatterns = [
    path("packages/start", api.PackageStartView.as_view(), name="api-packages-start"),
    path("gift-cards/start", api.GiftCardStartView.as_view(), name="api-gift-cards-start"),
]
