"""Keycloak's account console and admin console, as far as a person of ours uses them."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.support.personal_data import national_id

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

    def sign_in(self, person: dict, settle: bool = True) -> None:
        """settle=False: wait for the users list only (a busy console may never fall network-idle)."""
        self.page.goto(f"{self.base}/users")
        self.page.fill("#username", person["username"])
        self.page.fill("#password", person["password"])
        self.page.click("#kc-login")
        self.page.wait_for_selector("[data-testid=add-user]")
        if settle:
            self.page.wait_for_load_state("networkidle")

    def open_new_user_form(self) -> None:
        self.page.click("[data-testid=add-user]")
        self.page.wait_for_selector("#lastName")
        self.page.wait_for_load_state("networkidle")

    def create_user(self, new: dict, institution: str, category: str, level: str = "users") -> str:
        """Fill the new-user form (the realm's profile: names, e-mail, phone, department), join
        the grant group through the group picker, save; returns the new user's id."""
        self.page.click("[data-testid=add-user]")
        self.page.wait_for_selector("#kc-join-groups-button")
        self.page.fill("#username", new["username"])
        self.page.fill("#email", new["email"])
        self.page.fill("#lastName", new.get("lastName", "林"))
        self.page.fill("#firstName", new.get("firstName", "雅婷"))
        self.page.locator('[name="attributes.phone"]').fill(new.get("phone", "(02)2559-1969#117"))
        self.page.locator('[name="attributes.department"]').fill(new.get("department", "檢驗科"))
        self.page.locator('[name="attributes.nationalId"]').fill(new.get("nationalId") or national_id())
        self.page.click("#kc-join-groups-button")
        dialog = self.page.locator("[role=dialog]")
        for step in ("institutions", institution, category):
            dialog.get_by_text(step, exact=True).click()
        dialog.locator("tr, li").filter(has_text=re.compile(rf"^\s*{level}\s*$")).locator(
            "input[type=checkbox]"
        ).check()
        dialog.locator("footer button").first.click()  # join (加入)
        self.page.locator("form").get_by_text(level).first.wait_for()
        self.page.click("[data-testid=user-creation-save]")
        self.page.wait_for_url(re.compile(r"/users/[0-9a-f-]{36}/settings"))
        return re.search(r"/users/([0-9a-f-]{36})/settings", self.page.url).group(1)

    def open_user(self, user_id: str, settle: bool = True) -> None:
        self.page.goto(f"{self.base}/users/{user_id}/settings")
        self.page.wait_for_selector("[data-testid=user-details-tab]")
        if settle:
            self.page.wait_for_load_state("networkidle")

    def open_tab(self, testid: str, settle: bool = True) -> None:
        self.page.click(f"[data-testid={testid}]")
        if settle:
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
