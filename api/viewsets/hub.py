from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.permissions import Allows
from api.serializers.hub import (
    EnterpriseSerializer,
    EnterpriseSummarySerializer,
    FollowUpAssignSerializer,
    FollowUpCollectSerializer,
    FollowUpSerializer,
    HubSerializer,
    ReferentSerializer,
)
from api.viewsets.base import ScopedObjectMixin, SummaryListMixin
from hub.filters import EnterpriseFilter, FollowUpFilter, HubFilter, ReferentFilter
from hub.followups.selectors import followups_visible_to
from hub.followups.services import followup_assign, followup_baseline_create, followup_collect
from hub.models import Enterprise
from hub.permissions import Action
from hub.selectors import enterprises_visible_to, hubs_visible_to, referent_profiles_visible_to
from hub.services import enterprise_save


class HubViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    """Hubs and their service standards; administrators see every hub, regional viewers the hubs of their scope
    (`hubs_readable_in_reports`). A hub's id is its code, as every record's `hub` and the reports give it.
    Filters: `country`, `code`."""

    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"
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
    """Referents of the hub with their current open load, each by their user's id. Filters: `domain`, `region`
    (a region also matches the regions carved from it), `active`."""

    lookup_field = "user_id"
    lookup_url_kwarg = "pk"
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
    viewsets.GenericViewSet,
):
    """Follow-ups are planned by the case and visit services and recorded through `collect`; a POST records a
    baseline taken outside the plan. None is changed afterwards but by the self-reported answers' confirmation
    on its page."""

    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    ordering_fields = ["due_date", "collected_on"]
    permission_classes = [Allows(read=Action.RECORD_FOLLOWUPS, write=Action.RECORD_FOLLOWUPS)]

    def get_queryset(self):
        return followups_visible_to(user=self.request.user)

    @extend_schema(
        request=FollowUpCollectSerializer,
        responses={
            201: FollowUpSerializer,
            200: OpenApiResponse(FollowUpSerializer, description="Already stored with this client_uuid and content."),
            400: OpenApiResponse(description="Invalid answers, or the follow-up was already recorded."),
            409: OpenApiResponse(description="This client_uuid is stored with other content."),
        },
    )
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None, format=None):
        """Record a planned follow-up, once (the phone's outbox sends here, offline records included):
        resending the same `client_uuid` and content returns the stored follow-up; a second collection is
        refused."""
        followup = self.get_object()
        serializer = FollowUpCollectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, client_uuid = serializer.to_input()
        followup, created = followup_collect(followup=followup, data=data, by=request.user, client_uuid=client_uuid)
        followup = self.get_queryset().get(pk=followup.pk)
        return Response(
            self.get_serializer(followup).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=FollowUpAssignSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"], permission_classes=[Allows(read=None, write=Action.ASSIGN_CASES)])
    def assign(self, request, pk=None, format=None):
        """Put a referent of the hub (`referent`, as listed by /api/v1/referents/) in charge of collecting it."""
        followup = self.get_object()
        serializer = FollowUpAssignSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        followup = followup_assign(followup=followup, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=followup.pk)).data)

    def perform_create(self, serializer):
        serializer.instance = followup_baseline_create(by=self.request.user, **serializer.validated_data)
