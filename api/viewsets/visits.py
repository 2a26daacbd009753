from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.exception_handlers import PayloadTooLarge
from api.parsers import MultiPartParser
from api.permissions import Allows
from api.serializers.library import ShareSerializer
from api.serializers.visits import (
    PhotoUploadSerializer,
    VisitPhotoSerializer,
    VisitSerializer,
    VisitSummarySerializer,
)
from api.viewsets.base import ScopedObjectMixin, SummaryListMixin
from hub.permissions import Action
from visits.filters import VisitFilter
from visits.selectors import visits_visible_to
from visits.services import MAX_PHOTO_BYTES, visit_add_photo, visit_record, visit_share

PHOTO_FORM_ALLOWANCE = 64 * 1024
"""Room in a photo upload's body, besides the photo, for the caption, the token and the multipart framing."""


def refuse_oversized_photo(request) -> None:
    """Answer 413 from the announced length alone, before anything is read or parsed (the CSRF check of
    session authentication would parse the body): Django reads no more than CONTENT_LENGTH, and a body
    without one is read as empty."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length > MAX_PHOTO_BYTES + PHOTO_FORM_ALLOWANCE:
        raise PayloadTooLarge(_("A photo can be at most 10 MB."))


class VisitViewSet(
    ScopedObjectMixin, SummaryListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = VisitSerializer
    summary_serializer_class = VisitSummarySerializer
    filterset_class = VisitFilter
    ordering_fields = ["started_at", "created_at"]
    permission_classes = [Allows(read=Action.VIEW_VISITS, write=Action.LOG_VISITS)]

    def initial(self, request, *args, **kwargs):
        if self.action == "photos":
            refuse_oversized_photo(request)
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        visits = visits_visible_to(user=self.request.user)
        if self.is_summary_list():
            return self.summary_rows(visits)
        return visits.select_related("hub").prefetch_related("cases", "photos")

    @extend_schema(
        responses={
            201: VisitSerializer,
            200: OpenApiResponse(VisitSerializer, description="Already stored with the same content."),
            409: OpenApiResponse(description="Already stored with other content."),
        }
    )
    def create(self, request, *args, **kwargs):
        """Record a visit; resending the same `client_uuid` and content returns the stored visit."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit, created = visit_record(data=serializer.to_input(), by=request.user)
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(
            self.get_serializer(visit).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={
            201: VisitPhotoSerializer,
            200: OpenApiResponse(VisitPhotoSerializer, description="Already stored under this token."),
            413: OpenApiResponse(description="The photo is larger than 10 MB."),
            503: OpenApiResponse(description="The server could not write the file (a full disk): nothing stored."),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None, format=None):
        """Add a photo (multipart `image`, at most 10 MB, or 413); at most 5 per visit, by the referent who
        made it. Resending with the same `token` returns the photo already stored."""
        serializer = PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["image"].size > MAX_PHOTO_BYTES:
            raise PayloadTooLarge(_("A photo can be at most 10 MB."))
        photo, created = visit_add_photo(
            visit=self.get_object(), by=request.user, upload=data["image"], caption=data["caption"], token=data["token"]
        )
        return Response(
            VisitPhotoSerializer(photo).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(methods=["GET"], responses=ShareSerializer(many=True))
    @extend_schema(methods=["POST"], request=ShareSerializer, responses={201: ShareSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def shares(self, request, pk=None, format=None):
        """Technology sheets and partner organisations handed over at this visit; recorded by its referent."""
        visit = self.get_object()
        if request.method == "GET":
            return Response(ShareSerializer(visit.shares.select_related("sheet", "partner"), many=True).data)
        serializer = ShareSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        share = visit_share(visit=visit, by=request.user, **serializer.validated_data)
        return Response(ShareSerializer(share).data, status=status.HTTP_201_CREATED)
