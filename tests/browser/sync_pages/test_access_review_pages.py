"""Access reviews on the sync service's pages: the manager confirms by keyboard, HPA
sees who has not answered; both pages pass axe-core, zh-Hant first with English."""

from __future__ import annotations

import pytest

from sync_service.domain import Level
from sync_service.services.clock import utcnow
from tests.pages.sync_pages import AccessReviewOverviewPage, AccessReviewPage

pytestmark = pytest.mark.browser


def test_a_manager_confirms_users_and_hpa_sees_who_has_not_answered(
    service, page, base_url, sign_in, make_user, reviewer, admin, institution, mail, shoot, csp_violations
):
    """Covers: R-USR-2"""
    from sync_service.adapters.keycloak_groups import ensure_grant_group

    category = "CER-COL"
    manager, stays, leaves = make_user(), make_user(), make_user()
    for person, level in ((manager, Level.MANAGER), (stays, Level.USER), (leaves, Level.USER)):
        admin.group_user_add(person["id"], ensure_grant_group(admin, institution, category, level)["id"])
    [job] = [j for j in service.scheduled_jobs() if j.name == "access-reviews"]
    job.run(utcnow())
    mail.wait_for(manager["email"])

    overview = AccessReviewOverviewPage(page, base_url)
    sign_in(reviewer, "/review/access-reviews")
    assert overview.answered(institution, category) is False
    assert "尚未回覆的機構" in page.inner_text("#unanswered-count")
    assert overview.serious_accessibility_violations() == []
    shoot(overview, "access-review-overview")

    reviews = AccessReviewPage(page, base_url)
    sign_in(manager, "/access-reviews")
    assert sorted(reviews.users_listed(institution, category)) == sorted([stays["username"], leaves["username"]])
    assert page.locator(f'label[for="confirm-{stays["username"]}"]').inner_text().endswith("still works here")
    assert reviews.serious_accessibility_violations() == []
    reviews.confirm_by_keyboard(institution, category, [stays["username"]])
    assert reviews.ticked(institution, category) == [stays["username"]]
    assert "已收到您的確認" in page.inner_text("#answered")
    assert reviews.serious_accessibility_violations() == []
    shoot(reviews, "access-review-manager")

    sign_in(reviewer, "/review/access-reviews")
    assert overview.answered(institution, category) is True
    assert csp_violations == []


def test_a_person_who_manages_nothing_has_nothing_to_confirm(service, page, base_url, sign_in, make_user):
    """Covers: R-USR-4"""
    person = make_user()
    sign_in(person, "/access-reviews")
    assert page.locator("#no-reviews").is_visible()
    assert page.locator("form.access-review").count() == 0
