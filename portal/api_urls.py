from django.urls import path

from portal import api

urlpatterns = [
    path("customer/signin-link", api.SigninLinkView.as_view(), name="customer-signin-link"),
    path("customer/me", api.MeView.as_view(), name="customer-me"),
    path("cal/<str:secret>.ics", api.calendar_feed, name="customer-calendar"),
]
