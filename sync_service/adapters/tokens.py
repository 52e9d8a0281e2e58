"""Bearer tokens of the realm, verified against its JWKS (python-keycloak's
KeycloakOpenID.decode_token, i.e. jwcrypto). The key set is cached and
fetched again when a token names a key we do not have (key rotation)."""

from __future__ import annotations

import threading
import time

from jwcrypto import jwk
from keycloak import KeycloakOpenID

from ..services.ports import Caller, LogoutNotice, TokenInvalid, TokenNotForUs

# The service's own clients in the realm: its service account, and the
# reviewer pages people sign in through. A token is for us when one of them
# asked for it (azp) or when it names us as its audience (aud): a token another
# client (the screening system) got for a person is not a pass to our API.
OWN_CLIENTS = ("sync-service", "reviewer-pages")
AUDIENCE = "sync-service"
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def is_for_us(claims: dict, own_clients=OWN_CLIENTS, audience: str = AUDIENCE) -> bool:
    aud = claims.get("aud") or []
    if isinstance(aud, str):
        aud = [aud]
    return claims.get("azp") in own_clients or audience in aud


class RealmTokenVerifier:
    def __init__(
        self,
        server_url: str,
        realm: str,
        client_id: str = "sync-service",
        refetch_after_seconds: float = 300,
        own_clients: tuple[str, ...] = OWN_CLIENTS,
    ) -> None:
        self.issuer = f"{server_url.rstrip('/')}/realms/{realm}"
        self.own_clients, self.audience = own_clients, client_id
        self._openid = KeycloakOpenID(
            server_url=server_url.rstrip("/") + "/", realm_name=realm, client_id=client_id, timeout=10
        )
        self._keys: jwk.JWKSet | None = None
        self._fetched = 0.0
        self._refetch_after = refetch_after_seconds
        self._lock = threading.Lock()

    def _key_set(self, refresh: bool = False) -> jwk.JWKSet:
        with self._lock:
            # At most one fetch per few seconds: a flood of forged kids must not hammer Keycloak.
            stale = refresh and time.monotonic() - self._fetched > 5
            if self._keys is None or stale or time.monotonic() - self._fetched > self._refetch_after:
                try:
                    keys = jwk.JWKSet()
                    for cert in self._openid.certs()["keys"]:
                        keys.add(jwk.JWK(**cert))
                except Exception as e:
                    raise TokenInvalid(f"cannot fetch the realm's keys: {e}") from e
                self._keys, self._fetched = keys, time.monotonic()
            return self._keys

    def _claims(self, token: str) -> dict:
        claims = None
        for refresh in (False, True):
            try:
                claims = self._openid.decode_token(
                    token, key=self._key_set(refresh), check_claims={"iss": self.issuer, "exp": None}, leeway=30
                )
                break
            except TokenInvalid:
                raise
            except Exception as e:  # jwcrypto raises many kinds; all mean "not a token of ours"
                if refresh or "key" not in type(e).__name__.lower():
                    raise TokenInvalid(f"{type(e).__name__}: {e}") from e
        if claims is None:
            raise TokenInvalid("no claims")
        return claims

    def verify(self, token: str) -> Caller:
        claims = self._claims(token)
        if claims.get("typ") not in (None, "Bearer"):
            raise TokenInvalid("not an access token")
        if not is_for_us(claims, self.own_clients, self.audience):
            raise TokenNotForUs(f"azp {claims.get('azp')!r}, aud {claims.get('aud')!r}")
        roles = frozenset((claims.get("realm_access") or {}).get("roles") or ())
        return Caller(
            subject=claims.get("sub", ""),
            username=claims.get("preferred_username") or claims.get("sub", ""),
            roles=roles,
            email=(claims.get("email") or "").lower() or None,
            session_id=claims.get("sid") or None,
        )

    def verify_logout(self, token: str, client_id: str) -> LogoutNotice:
        """OIDC Back-Channel Logout 1.0, 2.6: signed by the realm, for this client, the
        logout event, no nonce, and a subject or a session id."""
        claims = self._claims(token)
        aud = claims.get("aud") or []
        if isinstance(aud, str):
            aud = [aud]
        events = claims.get("events")
        if (
            client_id not in aud
            or not isinstance(events, dict)
            or BACKCHANNEL_LOGOUT_EVENT not in events
            or "nonce" in claims
            or not (claims.get("sid") or claims.get("sub"))
        ):
            raise TokenInvalid("not a back-channel logout token for us")
        return LogoutNotice(subject=claims.get("sub") or None, session_id=claims.get("sid") or None)
