"""Dashboard routes (/dashboard/): every page a studio owner or staff member uses."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views as accounts
from accounts.throttling import ThrottledPasswordResetView
from classes import views as catalogue
from classes import views_appointments as appointments
from classes import views_roster as roster
from classes import views_schedule as schedule
from customers import views_dashboard as customers
from payments import views_dashboard as money

AUTH_TEMPLATE = "dashboard/auth.html"

auth_patterns = [
    path("signup/", accounts.signup, name="dash-signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name=AUTH_TEMPLATE,
            redirect_authenticated_user=True,
            extra_context={"title": "Log in to Alera", "submit": "Log in", "login": True},
        ),
        name="dash-login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="dash-logout"),
    path(
        "password-reset/",
        ThrottledPasswordResetView.as_view(
            template_name=AUTH_TEMPLATE,
            email_template_name="dashboard/auth/password_reset_email.txt",
            subject_template_name="dashboard/auth/password_reset_subject.txt",
            success_url=reverse_lazy("dash-password-reset-done"),
            extra_context={
                "title": "Reset your password",
                "intro": "We'll email you a link to choose a new password.",
                "submit": "Send reset link",
            },
        ),
        name="dash-password-reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="dashboard/auth/message.html",
            extra_context={
                "title": "Check your email",
                "message": "If an account uses that address, a reset link is on its way.",
            },
        ),
        name="dash-password-reset-done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="dashboard/auth/reset_confirm.html",
            success_url=reverse_lazy("dash-password-reset-complete"),
            post_reset_login=True,
            post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
            extra_context={"title": "Choose a password", "submit": "Save password"},
        ),
        name="dash-password-reset-confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="dashboard/auth/message.html",
            extra_context={"title": "Password saved", "message": "You're all set."},
        ),
        name="dash-password-reset-complete",
    ),
    path("studio/new/", accounts.studio_new, name="dash-studio-new"),
    path("studio/switch/", accounts.studio_switch, name="dash-switch"),
]

# Every page below is login-required and scoped to the current studio.
studio_patterns = [
    path("", accounts.home, name="dash-home"),
    path("settings/", accounts.settings_page, name="dash-settings"),
    path("settings/avatar/", accounts.settings_avatar, name="dash-settings-avatar"),
    path("settings/stripe/connect/", money.stripe_connect, name="dash-stripe-connect"),
    path("settings/stripe/refresh/", money.stripe_refresh, name="dash-stripe-refresh"),
    path("settings/stripe/return/", money.stripe_refresh, name="dash-stripe-return"),
    path("keys/", accounts.keys, name="dash-keys"),
    path("keys/<str:prefix>/revoke/", accounts.key_revoke, name="dash-key-revoke"),
    path("team/", accounts.team, name="dash-team"),
    path("services/", catalogue.services, name="dash-services"),
    path("services/new/", catalogue.service_new, name="dash-service-new"),
    path("services/<str:public_id>/edit/", catalogue.service_edit, name="dash-service-edit"),
    path(
        "services/<str:public_id>/archive/",
        catalogue.service_archive_view,
        name="dash-service-archive",
    ),
    path("instructors/", catalogue.instructors, name="dash-instructors"),
    path("instructors/new/", catalogue.instructor_new, name="dash-instructor-new"),
    path(
        "instructors/<str:public_id>/edit/",
        catalogue.instructor_edit,
        name="dash-instructor-edit",
    ),
    path(
        "instructors/<str:public_id>/archive/",
        catalogue.instructor_archive_view,
        name="dash-instructor-archive",
    ),
    path("schedule/", schedule.schedule, name="dash-schedule"),
    path("schedule/new/", schedule.session_new, name="dash-session-new"),
    path("schedule/series/new/", schedule.series_new, name="dash-series-new"),
    path("sessions/<str:public_id>/", roster.session_detail, name="dash-session"),
    path("sessions/<str:public_id>/edit/", schedule.session_edit, name="dash-session-edit"),
    path(
        "sessions/<str:public_id>/cancel/",
        schedule.session_cancel_view,
        name="dash-session-cancel",
    ),
    path(
        "bookings/<str:public_id>/cancel/",
        roster.enrollment_cancel_view,
        name="dash-enrollment-cancel",
    ),
    path(
        "bookings/<str:public_id>/<str:action>/",
        roster.enrollment_action,
        name="dash-enrollment-action",
    ),
    path(
        "waitlist/<str:public_id>/promote/",
        roster.waitlist_promote_view,
        name="dash-waitlist-promote",
    ),
    path("blackouts/", schedule.blackouts, name="dash-blackouts"),
    path(
        "blackouts/<str:public_id>/delete/",
        schedule.blackout_delete_view,
        name="dash-blackout-delete",
    ),
    path("appointments/", appointments.appointments, name="dash-appointments"),
    path("appointments/new/", appointments.appointment_new, name="dash-appointment-new"),
    path(
        "appointments/<str:public_id>/<str:action>/",
        appointments.appointment_action,
        name="dash-appointment-action",
    ),
    path("customers/", customers.customers, name="dash-customers"),
    path("customers/<str:public_id>/", customers.customer_detail, name="dash-customer"),
    path("packs/", money.packs, name="dash-packs"),
    path("packs/new/", money.package_type_new, name="dash-package-type-new"),
    path(
        "packs/types/<str:public_id>/edit/", money.package_type_edit, name="dash-package-type-edit"
    ),
    path("packs/<str:public_id>/", money.package_detail, name="dash-package"),
    path("gift-cards/", money.gift_cards, name="dash-gift-cards"),
    path("gift-cards/<str:public_id>/", money.gift_card_detail, name="dash-gift-card"),
]

urlpatterns = auth_patterns + studio_patterns
