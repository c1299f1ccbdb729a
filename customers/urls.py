from django.urls import path

from customers import portal_actions, portal_views

urlpatterns = [
    path("me/signed-out", portal_views.portal_signed_out, name="portal-signed-out"),
    path("me/new-link", portal_views.portal_new_link, name="portal-new-link"),
    path("me/cancel/<str:token>", portal_actions.cancel_by_link, name="portal-cancel-link"),
    path("me/tip/<str:token>", portal_actions.tip_page, name="portal-tip"),
    path("me/<str:token>", portal_views.portal_home, name="portal-home"),
    path(
        "me/<str:token>/bookings/<str:enrollment_id>/cancel",
        portal_actions.cancel_from_portal,
        name="portal-cancel",
    ),
    path(
        "me/<str:token>/gift-card",
        portal_views.portal_gift_card_check,
        name="portal-gift-card",
    ),
    path(
        "me/<str:token>/calendar/rotate",
        portal_views.portal_rotate_calendar,
        name="portal-rotate-calendar",
    ),
    path("me/<str:token>/sign-out", portal_views.portal_sign_out, name="portal-sign-out"),
]
