from rest_framework.routers import DefaultRouter

from api.viewsets.cases import CaseViewSet
from api.viewsets.hub import EnterpriseViewSet, FollowUpViewSet, HubViewSet, ReferentViewSet
from api.viewsets.library import PartnerViewSet, SheetViewSet
from api.viewsets.visits import VisitViewSet

router = DefaultRouter()
router.register("hubs", HubViewSet, basename="hub")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("referents", ReferentViewSet, basename="referent")
router.register("cases", CaseViewSet, basename="case")
router.register("visits", VisitViewSet, basename="visit")
router.register("followups", FollowUpViewSet, basename="followup")
router.register("sheets", SheetViewSet, basename="sheet")
router.register("partners", PartnerViewSet, basename="partner")
