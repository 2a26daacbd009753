from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from api.permissions import Allows
from api.serializers.hub import (
    EnterpriseSerializer,
    EnterpriseSummarySerializer,
    FollowUpSerializer,
    HubSerializer,
    ReferentSerializer,
)
from api.viewsets.base import ScopedObjectMixin, SummaryListMixin
from hub.filters import EnterpriseFilter, FollowUpFilter, HubFilter, ReferentFilter
from hub.models import Enterprise, FollowUp
from hub.permissions import Action, scope
from hub.selectors import enterprises_visible_to, hubs_visible_to, referent_profiles_visible_to
from hub.services import enterprise_save, followup_save


class HubViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    """Hubs and their service standards; regional viewers and administrators see every hub. Filters:
    `country`, `code`."""

    serializer_class = HubSerializer
    filterset_class = HubFilter
    permission_classes = [IsAuthenticated]  # hub descriptions hold no personal data: regional viewers read them

    def get_queryset(self):
        return hubs_visible_to(user=self.request.user)


class EnterpriseViewSet(
    ScopedObjectMixin,
    SummaryListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EnterpriseSerializer
    summary_serializer_class = EnterpriseSummarySerializer
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "created_at"]
    permission_classes = [Allows(read=None, write=Action.MANAGE_DIRECTORY)]

    def get_queryset(self):
        enterprises = enterprises_visible_to(user=self.request.user)
        if self.is_summary_list():
            return self.summary_rows(enterprises)
        return enterprises

    def perform_create(self, serializer):
        serializer.instance = enterprise_save(
            enterprise=Enterprise(), by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = enterprise_save(
            enterprise=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class ReferentViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    """Referents of the hub with their current open load. Filters: `domain`, `region` (a region also matches
    the regions carved from it), `active`."""

    serializer_class = ReferentSerializer
    filterset_class = ReferentFilter
    permission_classes = [Allows(read=Action.VIEW_DIRECTORY, write=None)]

    def get_queryset(self):
        return referent_profiles_visible_to(user=self.request.user)


class FollowUpViewSet(
    ScopedObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    ordering_fields = ["due_date", "collected_on"]
    permission_classes = [Allows(read=Action.RECORD_FOLLOWUPS, write=Action.RECORD_FOLLOWUPS)]

    def get_queryset(self):
        return scope(FollowUp.objects.select_related("hub"), user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = followup_save(followup=FollowUp(), by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = followup_save(
            followup=serializer.instance, by=self.request.user, **serializer.validated_data
        )
