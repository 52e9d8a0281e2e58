"""The `Directory` port on Keycloak, through python-keycloak, signed in as the
`sync-service` client's service account.

Keycloak's errors become ours here: no connection, 5xx, or a token that
could not be had are `DirectoryUnavailable` (the worker retries); any other
refusal is `DirectoryRefused` (retrying the same request will not help).
"""

from __future__ import annotations

import base64
import functools
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakConnectionError, KeycloakError, KeycloakGetError

from ..domain import Grant, Level, national_id_digest
from ..services.ports import (
    RESERVATION_ATTRIBUTE,
    Account,
    DirectoryAccount,
    DirectoryRefused,
    DirectoryUnavailable,
    Holder,
    NewAccount,
    PairState,
    Profile,
    SignInState,
)
from .keycloak_groups import (
    GROUP_OF_LEVEL,
    ROOT_GROUP,
    GrantGroups,
    describe_institution,
    find_group,
    grant_group_path,
    institution_description,
)
from .keycloak_pairs import PairsReader
from .keycloak_permissions import ManagerPermissions

_LEVEL_OF_GROUP = {v: Level(k) for k, v in GROUP_OF_LEVEL.items()}


def keycloak_reason(body: object) -> str:
    """Keycloak's own words from an error body (`{"errorMessage": ...}` or `{"error": ...,
    "error_description": ...}`), not the raw JSON bytes: a reason a reviewer can read, which
    the Chinese text quotes as it is."""
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else str(body or "")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        text = str(data.get("errorMessage") or data.get("error_description") or data.get("error") or text)
    return " ".join(text.split())[:200]


