"""Keycloak's account console and admin console, as far as a person of ours uses them."""
from __future__ import annotations

from playwright.sync_api import Page

REALM = "cancer-screening"


class AccountConsole:
    def __init__(self, page: Page, keycloak_url: str):
        self.page = page
        self.url = f"{keycloak_url}/realms/{REALM}/account/"

    def open_personal_info(self) -> None:
        """The account console's first page: the profile form (signs in first if asked)."""
        self.page.goto(self.url)
        self.page.wait_for_selector("#firstName")

    def open_signing_in(self) -> None:
        self.page.goto(self.url + "#/account-security/signing-in")
        self.page.wait_for_selector("[data-testid=page-heading], h1")

    def signed_in_name(self) -> str:
        return self.page.locator("header").inner_text()


class AdminConsole:
    """The admin console of our realm, as an institution manager sees it."""

    def __init__(self, page: Page, keycloak_url: str):
        self.page = page
        self.base = f"{keycloak_url}/admin/{REALM}/console/#/{REALM}"

    def sign_in(self, person: dict) -> None:
        self.page.goto(f"{self.base}/users")
        self.page.fill("#username", person["username"])
        self.page.fill("#password", person["password"])
        self.page.click("#kc-login")
        self.page.wait_for_selector("[data-testid=add-user]")
        self.page.wait_for_load_state("networkidle")

    def open_new_user_form(self) -> None:
        self.page.click("[data-testid=add-user]")
        self.page.wait_for_selector("#lastName")
        self.page.wait_for_load_state("networkidle")

    def open_user(self, user_id: str) -> None:
        self.page.goto(f"{self.base}/users/{user_id}/settings")
        self.page.wait_for_selector("[data-testid=user-details-tab]")
        self.page.wait_for_load_state("networkidle")

    def open_tab(self, testid: str) -> None:
        self.page.click(f"[data-testid={testid}]")
        self.page.wait_for_load_state("networkidle")

    def reset_password(self, password: str) -> str:
        """Set a password in the credentials tab; returns the alert the console shows."""
        self.page.click("[data-testid=resetPasswordBtn]")
        self.page.fill("[data-testid=passwordField]", password)
        self.page.fill("[data-testid=passwordConfirmationField]", password)
        # The password dialog's save, then the console's "are you sure" dialog.
        self.page.locator("[role=dialog]:has([data-testid=passwordField]) footer button").first.click()
        self.page.locator("[role=dialog]:not(:has([data-testid=passwordField])) footer button").first.click()
        alert = self.page.locator(".pf-v5-c-alert").first
        alert.wait_for()
        return alert.inner_text()
