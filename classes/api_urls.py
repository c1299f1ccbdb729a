from django.urls import path

from classes import api

urlpatterns = [
    path("classes", api.ClassListView.as_view(), name="api-classes"),
    path("classes/<str:class_id>", api.ClassDetailView.as_view(), name="api-class"),
    path("classes/<str:class_id>/book", api.BookView.as_view(), name="api-class-book"),
    path("classes/<str:class_id>/waitlist", api.WaitlistView.as_view(), name="api-class-waitlist"),
    path(
        "enrollments/<str:enrollment_id>/cancel",
        api.EnrollmentCancelView.as_view(),
        name="api-enrollment-cancel",
    ),
    path("gift-cards/redeem", api.GiftCardRedeemView.as_view(), name="api-gift-cards-redeem"),
    path("tip/start", api.TipStartView.as_view(), name="api-tip-start"),
]