def _keycloak_errors_as_ours(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (DirectoryUnavailable, DirectoryRefused):
            raise
        except KeycloakConnectionError as e:
            self._reset()
            raise DirectoryUnavailable(str(e)[:200]) from e
        except KeycloakAuthenticationError as e:
            # Our token expired or Keycloak restarted: sign in afresh next time.
            self._reset()
            raise DirectoryUnavailable("authentication: " + str(e)[:200]) from e
        except KeycloakError as e:
            code = getattr(e, "response_code", None)
            if code is None or code >= 500 or code == 429:
                self._reset()
                raise DirectoryUnavailable(f"HTTP {code}: {str(e)[:200]}") from e
            reason = keycloak_reason(e.error_message)
            raise DirectoryRefused(
                f"keycloak.http_{code}",
                f"身分管理系統拒絕此變更（HTTP {code}）：「{reason}」",
                f"The identity provider refused the change (HTTP {code}): {reason}",
            ) from e
        except OSError as e:  # requests' own connection errors, should one slip through
            self._reset()
            raise DirectoryUnavailable(str(e)[:200]) from e

    return wrapper


class KeycloakDirectory:
    """One instance per thread (it holds one HTTP session and one token)."""

    # Group ids are stable and groups are never deleted by us: one cache for
    # all threads of the process spares a lookup per change. The same for the
    # managers' permissions (each pair's made once per process, issue 5).
    # One per Keycloak and realm: a process that speaks to two (the test run:
    # the developer stack's, then the production shape's) must not hand one's
    # group ids to the other (its Keycloak answered 404 "Could not find group").
    _caches: ClassVar[dict[tuple[str, str], tuple[GrantGroups, ManagerPermissions]]] = {}
    _caches_lock = threading.Lock()

    def __init__(
        self,
        server_url: str,
        realm: str,
        client_id: str,
        client_secret: str,
        timeout: float = 10,
        admin: KeycloakAdmin | None = None,
        national_id_key: bytes | None = None,
        reading_threads: int = 4,
    ) -> None:
        self._args: dict[str, Any] = dict(
            server_url=server_url.rstrip("/") + "/",
            realm_name=realm,
            user_realm_name=realm,
            client_id=client_id,
            client_secret_key=client_secret,
            timeout=timeout,
        )
        self._admin = admin
        self._given_admin = admin is not None
        self.realm = realm
        self._groups, self._permissions = self._caches_of(self._args["server_url"], realm)
        # Keycloak keeps keyed digests of the national ID, not the number (decision 0030).
        self._national_id_key = national_id_key
        self.reading_threads = reading_threads

    @classmethod
    def _caches_of(cls, server_url: str, realm: str) -> tuple[GrantGroups, ManagerPermissions]:
        with cls._caches_lock:
            if (server_url, realm) not in cls._caches:
                groups = GrantGroups()
                cls._caches[server_url, realm] = (groups, ManagerPermissions(groups))
            return cls._caches[server_url, realm]

    @property
    def admin(self) -> KeycloakAdmin:
        if self._admin is None:
            self._admin = KeycloakAdmin(**self._args)
        return self._admin

    def _reset(self) -> None:
        if not self._given_admin:
            self._admin = None

    # ---- accounts ----------------------------------------------------------

    @_keycloak_errors_as_ours
    def find_account(self, username: str) -> Account | None:
        wanted = username.lower()  # Keycloak keeps usernames in lower case
        for u in self.admin.get_users({"username": wanted, "exact": "true", "briefRepresentation": "false"}):
            if u["username"] == wanted:
                return self._account(u)
        return None

    @_keycloak_errors_as_ours
    def account(self, account_id: str) -> Account | None:
        try:
            return self._account(self.admin.get_user(account_id))
        except KeycloakError as e:
            if getattr(e, "response_code", None) == 404:
                return None
            raise

    @_keycloak_errors_as_ours
    def account_of_person(self, national_id: str) -> Account | None:
        if self._national_id_key is None:
            raise DirectoryUnavailable("no national ID digest key")
        digest = national_id_digest.national_id_digest(national_id, self._national_id_key)
        query = {"q": f"{national_id_digest.ATTRIBUTE}:{digest}", "briefRepresentation": "false"}
        for account in map(self._account, self.admin.get_users(query)):
            if account.holds_national_id(national_id):
                return account
        return None

    @_keycloak_errors_as_ours
    def reserve_name(self, username: str, reference: str) -> bool:
        # partialImport, SKIP: atomic on Keycloak's unique username, and no user profile to meet
        # (the reservation holds no person). Disabled, no credentials: nobody can sign in as it.
        placeholder = {
            "username": username.lower(),
            "enabled": False,
            "attributes": {RESERVATION_ATTRIBUTE: [reference]},
        }
        self.admin.partial_import_realm(self.realm, {"ifResourceExists": "SKIP", "users": [placeholder]})
        held = self.find_account(username)
        return held is not None and held.reserved_for == reference

    @_keycloak_errors_as_ours
    def release_name(self, username: str, reference: str) -> None:
        held = self.find_account(username)
        if held is not None and held.reserved_for == reference:
            self.delete_account(held.id)

    def _account(self, u: dict) -> Account:
        created = u.get("createdTimestamp")
        return Account(
            u["id"],
            u["username"],
            u.get("email"),
            u.get("attributes") or {},
            national_id_key=self._national_id_key,
            created_at=datetime.fromtimestamp(created / 1000, UTC) if created is not None else None,
            enabled=bool(u.get("enabled", True)),
        )

    @staticmethod
    def _user(account: NewAccount) -> dict:
        return {
            "username": account.username,
            "email": account.email,
            "enabled": True,
            # The password goes to this address; signing in with it proves the address works.
            "emailVerified": True,
            "firstName": account.first_name,
            "lastName": account.last_name,
            "attributes": {k: [v] for k, v in account.attributes.items()},
            "credentials": _credentials(account),
            "requiredActions": list(account.required_actions),
        }

    @_keycloak_errors_as_ours
    def create_accounts(self, accounts: Sequence[NewAccount]) -> dict[str, str]:
        """One partialImport request: Keycloak makes the users, their
        credentials (hashed as the realm says) and group memberships in one
        transaction. `SKIP` leaves a name that exists as it is (also one whose
        e-mail another account holds), so a repeated request changes nothing."""
        if not accounts:
            return {}
        users = [self._imported_user(a) for a in accounts]
        answer = self.admin.partial_import_realm(self.realm, {"ifResourceExists": "SKIP", "users": users})
        return {
            r["resourceName"].lower(): r["id"]
            for r in answer.get("results") or []
            if r.get("resourceType") == "USER" and r.get("action") == "ADDED"
        }

    def _imported_user(self, account: NewAccount) -> dict:
        user = self._user(account)
        # An imported user gets what the realm gives a user created through the
        # admin API by itself: the default roles. The grant groups must exist first.
        user["realmRoles"] = [f"default-roles-{self.realm}"]
        user["groups"] = [self._ensured_group_path(grant) for grant in account.grants]
        return user

    def _ensured_group_path(self, grant: Grant) -> str:
        self._group_id(grant, create=True)
        return grant_group_path(grant.institution_code, grant.category, grant.level)

    @_keycloak_errors_as_ours
    def send_set_password_mail(self, account_id: str, lifespan_seconds: int) -> None:
        """Keycloak's execute-actions mail (PUT /users/{id}/execute-actions-email), in the realm's theme."""
        self.admin.send_update_account(account_id, ["UPDATE_PASSWORD"], lifespan=lifespan_seconds)

    @_keycloak_errors_as_ours
    def set_password(self, account_id: str, password: str, *, temporary: bool = True) -> None:
        self.admin.set_user_password(account_id, password, temporary=temporary)

    @_keycloak_errors_as_ours
    def end_sessions(self, account_id: str) -> None:
        self.admin.user_logout(account_id)

    @_keycloak_errors_as_ours
    def sign_in_state(self, account_id: str, session_id: str | None) -> SignInState:
        """Three reads, none of which changes anything (a refresh-token grant would say it
        in one, but this realm revokes refresh tokens once used, and two page requests
        refreshing at once would end the person's session: decision 0130)."""
        try:
            user = self.admin.get_user(account_id)
        except KeycloakGetError as e:
            if getattr(e, "response_code", None) == 404:
                return SignInState(alive=False)
            raise
        if not user.get("enabled"):
            return SignInState(alive=False)
        if session_id not in {s.get("id") for s in self.admin.get_sessions(account_id)}:
            return SignInState(alive=False)
        roles = frozenset(r["name"] for r in self.admin.get_composite_realm_roles_of_user(account_id))
        return SignInState(alive=True, roles=roles)

    # ---- a person's own data (R-PD-2, decision 0095) -----------------------

    @_keycloak_errors_as_ours
    def profile_of(self, account_id: str) -> Profile:
        """What the realm holds about the person, as they may read it: the national ID
        digests (decision 0030) are keyed hashes for look-up, not data of theirs to read."""
        u = self.admin.get_user(account_id)
        attributes = {k: v for k, v in (u.get("attributes") or {}).items() if not k.startswith("nationalId")}
        created = u.get("createdTimestamp")
        return Profile(
            username=u["username"],
            email=u.get("email"),
            first_name=u.get("firstName"),
            last_name=u.get("lastName"),
            enabled=bool(u.get("enabled")),
            email_verified=bool(u.get("emailVerified")),
            created_at=datetime.fromtimestamp(created / 1000, UTC) if created else None,
            attributes=attributes,
            required_actions=tuple(u.get("requiredActions") or ()),
        )

    @_keycloak_errors_as_ours
    def correct_profile(self, account_id: str, field: str, value: str) -> None:
        """One field of the profile (policies/personal_data.toml `correctable`)."""
        u = self.admin.get_user(account_id)
        body: dict[str, Any] = {k: u.get(k) for k in ("username", "email", "firstName", "lastName")}
        body["attributes"] = u.get("attributes") or {}
        if field in ("email", "firstName", "lastName"):
            body[field] = value
        elif field == "first_name":
            body["firstName"] = value
        elif field == "last_name":
            body["lastName"] = value
        else:
            body["attributes"][field] = [value]
        self.admin.update_user(account_id, body)

    @_keycloak_errors_as_ours
    def set_enabled(self, account_id: str, enabled: bool) -> None:
        self.admin.update_user(account_id, {"enabled": enabled})

    @_keycloak_errors_as_ours
    def delete_account(self, account_id: str) -> None:
        try:
            self.admin.delete_user(account_id)
        except KeycloakError as e:
            if getattr(e, "response_code", None) != 404:  # gone already: what was asked
                raise

    # ---- grants ------------------------------------------------------------

    def _group_id(self, grant: Grant, create: bool) -> str | None:
        institution, category, level = grant.institution_code, grant.category, grant.level
        if create:
            if level is Level.MANAGER:
                # The admin-console permissions of the pair's manager (decision 0005) come with
                # its managers group: made with the pair's first manager grant, afterwards
                # known by the mark they leave (one read per pair and process).
                return self._permissions.ready(self.admin, institution, category)
            return self._groups.ensure(self.admin, institution, category, level)
        path = grant_group_path(institution, category, level)
        cached = self._groups.cached(path)
        if cached:
            return cached
        group = find_group(self.admin, path)
        return group["id"] if group else None

    def _on_group(self, grant: Grant, act, *, create: bool) -> bool:
        """`act(group id)` on the grant's group (nothing when there is none and
        `create` is off); False when the cached group was removed by hand (404)."""
        group_id = self._group_id(grant, create=create)
        if group_id is None:
            return True
        try:
            act(group_id)
        except KeycloakError as e:
            if getattr(e, "response_code", None) != 404:
                raise
            self._groups.forget(grant_group_path(grant.institution_code, grant.category, grant.level))
            return False
        return True

    @_keycloak_errors_as_ours
    def join(self, account_id: str, grant: Grant) -> None:
        def add(group_id: str) -> None:
            self.admin.group_user_add(account_id, group_id)

        if not self._on_group(grant, add, create=True):
            self._on_group(grant, add, create=True)  # made again after a removal by hand, once

    @_keycloak_errors_as_ours
    def describe_institution(self, code: str, name: str) -> None:
        describe_institution(self.admin, code, name)

    @_keycloak_errors_as_ours
    def institution_name(self, code: str) -> str | None:
        return institution_description(self.admin, code)

    @_keycloak_errors_as_ours
    def leave(self, account_id: str, grant: Grant) -> None:
        self._on_group(grant, lambda group_id: self.admin.group_user_remove(account_id, group_id), create=False)

    @_keycloak_errors_as_ours
    def members(self, grant: Grant) -> dict[str, str]:
        group_id = self._group_id(grant, create=False)
        if group_id is None:
            return {}
        return {u["username"]: u["id"] for u in self.admin.get_group_members(group_id, {"briefRepresentation": True})}

    @_keycloak_errors_as_ours
    def holders(self, grant: Grant) -> list[Holder]:
        group_id = self._group_id(grant, create=False)
        if group_id is None:
            return []
        people = self.admin.get_group_members(group_id, {"briefRepresentation": False})
        return sorted(
            (
                Holder(u["id"], u["username"], u.get("firstName"), u.get("lastName"), u.get("email"), u["enabled"])
                for u in people
            ),
            key=lambda h: h.username,
        )

    @_keycloak_errors_as_ours
    def repair_manager_access(self, institution: str, category: str) -> list[str]:
        return self._permissions.repair(self.admin, institution, category)

    @_keycloak_errors_as_ours
    def read_pairs(
        self, pairs: Sequence[tuple[str, str]], progress: Callable[[int], None] | None = None
    ) -> dict[tuple[str, str], PairState]:
        # A client of its own for each reading thread (python-keycloak's session and token
        # are not for sharing), unless we were handed one (benches, tests).
        def admin_for_thread() -> KeycloakAdmin:
            return self._admin if self._admin is not None and self._given_admin else KeycloakAdmin(**self._args)

        return PairsReader(self.admin, admin_for_thread, threads=self.reading_threads).read(pairs, progress)

    @_keycloak_errors_as_ours
    def grants_of(self, account_id: str) -> set[Grant]:
        return {
            grant
            for g in self.admin.get_user_groups(account_id, brief_representation=True)
            if (grant := grant_of_path(g.get("path", ""))) is not None
        }

    @_keycloak_errors_as_ours
    def realm_roles_of(self, account_id: str) -> set[str]:
        return {r["name"] for r in self.admin.get_composite_realm_roles_of_user(account_id, brief_representation=True)}

    # Our admin REST extension (keycloak-config/providers, accounts/AccountClosingResource): the
    # marks are no user-profile attributes (no console form shows or edits them), so the admin
    # API's user update would drop them; the extension writes them with the disabling.
    @_keycloak_errors_as_ours
    def close_account(self, account_id: str, closed_on: date, because: str) -> bool:
        answer = self.admin.connection.raw_put(
            f"admin/realms/{self.realm}/screening-closing/{account_id}",
            data=json.dumps({"closedAt": closed_on.isoformat(), "because": because}),
        )
        return self._changed(answer)

    @_keycloak_errors_as_ours
    def reopen_account(self, account_id: str, because: str) -> bool:
        answer = self.admin.connection.raw_delete(
            f"admin/realms/{self.realm}/screening-closing/{account_id}?because={because}"
        )
        return self._changed(answer)

    @staticmethod
    def _changed(answer) -> bool:
        if answer.status_code != 200:
            raise KeycloakError(error_message=answer.content, response_code=answer.status_code)
        return bool(answer.json().get("changed"))

    # Our admin REST extension (keycloak-config/providers, accounts/): the admin API has no
    # bulk read of credential dates, one request per account would not scale (decision 0085).
    ACCOUNTS_PAGE = 1000

    def accounts(self) -> Iterator[DirectoryAccount]:
        first = 0
        while True:
            page = self._accounts_page(first)
            for a in page:
                created = a.get("passwordCreated")
                yield DirectoryAccount(
                    a["id"],
                    a["username"],
                    a.get("email"),
                    bool(a.get("enabled")),
                    datetime.fromtimestamp(created / 1000, UTC) if created is not None else None,
                    frozenset(g for p in a.get("groups") or () if (g := grant_of_path(p)) is not None),
                )
            if len(page) < self.ACCOUNTS_PAGE:
                return
            first += len(page)

    @_keycloak_errors_as_ours
    def _accounts_page(self, first: int) -> list[dict]:
        url = f"admin/realms/{self.realm}/screening-accounts?first={first}&max={self.ACCOUNTS_PAGE}"
        answer = self.admin.connection.raw_get(url)
        if answer.status_code != 200:
            raise KeycloakError(error_message=answer.content, response_code=answer.status_code)
        return answer.json()


def grant_of_path(path: str) -> Grant | None:
    """The grant a group path stands for, None for any other group."""
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[0] == ROOT_GROUP and parts[3] in _LEVEL_OF_GROUP:
        return Grant(parts[1], parts[2], _LEVEL_OF_GROUP[parts[3]])
    return None


def _credentials(account: NewAccount) -> list[dict]:
    """A clear temporary password (Keycloak hashes it as the realm says), an old system's PBKDF2
    hash as Keycloak stores one (its pbkdf2-sha256/-sha512 providers verify it, and rehash it
    with the realm's algorithm at the first sign-in), or none."""
    if account.password is not None:
        return [{"type": "password", "value": account.password, "temporary": True}]
    old = account.password_hash
    if old is None:
        return []
    return [
        {
            "type": "password",
            "secretData": json.dumps(
                {
                    "value": base64.b64encode(old.value).decode(),
                    "salt": base64.b64encode(old.salt).decode(),
                    "additionalParameters": {},
                }
            ),
            "credentialData": json.dumps(
                {"hashIterations": old.iterations, "algorithm": old.algorithm, "additionalParameters": {}}
            ),
        }
    ]
