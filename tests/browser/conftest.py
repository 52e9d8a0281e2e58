import pytest

from stack.keycloak import CaptchaAnswers
from sync_service.adapters.keycloak_groups import ensure_grant_group
from tests.integration.admin_console.world import ManagerWorld
from tests.pages.keycloak import LoginPage
from tests.pages.screening_client import ScreeningClientPage


@pytest.fixture
def screening(page, screening_client) -> ScreeningClientPage:
    return ScreeningClientPage(page, screening_client)


@pytest.fixture
def login_page(page) -> LoginPage:
    return LoginPage(page)


@pytest.fixture
def grant(admin):
    """Give a user a grant: membership of the (institution, category, level) group."""

    def give(user: dict, institution: str, category: str, level: str = "user") -> None:
        group = ensure_grant_group(admin, institution, category, level)
        admin.group_user_add(user["id"], group["id"])

    return give


@pytest.fixture
def world(admin, make_user, keycloak) -> ManagerWorld:
    """Two institutions' pairs with their console permissions, and the manager of one
    (institution a, CRC-COL): the console tests' manager."""
    w = ManagerWorld(admin=admin, make_user=make_user, base_url=keycloak.url)
    w.provision()
    return w


@pytest.fixture(scope="session")
def captcha_answers(keycloak) -> CaptchaAnswers:
    return CaptchaAnswers(keycloak.log_file)
