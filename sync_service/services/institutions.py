"""An institution's name, for the pages and mails that name it beside its code (issue 21 point 3).

Keycloak's group of the institution carries the name (decision 0150): given by the worker when it
grants the institution's manager (from the approved application) and by the legacy import (from
the agency's export), so every institution in the realm has one. An institution no group names
yet falls back to its latest application, then to the code alone.
"""

from __future__ import annotations

from ..domain.words import Words, institution_words
from .ports import Directory, UnitOfWork


def institution_name(uow: UnitOfWork, directory: Directory, code: str) -> str:
    name = directory.institution_name(code)
    if name:
        return name
    with uow:
        apps = uow.applications.list(institution_code=code, limit=1)
    return apps[0].institution.name if apps else code


def named_institution(uow: UnitOfWork, directory: Directory, code: str) -> Words:
    """「臺北市立聯合醫院（3502990011）」 and "臺北市立聯合醫院 (3502990011)"."""
    return institution_words(code, institution_name(uow, directory, code))
