from django.urls import path

from payments import views

urlpatterns = [
    path("webhooks/stripe/", views.stripe_webhook, name="stripe-webhook"),
    path("dev/checkout/<str:session_id>", views.dev_checkout, name="dev-checkout"),
    path("dev/connect/<str:provider_id>", views.dev_connect, name="dev-connect"),
]
