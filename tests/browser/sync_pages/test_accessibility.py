"""Every page: no serious accessibility violation (axe-core), usable by keyboard
and on a phone's width, nothing loaded from elsewhere (R-PD-3)."""

from __future__ import annotations

import pytest

from tests.pages.sync_pages import ServicePage
from tests.support.sync import new_account_name

from .test_applicant_to_approval import file_type_a

pytestmark = pytest.mark.browser


def test_the_remaining_pages_pass_axe_and_fit_a_phone(
    shoot,
    service,
    apply_page,
    application_page,
    browser,
    base_url,
    make_user,
    sign_in,
    page,
    institution,
    csp_violations,
):
    """Covers: R-PD-3"""
    file_type_a(apply_page, service, institution, new_account_name("x"))
    reference = application_page.reference()
    pages = {
        "home": "/",
        "status": "/status",
        "printed-form-1": f"/applications/{reference}/forms/form-1",
        "printed-affidavit": f"/applications/{reference}/forms/unit-affidavit",
        "not-found": "/applications/K7Q3-MX9P-2F4D",
    }
    shown = ServicePage(page, base_url)
    for name, path in pages.items():
        page.goto(base_url + path)
        assert shown.serious_accessibility_violations() == [], name
        assert shown.help_desk()["email"] == "cancer_integrate@iisigroup.com", name
        shoot(shown, name)
    person = make_user()
    sign_in(person, "/mine")
    assert shown.serious_accessibility_violations() == []
    page.click("#sign-out")
    page.wait_for_selector("#signed-out")
    assert shown.serious_accessibility_violations() == []

    # A phone: the form fits the width, and the keyboard reaches the first field first after the skip link.
    phone = browser.new_context(locale="zh-TW", viewport={"width": 375, "height": 740}, is_mobile=True)
    small = phone.new_page()
    small.goto(f"{base_url}/apply?type=A")
    assert small.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    small.keyboard.press("Tab")
    assert small.evaluate("() => document.activeElement.className") == "skip"
    small.keyboard.press("Enter")
    phone_page = ServicePage(small, base_url)
    assert phone_page.serious_accessibility_violations() == []
    shoot(phone_page, "apply-phone")
    phone.close()
    assert csp_violations == []
