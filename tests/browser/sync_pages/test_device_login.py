"""`python -m sync_service login`: a person at a terminal gets a reviewer's token
for the JSON API by the device grant, signing in in a browser."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from stack.paths import REALM_NAME
from tests.conftest import ROOT
from tests.pages.keycloak import LoginPage

pytestmark = pytest.mark.browser


def test_login_command_prints_a_token_the_api_accepts(keycloak, run_secrets, reviewer, page, base_url):
    """A reviewer's program signs in through the browser, never with a password typed into it."""
    env = {
        **os.environ,
        "KEYCLOAK_URL": keycloak.url,
        "KEYCLOAK_REALM": REALM_NAME,
        "REVIEWER_CLIENT_SECRET": run_secrets["REVIEWER_CLIENT_SECRET"],
    }
    command = subprocess.Popen(
        [sys.executable, "-m", "sync_service", "login"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        shown = ""
        while "http" not in shown:  # the command says where to go before it waits
            line = command.stderr.readline()
            assert line, f"login ended before showing the address: {shown}"
            shown += line
        address = next(word for word in shown.split() if word.startswith("http"))
        page.goto(address)
        login = LoginPage(page)
        if page.locator("#kc-login").count() and page.locator("#username").count() == 0:
            page.click("#kc-login")  # the code is already in the link: confirm it
        login.sign_in(reviewer["username"], reviewer["password"])
        if page.locator('input[name="accept"], #kc-login').count():
            page.locator('input[name="accept"], #kc-login').first.click()  # grant the device access
        out, err = command.communicate(timeout=120)
    finally:
        command.kill() if command.poll() is None else None
    assert command.returncode == 0, err
    token = out.strip()
    r = requests.get(f"{base_url}/api/applications?limit=1", headers={"Authorization": f"Bearer {token}"}, timeout=20)
    assert r.status_code == 200, r.text
