"""Programme-wide domain: hubs and their standards, territory, users and roles, enterprises, referents,
partners, impact follow-ups and the technology library.

Import from `hub.models`, not from its modules. The migrations name the validators, the default and the
upload path below as `hub.models.<name>`: they stay importable from here."""

# isort: off
# Django registers the models in the order these modules are imported, and apps.get_models(), backups
# and the demo fixture list them in that order: the order of the former hub/models.py, kept on purpose.
from hub.models.common import related_or_none, validate_domains
from hub.models.hubs import (
    AdministrativeUnit,
    Hub,
    HubHoliday,
    HubTarget,
    TargetIndicator,
    saturday_and_sunday,
    validate_time_zone,
    validate_weekdays,
)
from hub.models.people import HUB_BOUND_ROLES, Referent, Role, User
from hub.models.enterprises import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS, Enterprise, Partner
from hub.models.followups import MAX_AMOUNT_XOF, MAX_INNOVATIONS, MAX_STAFF, RECORDS_FROM, FollowUp
from hub.models.library import (
    SHEET_ATTACHMENT_EXTENSIONS,
    SharedItem,
    SheetAttachment,
    TechnologySheet,
    sheet_attachment_path,
    validate_sectors,
)
from hub.models.imports import ImportBatch
from hub.models.messaging import InboundMessage, OutgoingMessage, SmsOptOut
from hub.models.exports import EXPORT_JOB_MAX_AGE, ExportJob
# isort: on

__all__ = [
    "EXPORT_JOB_MAX_AGE",
    "HUB_BOUND_ROLES",
    "LATITUDE_VALIDATORS",
    "LONGITUDE_VALIDATORS",
    "MAX_AMOUNT_XOF",
    "MAX_INNOVATIONS",
    "MAX_STAFF",
    "RECORDS_FROM",
    "SHEET_ATTACHMENT_EXTENSIONS",
    "AdministrativeUnit",
    "Enterprise",
    "ExportJob",
    "FollowUp",
    "Hub",
    "HubHoliday",
    "HubTarget",
    "ImportBatch",
    "InboundMessage",
    "OutgoingMessage",
    "Partner",
    "Referent",
    "Role",
    "SharedItem",
    "SheetAttachment",
    "SmsOptOut",
    "TargetIndicator",
    "TechnologySheet",
    "User",
    "related_or_none",
    "saturday_and_sunday",
    "sheet_attachment_path",
    "validate_domains",
    "validate_sectors",
    "validate_time_zone",
    "validate_weekdays",
]
