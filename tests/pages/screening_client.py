"""The stand-in screening system's pages."""

from __future__ import annotations

from playwright.sync_api import Page


class ScreeningClientPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    def open(self) -> None:
        self.page.goto(self.base_url + "/")

    def start_sign_in(self) -> None:
        self.open()
        self.page.click("#sign-in")
        self.page.wait_for_load_state()

    def is_signed_in_as(self, username: str) -> bool:
        return self.page.url.startswith(self.base_url) and username in self.page.locator("#who").inner_text()

    def reload(self) -> None:
        """The person's next call: the stand-in checks their token with Keycloak on every page."""
        self.page.goto(self.base_url + "/")

    def session_ended(self) -> str:
        """The message shown when Keycloak no longer honours the person's token ('' when signed in)."""
        notice = self.page.locator("#session-ended")
        return notice.inner_text().strip() if notice.count() else ""

    def grants(self) -> list[dict]:
        """Each grant row by its codes (the page shows names; the codes are the row's data)."""
        rows = []
        for row in self.page.locator("#grants tr.grant").all():
            rows.append(
                {
                    "institution": row.get_attribute("data-institution"),
                    "category": row.get_attribute("data-category"),
                    "level": row.get_attribute("data-level"),
                    "functions": [f.get_attribute("data-id") for f in row.locator(".function").all()],
                }
            )
        return rows

    def grant_texts(self) -> list[str]:
        """Each grant row as a person reads it: institution, category, level (the functions left out)."""
        return [
            " ".join(cell.inner_text().strip() for cell in row.locator("td").all()[:3])
            for row in self.page.locator("#grants tr.grant").all()
        ]

    def function_names(self) -> list[str]:
        return [t.strip() for t in self.page.locator("#grants .function").all_inner_texts()]

    def person_name(self) -> str:
        return self.page.locator("#name").inner_text().strip()

    def change_password_link(self) -> str:
        return self.page.get_attribute("#change-password", "href")


def sign_in_from_fresh_browser(browser, base_url: str, username: str, password: str) -> str:
    """Sign in from a fresh browser; 'signed in' or the message the login page shows."""
    from tests.pages.keycloak import LoginPage

    context = browser.new_context(locale="zh-TW")
    try:
        page = context.new_page()
        client = ScreeningClientPage(page, base_url)
        client.start_sign_in()
        login = LoginPage(page)
        login.sign_in(username, password)
        return "signed in" if client.is_signed_in_as(username) else login.messages()
    finally:
        context.close()
