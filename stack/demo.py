"""The demo institution and user `make up` prints, so a person can sign in at once."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from policies import REVIEWER_ROLE, VENDOR_ROLE
from sync_service.adapters.keycloak_groups import ensure_grant_group

from .paths import REALM_NAME

DEMO_INSTITUTION = "0401180014"  # National Taiwan University Hospital's real code, as an example
DEMO_USERNAME = "demouser01"
DEMO_REVIEWER = "hpareviewer01"
DEMO_VENDOR = "iisivendor01"  # the vendor's staff (資拓宏宇, role maintenance-vendor)
# Made-up national IDs with a right check digit: every account holds its person's (R-ACC-1).
DEMO_NATIONAL_IDS = {DEMO_USERNAME: "D120000000", DEMO_REVIEWER: "D220000002", DEMO_VENDOR: "D120000108"}


def admin_client(kc) -> KeycloakAdmin:
    # The production-shaped stack serves TLS from its own CA (kc.ca_file); dev mode is plain HTTP.
    ca = getattr(kc, "ca_file", None)
    return KeycloakAdmin(
        server_url=kc.url,
        username=kc.admin_user,
        password=kc.admin_password,
        realm_name=REALM_NAME,
        user_realm_name="master",
        verify=str(ca) if ca else True,
    )


def ensure_demo_data(kc, secrets: dict) -> dict:
    admin = admin_client(kc)
    group = ensure_grant_group(admin, DEMO_INSTITUTION, "CRC-COL", "user")
    user_id = admin.get_user_id(DEMO_USERNAME)
    if user_id is None:
        user_id = admin.create_user(
            {
                "username": DEMO_USERNAME,
                "email": "demouser01@clinic.example.tw",
                "enabled": True,
                "firstName": "小明",
                "lastName": "王",
                "attributes": {
                    "department": ["家庭醫學科"],
                    "phone": ["(02)2312-3456#116"],
                    "nationalId": [DEMO_NATIONAL_IDS[DEMO_USERNAME]],
                },
                "credentials": [{"type": "password", "value": secrets["DEMO_USER_PASSWORD"], "temporary": True}],
            }
        )
        admin.group_user_add(user_id, group["id"])
    if admin.get_user_id(DEMO_REVIEWER) is None:
        reviewer_id = admin.create_user(
            {
                "username": DEMO_REVIEWER,
                "email": "hpareviewer01@hpa.example.tw",
                "enabled": True,
                "firstName": "美惠",
                "lastName": "林",
                "attributes": {
                    "department": ["癌症防治組"],
                    "phone": ["(02)2522-0888"],
                    "nationalId": [DEMO_NATIONAL_IDS[DEMO_REVIEWER]],
                },
                "credentials": [{"type": "password", "value": secrets["DEMO_USER_PASSWORD"], "temporary": True}],
            }
        )
        admin.assign_realm_roles(reviewer_id, [admin.get_realm_role(REVIEWER_ROLE)])
    if admin.get_user_id(DEMO_VENDOR) is None:
        vendor_id = admin.create_user(
            {
                "username": DEMO_VENDOR,
                "email": "iisivendor01@iisigroup.example.tw",
                "enabled": True,
                "firstName": "志明",
                "lastName": "吳",
                "attributes": {
                    "department": ["系統維護部"],
                    "phone": ["(02)2559-1969#116"],
                    "nationalId": [DEMO_NATIONAL_IDS[DEMO_VENDOR]],
                },
                "credentials": [{"type": "password", "value": secrets["DEMO_USER_PASSWORD"], "temporary": True}],
            }
        )
        admin.assign_realm_roles(vendor_id, [admin.get_realm_role(VENDOR_ROLE)])
    return {
        "username": DEMO_USERNAME,
        "reviewer": DEMO_REVIEWER,
        "vendor": DEMO_VENDOR,
        "password": secrets["DEMO_USER_PASSWORD"],
    }
