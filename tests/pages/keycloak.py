"""Keycloak's login pages in our theme (keycloak.v2 parent), as a person uses them."""
from __future__ import annotations

from playwright.sync_api import Page

ERRORS = '[id^="input-error"], .kc-feedback-text'


class KeycloakPage:
    def __init__(self, page: Page):
        self.page = page

    def messages(self) -> str:
        """Every error or notice shown on the page, as one text."""
        return " ".join(t.strip() for t in self.page.locator(ERRORS).all_inner_texts())

    def heading(self) -> str:
        return self.page.locator("#kc-page-title").inner_text().strip()

    def screenshot(self, path) -> None:
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(path), full_page=True)


class LoginPage(KeycloakPage):
    def sign_in(self, username: str, password: str) -> None:
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#kc-login")
        self.page.wait_for_load_state()

    def forgot_password(self) -> None:
        self.page.click('a[href*="reset-credentials"]')
        self.page.wait_for_load_state()


class UpdatePasswordPage(KeycloakPage):
    def is_shown(self) -> bool:
        return self.page.locator("#password-new").count() == 1

    def set_password(self, password: str, confirm: str | None = None) -> None:
        self.page.fill("#password-new", password)
        self.page.fill("#password-confirm", password if confirm is None else confirm)
        self.page.click("#kc-submit")
        self.page.wait_for_load_state()


class TermsPage(KeycloakPage):
    def is_shown(self) -> bool:
        return self.page.locator("#kc-accept").count() == 1

    def text(self) -> str:
        return self.page.locator("#kc-content-wrapper, .pf-v5-c-login__main-body").first.inner_text()

    def accept(self) -> None:
        self.page.click("#kc-accept")
        self.page.wait_for_load_state()


class ProfilePage(KeycloakPage):
    """The update-profile page a new account confirms at first sign-in."""

    def is_shown(self) -> bool:
        return self.page.locator('form#kc-update-profile-form').count() == 1

    def value(self, field: str) -> str:
        return self.page.input_value(f'[name="{field}"]')

    def confirm(self) -> None:
        self.page.click('#kc-update-profile-form [type="submit"]')
        self.page.wait_for_load_state()


class ResetCredentialsPage(KeycloakPage):
    """The stock "forgot password" page: asks for the account."""

    def request(self, username: str) -> None:
        self.page.fill("#username", username)
        self.page.click('#kc-reset-password-form [type="submit"]')
        self.page.wait_for_load_state()
