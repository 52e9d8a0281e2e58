"""The domain of the sync service: pure Python, no web, database or HTTP.

Applications A–D (form 1, 附件1), their field rules, their states, and the
one-manager-per-(institution, category) invariant.
"""

from .applications import (
    STATUS_LABELS,
    TRANSITIONS,
    Application,
    ApplicationType,
    Form1,
    Institution,
    Receipt,
    Status,
    VendorRecord,
    new_application,
    parse_application_type,
    taiwan_date,
)
from .errors import (
    ApprovalRefused,
    DomainError,
    FieldError,
    FormInvalid,
    IllegalTransition,
    ManagerSeatRefused,
)
from .fields import IdKind, PersonalId, Phone
from .grants import ChangeKind, Grant, GrantChange, Level
from .seats import ManagerSeat

__all__ = [
    "STATUS_LABELS",
    "TRANSITIONS",
    "Application",
    "ApplicationType",
    "ApprovalRefused",
    "ChangeKind",
    "DomainError",
    "FieldError",
    "Form1",
    "FormInvalid",
    "Grant",
    "GrantChange",
    "IdKind",
    "IllegalTransition",
    "Institution",
    "Level",
    "ManagerSeat",
    "ManagerSeatRefused",
    "PersonalId",
    "Phone",
    "Receipt",
    "Status",
    "VendorRecord",
    "new_application",
    "parse_application_type",
    "taiwan_date",
]
