"""The token contract (issue 18 item 6, docs/token-contract.md): every relying party reads a
person's grants - institution, category, level, functions - from the claim `grants`, which the
realm's default client scope `screening-grants` puts in the token. Shown with an OIDC client not
written here, oauth2-proxy v7.15.6 built from its Go module, and with the stand-in screening system
(examples/screening_client), for the same person."""

from __future__ import annotations

import json
import secrets

from stack.network import free_port
from stack.paths import REALM_NAME
from tests.pages.keycloak import LoginPage
from tests.support.oauth2_proxy import OAuth2Proxy


def test_oauth2_proxy_and_the_stand_in_read_both_grants_of_a_person_at_two_institutions(
    admin, keycloak, make_user, grant, institution, page, screening, tmp_path
):
    """Covers: R-CAT-1, R-CAT-2, R-ACC-1

    A client added to the realm with nothing but a redirect URI gets the contract (the scope is a
    realm default; the client carries no mapper). oauth2-proxy signs the person in through the real
    login page and reads the claim as its groups: both grants, each with its institution. The
    stand-in screening system, in the same browser (the realm's single sign-on), shows the same two
    grants: each institution, category and level, in words on its page."""
    other_institution = f"{int(institution) ^ 7:010d}"
    person = make_user(required_actions=[])
    grant(person, institution, "CRC-COL", "user")
    grant(person, other_institution, "HPV-COL", "manager")

    port = free_port()
    client_id, secret = f"oauth2-proxy-{secrets.token_hex(3)}", secrets.token_urlsafe(24)
    admin.create_client(
        {
            "clientId": client_id,
            "secret": secret,
            "publicClient": False,
            "standardFlowEnabled": True,
            "directAccessGrantsEnabled": False,
            "redirectUris": [f"http://127.0.0.1:{port}/oauth2/callback"],
            "attributes": {"pkce.code.challenge.method": "S256"},
        }
    )
    client_uuid = admin.get_client_id(client_id)
    try:
        assert not admin.get_client(client_uuid).get("protocolMappers"), "no mapper of its own"
        defaults = {s["name"] for s in admin.get_client_default_client_scopes(client_uuid)}
        assert "screening-grants" in defaults, defaults

        issuer = f"{keycloak.url}/realms/{REALM_NAME}"
        with OAuth2Proxy(
            tmp_path / "oauth2-proxy", port, issuer, client_id, secret, oidc_groups_claim="grants"
        ) as proxy:
            page.goto(f"{proxy.url}/")
            LoginPage(page).sign_in(person["username"], person["password"])
            page.wait_for_url(f"{proxy.url}/**")
            page.goto(f"{proxy.url}/oauth2/userinfo")
            seen = json.loads(page.inner_text("body"))
            assert seen.get("preferredUsername") == person["username"] or seen.get("email") == person["email"], (
                seen,
                proxy.log(),
            )
            grants = sorted((json.loads(g) for g in seen["groups"]), key=lambda g: g["institution"])
    finally:
        admin.delete_client(client_uuid)
    both = sorted(
        [
            {
                "institution": institution,
                "category": "CRC-COL",
                "level": "user",
                "functions": ["correction-query", "eligibility-query"],
            },
            {
                "institution": other_institution,
                "category": "HPV-COL",
                "level": "manager",
                "functions": ["correction-query", "eligibility-query"],
            },
        ],
        key=lambda g: g["institution"],
    )
    assert grants == both

    screening.start_sign_in()  # signed in to the realm already: no login form this time
    assert screening.is_signed_in_as(person["username"]), page.url
    assert sorted(screening.grants(), key=lambda g: g["institution"]) == both
    assert sorted(screening.grant_texts()) == sorted(
        [f"{institution} 大腸癌—採檢機構 使用者", f"{other_institution} HPV 檢測—採檢機構 管理者"]
    )
