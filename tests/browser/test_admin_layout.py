"""Staff admin pages fit a 1280-pixel screen: no sideways scrolling on busy changelists."""

from tests import factories
from tests.browser.conftest import screenshot

PASSWORD = "a-long-admin-password"


def _sign_in(page) -> None:
    factories.UserFactory(
        email="staff@alera.example", is_staff=True, is_superuser=True, password=PASSWORD
    )
    page.goto("/admin/login/")
    page.get_by_label("Email").fill("staff@alera.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_the_enrollment_changelist_fits_1280_pixels(page):
    provider = factories.ProviderFactory(
        handle="long-studio-handle-for-layout", display_name="A Studio With A Long Name"
    )
    for n in range(3):
        factories.EnrollmentFactory(
            class_session__provider=provider,
            class_session__service__name="Reformer Pilates Intermediate Flow",
            client__name=f"Alexandra Montgomery-Fitzgerald {n}",
            client__email=f"alexandra.montgomery.fitzgerald{n}@example-mail.com",
            paid_with="card",
            amount_paid_cents=2000,
        )
    _sign_in(page)
    page.goto("/admin/classes/enrollment/")
    screenshot(page, "admin-enrollment-changelist")
    page_overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    table_overflow = page.evaluate(
        "() => { const box = document.querySelector('#changelist .results');"
        " return box.scrollWidth - box.clientWidth; }"
    )
    assert page_overflow <= 0
    assert table_overflow <= 0
    assert page.get_by_text("alexandra.montgomery.fitzgerald0@example-mail.com").is_visible()
