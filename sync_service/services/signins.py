"""A page sign-in lasts while access lasts (decision 0130): the identity provider is asked
again, at most `check_every` after it last answered, whether the person's session is still
there, their account enabled, and which roles they hold now. Sign-out and the identity
provider's back-channel logout end the page sessions at once."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .ports import Caller, LogoutNotice, PageSessions, SignInStates


@dataclass(frozen=True)
class HeldSignIn:
    """What a page session keeps of a sign-in (on the server, never in the cookie)."""

    caller: Caller
    until: float  # the identity provider's session ends by then at the latest (epoch seconds)
    checked_at: float  # when the identity provider last confirmed it


def confirmed(held: HeldSignIn, directory: SignInStates, *, now: float, check_every: float) -> HeldSignIn | None:
    """The sign-in as the identity provider sees it now; None when it has ended (session gone,
    account disabled or deleted). Within `check_every` of the last answer, the held one.
    DirectoryUnavailable passes through: the caller fails closed without ending the session."""
    if held.until <= now:
        return None
    if now - held.checked_at < check_every:
        return held
    state = directory.sign_in_state(held.caller.subject, held.caller.session_id)
    if not state.alive:
        return None
    return replace(held, caller=replace(held.caller, roles=state.roles), checked_at=now)


def keycloak_session_ended(sessions: PageSessions, notice: LogoutNotice) -> int:
    """The identity provider ended a session (back-channel logout): the page sessions signed
    in with it end too. Without a session id in the notice, every page session of the subject."""
    if not notice.session_id and not notice.subject:
        return 0
    return sessions.end(session_id=notice.session_id, subject=None if notice.session_id else notice.subject)
