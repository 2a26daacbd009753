from tests.factories.cases import CaseFactory, CaseNoteFactory
from tests.factories.hub import (
    PASSWORD,
    AdminFactory,
    EnterpriseFactory,
    FollowUpFactory,
    HubFactory,
    ManagerFactory,
    NigerHubFactory,
    PartnerFactory,
    ReferentProfileFactory,
    ReferentUserFactory,
    SmeUserFactory,
    UserFactory,
    ViewerFactory,
)
from tests.factories.library import SheetFactory
from tests.factories.visits import VisitFactory

__all__ = [
    "PASSWORD",
    "AdminFactory",
    "CaseFactory",
    "CaseNoteFactory",
    "EnterpriseFactory",
    "FollowUpFactory",
    "HubFactory",
    "ManagerFactory",
    "NigerHubFactory",
    "PartnerFactory",
    "ReferentProfileFactory",
    "ReferentUserFactory",
    "SheetFactory",
    "SmeUserFactory",
    "UserFactory",
    "ViewerFactory",
    "VisitFactory",
]
