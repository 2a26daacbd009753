from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.permissions import Allows
from api.serializers.cases import (
    AssignSerializer,
    CaseActionReceiptSerializer,
    CaseActionSerializer,
    CaseChangedSerializer,
    CaseNoteSerializer,
    CaseSerializer,
    CaseSummarySerializer,
    QualifySerializer,
    RateSerializer,
    TransitionSerializer,
)
from api.serializers.library import ShareSerializer
from api.viewsets.base import ScopedObjectMixin, SummaryListMixin
from cases import services
from cases.filters import CaseFilter
from cases.models import CaseNote
from cases.selectors import case_notes_visible_to, case_shares, cases_visible_to
from hub.models import Role
from hub.permissions import Action

WRITE_ACTIONS = {
    "create": Action.SUBMIT_CASE,
    "qualify": Action.TRIAGE_CASES,
    "assign": Action.ASSIGN_CASES,
    "rate": Action.RATE_CASES,
    "queued_action": Action.WORK_ON_CASES,
}
"""Capability a role needs for each write; transitions and notes are decided by the transition table
and the note rules in the case services. The actions queued on the phone are the hub staff's."""


class CaseViewSet(
    ScopedObjectMixin,
    SummaryListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Support requests. Every change after creation is an explicit action going through the case services;
    actions accept the `version` the client read and answer 409 with the current case when it is stale; a move
    queued on a phone (`actions/`) answers 412 with what changed since."""

    serializer_class = CaseSerializer
    summary_serializer_class = CaseSummarySerializer
    filterset_class = CaseFilter
    ordering_fields = ["received_at", "reference", "resolve_due", "updated_at"]

    def get_permissions(self):
        return [Allows(read=None, write=WRITE_ACTIONS.get(self.action))]

    def get_queryset(self):
        cases = cases_visible_to(user=self.request.user)
        if self.is_summary_list():
            return self.summary_rows(cases)
        return cases.select_related("hub")

    def perform_create(self, serializer):
        serializer.instance = services.case_create(by=self.request.user, **serializer.validated_data)

    def _respond(self, case):
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data)

    def _action_data(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["expected_version"] = data.pop("version", None)
        return data

    @extend_schema(request=QualifySerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def qualify(self, request, pk=None, format=None):
        case = services.case_qualify(case=self.get_object(), by=request.user, **self._action_data(QualifySerializer))
        return self._respond(case)

    @extend_schema(request=AssignSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None, format=None):
        case = services.case_assign(case=self.get_object(), by=request.user, **self._action_data(AssignSerializer))
        return self._respond(case)

    @extend_schema(request=TransitionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, format=None):
        case = services.case_transition(
            case=self.get_object(), by=request.user, **self._action_data(TransitionSerializer)
        )
        return self._respond(case)

    @extend_schema(request=RateSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None, format=None):
        serializer = RateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_rate(case=self.get_object(), by=request.user, **serializer.validated_data)
        return self._respond(case)

    @extend_schema(methods=["GET"], responses=CaseNoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=CaseNoteSerializer, responses={201: CaseNoteSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def notes(self, request, pk=None, format=None):
        """Internal notes and messages to the SME; SME users read and write messages only, and their message
        moves a case waiting for them back to in progress, as on the portal."""
        case = self.get_object()
        if request.method == "GET":
            notes = case_notes_visible_to(user=request.user, case=case)
            return Response(CaseNoteSerializer(notes, many=True).data)
        serializer = CaseNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if request.user.role == Role.SME and data.get("visibility") == CaseNote.Visibility.SME:
            note = services.case_reply(case=case, by=request.user, body=data["body"])
        else:
            note = services.case_add_note(case=case, by=request.user, **data)
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ShareSerializer(many=True))
    @extend_schema(methods=["POST"], request=ShareSerializer, responses={201: ShareSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def shares(self, request, pk=None, format=None):
        """Technology sheets and partner organisations shared with the SME in this case."""
        case = self.get_object()
        if request.method == "GET":
            return Response(ShareSerializer(case_shares(case=case), many=True).data)
        serializer = ShareSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        share = services.case_share(case=case, by=request.user, **serializer.validated_data)
        return Response(ShareSerializer(share).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CaseActionSerializer,
        responses={
            201: CaseActionReceiptSerializer,
            200: OpenApiResponse(CaseActionReceiptSerializer, description="Already stored with the same content."),
            400: OpenApiResponse(description="Invalid action, one message per field: nothing stored."),
            403: OpenApiResponse(description="Your role, or you, cannot make this action: nothing stored."),
            404: OpenApiResponse(description="No such case among those you may read."),
            409: OpenApiResponse(description="This client_uuid is stored for another action."),
            412: OpenApiResponse(
                CaseChangedSerializer, description="A move made on an older version of the case: nothing stored."
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="actions", url_name="actions")
    def queued_action(self, request, pk=None, format=None):
        """A note, a message to the SME or a status move the referent made on their phone, keyed by the
        phone's client_uuid: stored once however often it is sent."""
        case = self.get_object()
        serializer = CaseActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        receipt, created = services.case_queued_action(case=case, by=request.user, **serializer.validated_data)
        receipt.case = self.get_queryset().get(pk=receipt.case_id)
        data = CaseActionReceiptSerializer(receipt, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
