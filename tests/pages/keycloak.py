"""Keycloak's login pages in our theme (keycloak.v2 parent), as a person uses them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

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

    def meter_after_typing(self, password: str) -> str:
        """Type a password and read the meter's level (weak / medium / strong) once it answers."""
        self.page.fill("#password-new", "")  # the meter clears; the next level shown is this password's
        self.page.fill("#password-new", password)
        self.page.wait_for_function("() => document.getElementById('password-strength-level').dataset.level")
        return self.page.get_attribute("#password-strength-level", "data-level") or ""

    def meter_bars(self) -> list[str]:
        """The meter's three bars, each "grey", "red", "amber" or "green", as a person sees them."""
        names = {
            "rgb(210, 210, 210)": "grey",
            "rgb(201, 25, 11)": "red",
            "rgb(240, 171, 0)": "amber",
            "rgb(62, 134, 53)": "green",
        }
        colours = self.page.eval_on_selector_all(
            ".password-strength-bar", "bars => bars.map(b => getComputedStyle(b).backgroundColor)"
        )
        return [names.get(c, c) for c in colours]

    def meter_level_shown(self) -> str:
        return self.page.locator("#password-strength-level").inner_text().strip()

    def meter_text(self) -> str:
        return self.page.locator("#password-strength").inner_text()

    def rules_text(self) -> str:
        return self.page.locator("#screening-password-rules").inner_text()

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
        return self.page.locator("form#kc-update-profile-form").count() == 1

    def value(self, field: str) -> str:
        return self.page.input_value(f'[name="{field}"]')

    def confirm(self) -> None:
        self.page.click('#kc-update-profile-form [type="submit"]')
        self.page.wait_for_load_state()


class NationalIdPage(KeycloakPage):
    """The first-sign-in step of an account without a national ID (decision 0120)."""

    def is_shown(self) -> bool:
        return self.page.locator("form#kc-national-id-form").count() == 1

    def give(self, national_id: str) -> None:
        self.page.fill("#nationalId", national_id)
        self.page.click("#kc-submit")
        self.page.wait_for_load_state()

    def error(self) -> str:
        return self.page.locator("#input-error-nationalId").inner_text()


class ResetCredentialsPage(KeycloakPage):
    """ "Forgot password": account, e-mail and the captcha drawn on the server (R-LCK-2)."""

    def tab_id(self) -> str:
        action = self.page.get_attribute("#kc-reset-password-form", "action") or ""
        return parse_qs(urlparse(action).query)["tab_id"][0]

    def captcha_shown(self) -> bool:
        src = self.page.get_attribute("#captcha-image", "src") or ""
        return src.startswith("data:image/png;base64,")

    def captcha_image(self) -> str:
        return self.page.get_attribute("#captcha-image", "src") or ""

    def new_image(self) -> None:
        """The "new image" link, for a person who cannot read the one shown."""
        self.page.click("#captcha-refresh")
        self.page.wait_for_load_state()

    def alternative_text(self) -> str:
        """What the page offers a person who cannot see the image."""
        return self.page.locator("#captcha-alternative").inner_text()

    def request(self, username: str, email: str, captcha: str) -> None:
        self.page.fill("#username", username)
        self.page.fill("#email", email)
        self.page.fill("#captcha", captcha)
        self.page.click('#kc-reset-password-form [type="submit"]')
        self.page.wait_for_load_state()


def mailed_link(message) -> str:
    """The action-token link of a mail Keycloak sent (the reset link, R-LCK-4)."""
    from stack.mailsink import body_text

    return re.search(r"https?://\S+action-token\S+", body_text(message)).group(0)


def forgot_password(page: Page, start_url: str, user: dict, new_password: str, captcha_answers, mail) -> None:
    """A person's own reset, as they do it: "forgot password" from the sign-in page, account,
    e-mail and captcha, the mailed link, the new password (R-LCK-2, R-LCK-4)."""
    page.goto(start_url)
    LoginPage(page).forgot_password()
    reset = ResetCredentialsPage(page)
    reset.request(user["username"], user["email"], captcha_answers.latest(reset.tab_id()))
    [message] = [m for m in mail.wait_for(user["email"]) if "重設密碼" in m["Subject"]]
    page.goto(mailed_link(message))
    update = UpdatePasswordPage(page)
    assert update.is_shown(), page.inner_text("body")
    update.set_password(new_password)


class FirstSignInSteps:
    """Whatever of the first sign-in's pages Keycloak shows, in its order (an action link's
    "proceed" page, the terms, a new password, the profile), done one after the other."""

    def __init__(self, page: Page):
        self.page = page

    def complete(
        self, new_password: str, department: str = "檢驗科", most: int = 7, national_id: str | None = None
    ) -> list[str]:
        done = []
        for _ in range(most):
            proceed = self.page.locator('a[href*="action-token"]')
            if proceed.count() == 1:
                proceed.click()
                self.page.wait_for_load_state()
                done.append("proceed")
            elif national_id and NationalIdPage(self.page).is_shown():
                NationalIdPage(self.page).give(national_id)
                done.append("national-id")
            elif TermsPage(self.page).is_shown():
                TermsPage(self.page).accept()
                done.append("terms")
            elif UpdatePasswordPage(self.page).is_shown():
                UpdatePasswordPage(self.page).set_password(new_password)
                done.append("password")
            elif ProfilePage(self.page).is_shown():
                profile = ProfilePage(self.page)
                if not profile.value("department"):
                    self.page.fill('[name="department"]', department)
                profile.confirm()
                done.append("profile")
            else:
                return done
        return done
