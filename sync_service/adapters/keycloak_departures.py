"""Users' departure dates as Keycloak keeps them: one user-profile attribute
(policies/departures.toml `user_attribute`, a date input in the admin console)."""

from __future__ import annotations

from datetime import date

from keycloak import KeycloakAdmin

from ..services.ports import Leaving

# Keycloak's attribute search matches a part of the value unless `exact` is set:
# every ISO date holds a '-', so this finds every account with a date set.
ANY_DATE = "-"
PAGE = 500


class KeycloakDepartureDates:
    def __init__(self, admin: KeycloakAdmin, attribute: str) -> None:
        self.admin, self.attribute = admin, attribute

    def leaving(self) -> list[Leaving]:
        found, first = [], 0
        while True:
            users = self.admin.get_users(
                {
                    "q": f"{self.attribute}:{ANY_DATE}",
                    "exact": "false",
                    "briefRepresentation": "false",
                    "first": first,
                    "max": PAGE,
                }
            )
            for u in users:
                values = (u.get("attributes") or {}).get(self.attribute) or []
                if values:
                    found.append(Leaving(u["id"], u["username"], _date(values[0])))
            if len(users) < PAGE:
                return found
            first += PAGE

    def clear(self, account_id: str, departure_date: date | None) -> None:
        user = self.admin.get_user(account_id)
        attributes = dict(user.get("attributes") or {})
        if [_date(v) for v in attributes.get(self.attribute) or []] != [departure_date]:
            return  # changed meanwhile (a new date set): left for its own day
        attributes.pop(self.attribute, None)
        user["attributes"] = attributes
        self.admin.update_user(
            account_id, {k: user[k] for k in ("username", "email", "firstName", "lastName", "attributes") if k in user}
        )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
