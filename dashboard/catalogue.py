"""Dashboard pages for the catalogue: services (class types) and instructors."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dashboard import bound_form, dash_render, dashboard_view, form_save, tenant_get
from classes.forms import InstructorForm, ServiceForm
from classes.models import Instructor, Service
from classes.services.catalog import (
    instructor_archive,
    instructor_create,
    instructor_update,
    service_archive,
    service_create,
    service_update,
)


@dashboard_view
def services(request):
    rows = Service.objects.filter(provider=request.provider).order_by("archived_at", "name")
    return dash_render(request, "dashboard/services.html", {"services": rows})


@dashboard_view
@require_http_methods(["GET", "POST"])
def service_new(request):
    form = bound_form(ServiceForm, request, provider=request.provider)
    saved = form_save(
        request,
        form,
        lambda: service_create(provider=request.provider, **form.service_fields()),
        message=lambda service: f"Service “{service.name}” created. Now schedule it.",
        then="dash-services",
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {"form": form, "title": "New service", "submit": "Create service", "back": "../"},
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def service_edit(request, public_id: str):
    service = tenant_get(Service, request, public_id)
    form = bound_form(ServiceForm, request, service=service)
    saved = form_save(
        request,
        form,
        lambda: service_update(service=service, **form.service_fields()),
        message="Service saved. Sessions already scheduled keep their price.",
        then="dash-services",
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {"form": form, "title": f"Edit {service.name}", "back": "/dashboard/services/"},
    )


@dashboard_view
@require_POST
def service_archive_view(request, public_id: str):
    service = tenant_get(Service, request, public_id)
    service_archive(service=service)
    messages.success(request, f"“{service.name}” archived: it can no longer be scheduled.")
    return redirect("dash-services")


@dashboard_view
def instructors(request):
    rows = Instructor.objects.filter(provider=request.provider).order_by("archived_at", "name")
    return dash_render(request, "dashboard/instructors.html", {"instructors": rows})


@dashboard_view
@require_http_methods(["GET", "POST"])
def instructor_new(request):
    form = bound_form(InstructorForm, request)
    saved = form_save(
        request,
        form,
        lambda: instructor_create(provider=request.provider, **form.cleaned_data),
        message=lambda instructor: f"{instructor.name} added.",
        then="dash-instructors",
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {"form": form, "title": "New instructor", "submit": "Add instructor", "back": "../"},
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def instructor_edit(request, public_id: str):
    instructor = tenant_get(Instructor, request, public_id)
    initial = {"name": instructor.name, "email": instructor.email, "bio": instructor.bio}
    form = bound_form(InstructorForm, request, initial=initial)
    saved = form_save(
        request,
        form,
        lambda: instructor_update(instructor=instructor, **form.cleaned_data),
        message="Instructor saved.",
        then="dash-instructors",
    )
    return saved or dash_render(
        request,
        "dashboard/form.html",
        {"form": form, "title": f"Edit {instructor.name}", "back": "/dashboard/instructors/"},
    )


@dashboard_view
@require_POST
def instructor_archive_view(request, public_id: str):
    instructor = tenant_get(Instructor, request, public_id)
    instructor_archive(instructor=instructor)
    messages.success(request, f"{instructor.name} archived.")
    return redirect("dash-instructors")
