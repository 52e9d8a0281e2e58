"""Large request bodies through nginx reach the service and Keycloak (the legacy import's
partialImport requests, a scan, a form too large for the service that it answers itself): nginx
keeps them in memory instead of a temporary file its workers may not be able to write where the
stack lives (it answered 500 for every body over 16 KB; found by bench/import_full_size.py)."""

from __future__ import annotations

import requests

from tests.conftest import good_password, unique


def test_a_large_partial_import_reaches_keycloak_through_nginx(prod_admin):
    """The production shape's proxy (issue 20), not a catalogue rule."""
    users = [
        {
            "username": unique("big"),
            "email": f"{unique('big')}@clinic.example.tw",
            "enabled": True,
            "firstName": "怡君",
            "lastName": "陳",
            "attributes": {"department": ["檢驗科"], "phone": ["(02)2559-1969#116"]},
            "credentials": [{"type": "password", "value": good_password(), "temporary": True}],
        }
        for _ in range(60)
    ]
    answer = prod_admin.partial_import_realm("cancer-screening", {"ifResourceExists": "FAIL", "users": users})
    assert answer["added"] == 60
    for user in users:
        prod_admin.delete_user(prod_admin.get_user_id(user["username"]))


def test_a_body_too_large_for_the_service_is_answered_by_the_service(prod_stack):
    """The production shape's proxy (issue 20), not a catalogue rule: the service's own 413,
    in its own words, not nginx's 500."""
    answer = requests.post(
        f"{prod_stack.sync_url}/api/applications",
        data=b"{" + b" " * 200_000 + b"}",
        headers={"Content-Type": "application/json"},
        verify=str(prod_stack.ca_file),
        timeout=30,
    )
    assert answer.status_code == 413, (answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"].startswith("application/json")


def test_a_body_beyond_the_proxy_limit_is_refused_in_our_words(prod_stack):
    """Issue 21 point 1 on the production shape, not a catalogue rule: a scan of 10 or 20 MB
    reaches the service, which refuses it on the application's own page (the scans journey);
    only a body beyond nginx's limit is answered by nginx, in the service's words and both
    languages, not nginx's bare English 413."""
    from stack.prod import PROXY_BODY_LIMIT_MB

    answer = requests.post(
        f"{prod_stack.sync_url}/applications/A-0000-0000/scans",
        data=b"0" * ((PROXY_BODY_LIMIT_MB + 1) * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
        verify=str(prod_stack.ca_file),
        timeout=120,
    )
    assert answer.status_code == 413, (answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"].startswith("text/html"), answer.headers
    assert "檔案過大" in answer.text and "File too large" in answer.text, answer.text
    assert "5 MB" in answer.text and "nginx" not in answer.text, answer.text
