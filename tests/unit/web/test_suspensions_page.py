"""The suspensions page in-process (SQLite, fake Keycloak): HPA's reviewers and the vendor only, a
clear answer beside each bad field, a suspension listed as active and lifted with a reason, the
institution's manager told on the pages they open (R-SUS-1, decision 0163)."""

from __future__ import annotations

import re

from sync_service.domain import Grant, Level
from sync_service.services.ports import Caller
from tests.support.personal_data import national_id_of
from tests.support.sync import APPLICANT, REVIEWER, VENDOR

from .conftest import make_app, sign_in

CODE = "0401180014"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_staff_suspend_and_lift_on_the_page_and_others_are_refused(tmp_path):
    """Covers: R-SUS-1, R-VEN-1"""
    app = make_app(tmp_path)
    kc = app.extensions["sync"].directory_factory.__self__
    kc.add_account("id-mgr", "mgr0401", "mgr@clinic.example.tw", national_id_of("mgr0401"))
    kc.add_member("id-mgr", Grant(CODE, "CRC-COL", Level.MANAGER))
    kc.add_member("id-mgr", Grant("0501110514", "CRC-COL", Level.USER))  # still signs in elsewhere
    kc.institution_names[CODE] = "宜蘭縣大同鄉衛生所"
    client = app.test_client()
    assert client.get("/review/suspensions/").status_code == 302  # sign in first
    sign_in(client, app, APPLICANT)
    assert client.get("/review/suspensions/").status_code == 403

    sign_in(client, app, VENDOR)
    page = client.get("/review/suspensions/").get_data(as_text=True)
    assert "停權" in page and "Suspend" in page and 'id="nav-suspensions"' in page
    bad = client.post(
        "/review/suspensions/",
        data={
            "csrf_token": _token(page),
            "scope": "institution",
            "institution_code": "12",
            "reason": "",
            "reference": "",
        },
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    for field in ("institution_code", "reason", "reference"):
        note = re.search(rf'id="error-{field}"[^>]*>(.*?)</p>', html, re.S).group(1)
        assert note.strip(), field
    done = client.post(
        "/review/suspensions/",
        data={
            "csrf_token": _token(page),
            "scope": "institution",
            "institution_code": CODE,
            "reason": "違反切結書第三點",
            "reference": "資字第1號",
        },
    )
    assert done.status_code == 303
    assert ("id-mgr", Grant(CODE, "CRC-COL", Level.MANAGER)) not in kc.members
    listed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-active="yes"' in listed and "資字第1號" in listed

    manager = Caller(subject="id-mgr", username="mgr0401", roles=frozenset(), email="mgr@clinic.example.tw")
    sign_in(client, app, manager)
    notice = client.get("/my-data").get_data(as_text=True)
    assert f'id="suspension-notice-{CODE}"' in notice and "資字第1號" in notice
    assert f"貴機構 宜蘭縣大同鄉衛生所（{CODE}）" in notice  # by its name, as its group carries it

    sign_in(client, app, REVIEWER)
    page = client.get("/review/suspensions/").get_data(as_text=True)
    suspension = re.search(r'data-suspension="([0-9a-f]+)"', page).group(1)
    refused = client.post(
        f"/review/suspensions/{suspension}/lift", data={"csrf_token": _token(page), "lift_reason": ""}
    )
    assert refused.status_code == 422 and "解除原因" in refused.get_data(as_text=True)
    lifted = client.post(
        f"/review/suspensions/{suspension}/lift", data={"csrf_token": _token(page), "lift_reason": "已改善"}
    )
    assert lifted.status_code == 303
    assert ("id-mgr", Grant(CODE, "CRC-COL", Level.MANAGER)) in kc.members
    assert 'data-active="no"' in client.get("/review/suspensions/").get_data(as_text=True)
