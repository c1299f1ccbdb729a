"""Admin building blocks shared by the apps' admin modules, and the site's titles.

Alera staff use the admin for support: look up any tenant's records, fix plain data, audit.
State that a service owns (seats, money, ledgers, key hashes) is never edited here directly;
the apps' admin actions call the same services the API and dashboard call.
"""

import logging

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from alera.errors import DomainError
from alera.models import Event

logger = logging.getLogger(__name__)

admin.site.site_header = "Alera staff admin"
admin.site.site_title = "Alera admin"
admin.site.index_title = "Support: every studio's records"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: for append-only ledgers and records only services may write."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoAddNoDeleteAdmin(admin.ModelAdmin):
    """Rows a service creates (payments, bookings): staff may fix plain fields, not create
    or delete them. List what a service owns in `readonly_fields`."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def run_per_object(modeladmin, request, queryset, fn, *, verb: str) -> int:
    """Call `fn(obj)` for every selected row; report successes and failures as messages.

    One failing row (a refund the gateway refused, a row in the wrong state) doesn't stop
    the others; each failure is named so staff can follow up. Returns the success count.
    """
    done = 0
    for obj in queryset:
        try:
            fn(obj)
        except DomainError as exc:
            _refused(modeladmin, request, obj, verb, exc.message)
        except ValidationError as exc:
            _refused(modeladmin, request, obj, verb, "; ".join(exc.messages))
        except Exception as exc:  # a bug or an outage: the other rows still get their turn
            logger.warning("admin action %r failed for %s", verb, obj, exc_info=True)
            _refused(modeladmin, request, obj, verb, str(exc) or type(exc).__name__)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"{verb.capitalize()}: {done} done.", messages.SUCCESS)
    return done


def _refused(modeladmin, request, obj, verb: str, message: str) -> None:
    modeladmin.message_user(request, f"{obj}: could not {verb}: {message}", messages.ERROR)


def resend_email_action(*, kind: str, id_kwarg: str, description: str, eligible=None):
    """An admin action queueing the `kind` email again for every selected (eligible) row,
    through the one email registry (`alera.emails.email_queue`), sent after commit."""

    @admin.action(description=description, permissions=["view"])
    def resend(modeladmin, request, queryset) -> None:
        from alera.emails import email_queue

        selected = queryset.count()
        rows = queryset.filter(eligible) if eligible is not None else queryset
        with transaction.atomic():
            queued = 0
            for pk in rows.values_list("pk", flat=True):
                email_queue(kind, **{id_kwarg: pk})
                queued += 1
        if queued:
            modeladmin.message_user(request, f"Queued {queued} {kind} email(s).", messages.SUCCESS)
        if skipped := selected - queued:
            modeladmin.message_user(
                request, f"Skipped {skipped} row(s) with nothing to resend.", messages.WARNING
            )

    resend.__name__ = f"resend_{kind}"
    return resend


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The activity log: searchable by kind, subject, class, customer or actor; never edited."""

    list_display = ("occurred_at", "provider", "kind", "subject_id", "actor_kind", "actor_user")
    list_filter = ("kind", "actor_kind")
    search_fields = (
        "kind",
        "subject_id",
        "class_id",
        "client_id",
        "actor_label",
        "actor_user__email",
        "provider__handle",
        "public_id",
    )
    list_select_related = ("provider", "actor_user")
    raw_id_fields = ("provider", "actor_user")
    date_hierarchy = "occurred_at"
