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

    def open_sign_in_page(self) -> None:
        """The account console, signed out: Keycloak's sign-in page."""
        self.page.goto(self.url)
        self.page.wait_for_selector("#kc-login")

    def sign_in(self, person: dict) -> None:
        """Sign in with the person's own password; the page is then wherever Keycloak leads
        (the console, or a step the person still has to take)."""
        self.open_sign_in_page()
        self.page.fill("#username", person["username"])
        self.page.fill("#password", person["password"])
        self.page.click("#kc-login")
        self.page.wait_for_load_state()

    def open_signing_in(self) -> None:
        self.page.goto(self.url + "#/account-security/signing-in")
        self.page.wait_for_selector("[data-testid=page-heading], h1")

    def signed_in_name(self) -> str:
        return self.page.locator("header").inner_text()


class AdminConsole:
    """The admin console of our realm, as an institution manager sees it. Each step waits for its
    own content: the console keeps polling, so "network idle" may never come on a busy machine."""

    def __init__(self, page: Page, keycloak_url: str):
        self.page = page
        self.base = f"{keycloak_url}/admin/{REALM}/console/#/{REALM}"

    def sign_in(self, person: dict, settle: bool = True) -> None:
        self.page.goto(f"{self.base}/users")
        self.page.fill("#username", person["username"])
        self.page.fill("#password", person["password"])
        self.page.click("#kc-login")
        self.page.wait_for_selector("[data-testid=add-user]")

    def sign_in_refused(self, person: dict) -> None:
        """A person the console refuses (no manager rights): its denial page."""
        self.page.goto(f"{self.base}/users")
        self.page.fill("#username", person["username"])
        self.page.fill("#password", person["password"])
        self.page.click("#kc-login")
        self.page.wait_for_selector("#app .pf-v5-c-alert")

    def load_again(self) -> None:
        """The console loaded again (the refusal's 重新載入, or the browser's): without a session,
        Keycloak's sign-in page."""
        self.page.reload()
        self.page.wait_for_selector("#kc-login")

    def refusal(self) -> str:
        """The console's page for a person it does not (or no longer) serve: its words."""
        alert = self.page.locator("#app .pf-v5-c-alert")
        alert.wait_for()
        return alert.inner_text()

    def open_listed_user(self, username: str) -> None:
        """A step in the console: the user list's link to one user (then whatever the console shows)."""
        self.page.locator("table").get_by_text(username, exact=True).click()

    def open_new_user_form(self) -> None:
        self.page.click("[data-testid=add-user]")
        self.page.wait_for_selector("#lastName")
        self.page.wait_for_selector("#kc-join-groups-button")

    def fill_new_user(self, new: dict) -> None:
        self.page.fill("#username", new["username"])
        self.page.fill("#email", new["email"])
        self.page.fill("#lastName", new.get("lastName", "林"))
        self.page.fill("#firstName", new.get("firstName", "雅婷"))
        self.page.locator('[name="attributes.phone"]').fill(new.get("phone", "(02)2559-1969#117"))
        self.page.locator('[name="attributes.department"]').fill(new.get("department", "檢驗科"))
        self.page.locator('[name="attributes.nationalId"]').fill(new.get("nationalId") or national_id())

    def create_user(self, new: dict, institution: str, category: str, level: str = "users") -> str:
        """Fill the new-user form (the realm's profile: names, e-mail, phone, department), join
        the grant group through the group picker, save; returns the new user's id."""
        self.page.click("[data-testid=add-user]")
        self.page.wait_for_selector("#kc-join-groups-button")
        self.fill_new_user(new)
        self.pick_group(institution, category, level)
        self.page.click("[data-testid=user-creation-save]")
        self.page.wait_for_url(re.compile(r"/users/[0-9a-f-]{36}/settings"))
        return re.search(r"/users/([0-9a-f-]{36})/settings", self.page.url).group(1)

    def open_group_picker(self, *steps: str) -> None:
        """The create form's group picker, walked down `steps` (institutions, a code, a category).
        Rows are found by the group's name (data-testid): the theme adds the names beside it."""
        self.page.click("#kc-join-groups-button")
        dialog = self.page.locator("[role=dialog]")
        for step in steps:
            dialog.locator(f'[data-testid="{step}"]').click()
            dialog.locator("nav[aria-label=Breadcrumb]").get_by_text(step).first.wait_for()

    def pick_group(self, institution: str, category: str, level: str = "users") -> None:
        """institutions › code › category, tick the level, join."""
        self.open_group_picker("institutions", institution, category)
        dialog = self.page.locator("[role=dialog]")
        dialog.locator(f'[data-testid="{level}-check"]').check()
        dialog.locator("footer button").first.click()  # join (加入)
        self.page.locator("form").get_by_text(f"/{category}/{level}").first.wait_for()

    def open_user(self, user_id: str, settle: bool = True) -> None:
        self.page.goto(f"{self.base}/users/{user_id}/settings")
        self.page.wait_for_selector("[data-testid=user-details-tab]")

    def open_tab(self, testid: str, settle: bool = True) -> None:
        self.page.click(f"[data-testid={testid}]")
        self.page.wait_for_selector(f"[data-testid={testid}][aria-selected=true]")

    def open_group_members(self, group_id: str) -> None:
        # 26.7.3's group tabs are not routes (a path's parts are group ids): open the group, then its tab.
        self.page.goto(f"{self.base}/groups/{group_id}")
        self.page.click("[data-testid=members]")
        self.page.wait_for_selector('table[data-testid="members-table"] tbody tr')

    def open_password_dialog(self) -> None:
        self.page.click("[data-testid=resetPasswordBtn]")
        self.page.wait_for_selector("[role=dialog] [data-testid=passwordField]")

    def send_actions_mail(self, action_name: str) -> str:
        """The credentials tab's "credential reset": pick one required action by (part of) its
        realm name, send the mail; returns the alert the console shows."""
        self.open_tab("credentials", settle=False)
        self.page.click("[data-testid=credentialResetBtn]")
        dialog = self.page.locator("[data-testid=credential-reset-modal]")
        dialog.locator("input").first.click()
        self.page.get_by_role("option", name=re.compile(action_name)).click()
        self.page.locator("[role=dialog] footer button").first.click()
        alert = self.page.locator(".pf-v5-c-alert").first
        alert.wait_for()
        return alert.inner_text()

    def reset_password(self, password: str) -> str:
        """Set a password in the credentials tab; returns the alert the console shows."""
        self.open_password_dialog()
        self.page.fill("[data-testid=passwordField]", password)
        self.page.fill("[data-testid=passwordConfirmationField]", password)
        # The password dialog's save, then the console's "are you sure" dialog.
        self.page.locator("[role=dialog]:has([data-testid=passwordField]) footer button").first.click()
        self.page.locator("[role=dialog]:not(:has([data-testid=passwordField])) footer button").first.click()
        # The console's toast about the password (an earlier toast may still be showing).
        alert = self.page.locator(".pf-v5-c-alert").filter(has_text=re.compile("密碼|[Pp]assword")).last
        alert.wait_for()
        return alert.inner_text()

    def open_setup_mail_dialog(self) -> None:
        """The credentials tab's button that mails the person a link (Keycloak's execute-actions)."""
        self.page.click("[data-testid=credentialResetBtn]")
        self.page.wait_for_selector("[data-testid=credential-reset-modal]")

    def send_setup_mail(self, action: str = "Update password") -> None:
        """In the set-up mail dialog: ask for one action (by its realm name's English half), send."""
        dialog = self.page.locator("[role=dialog]:has([data-testid=credential-reset-modal])")
        dialog.locator("input[role=combobox]").click()
        self.page.locator("[role=option]").filter(has_text=action).first.click()
        dialog.locator("[data-testid=confirm]").click()
        self.page.wait_for_selector("[data-testid=credential-reset-modal]", state="detached")
