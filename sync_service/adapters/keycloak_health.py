"""Whether Keycloak answers, for the sync service's health check: the realm's OpenID
configuration, the cheapest request that needs Keycloak and its database."""

from __future__ import annotations

import requests


def realm_answers(keycloak_url: str, realm: str, timeout: float = 5) -> bool:
    try:
        url = f"{keycloak_url.rstrip('/')}/realms/{realm}/.well-known/openid-configuration"
        return requests.get(url, timeout=timeout).status_code == 200
    except requests.RequestException:
        return False
