"""Dashboard pages for the catalogue: services (class types) and instructors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.dashboard import dash_render, dashboard_view, form_fail, tenant_get
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
    form = ServiceForm(
        request.POST if request.method == "POST" else None, provider=request.provider
    )
    if request.method == "POST" and form.is_valid():
        try:
            service = service_create(provider=request.provider, **form.service_fields())
        except ValidationError as exc:
            form_fail(form, exc)
        else:
            messages.success(request, f"Service “{service.name}” created. Now schedule it.")
            return redirect("dash-services")
    return dash_render(
        request,
        "dashboard/form.html",
        {"form": form, "title": "New service", "submit": "Create service", "back": "../"},
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def service_edit(request, public_id: str):
    service = tenant_get(Service, request, public_id)
    form = ServiceForm(request.POST if request.method == "POST" else None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            service_update(service=service, **form.service_fields())
        except ValidationError as exc:
            form_fail(form, exc)
        else:
            messages.success(request, "Service saved. Sessions already scheduled keep their price.")
            return redirect("dash-services")
    return dash_render(
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
    form = InstructorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            instructor = instructor_create(provider=request.provider, **form.cleaned_data)
        except ValidationError as exc:
            form_fail(form, exc)
        else:
            messages.success(request, f"{instructor.name} added.")
            return redirect("dash-instructors")
    return dash_render(
        request,
        "dashboard/form.html",
        {"form": form, "title": "New instructor", "submit": "Add instructor", "back": "../"},
    )


@dashboard_view
@require_http_methods(["GET", "POST"])
def instructor_edit(request, public_id: str):
    instructor = tenant_get(Instructor, request, public_id)
    initial = {"name": instructor.name, "email": instructor.email, "bio": instructor.bio}
    form = InstructorForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            instructor_update(instructor=instructor, **form.cleaned_data)
        except ValidationError as exc:
            form_fail(form, exc)
        else:
            messages.success(request, "Instructor saved.")
            return redirect("dash-instructors")
    return dash_render(
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
