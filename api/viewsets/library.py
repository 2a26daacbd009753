from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from api.permissions import Allows
from api.serializers.library import (
    PartnerFiltersSerializer,
    PartnerSerializer,
    SheetFiltersSerializer,
    SheetSerializer,
)
from api.viewsets.base import ScopedObjectMixin
from hub.library import services
from hub.library.selectors import partners_found, sheets_found
from hub.models import Partner, TechnologySheet
from hub.permissions import Action


class LibraryFilterMixin:
    """`q` searches as the library pages do (accents, plurals and word endings folded); the other filters
    are codes, validated by `filters_class` on lists (a detail reads none of them)."""

    filters_class: type[serializers.Serializer]

    def filters(self) -> dict:
        if self.action != "list":
            return {}
        params = self.filters_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data


@extend_schema_view(list=extend_schema(parameters=[SheetFiltersSerializer]))
class SheetViewSet(
    ScopedObjectMixin,
    LibraryFilterMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Technology sheets: hub staff read every sheet of their hub, SME users the published ones. Filters:
    `q`, `domain`, `sector`, `status`."""

    serializer_class = SheetSerializer
    filters_class = SheetFiltersSerializer
    ordering_fields = ["title", "updated_at"]
    permission_classes = [Allows(read=Action.READ_LIBRARY, write=Action.WRITE_LIBRARY)]

    def get_queryset(self):
        filters = self.filters()
        sheets = sheets_found(user=self.request.user, query=filters.pop("q", ""), **filters)
        return sheets.prefetch_related("partners", "attachments").order_by("title", "pk")

    def _save(self, serializer, sheet: TechnologySheet):
        data = dict(serializer.validated_data)
        partners = data.pop("partners", None)
        serializer.instance = services.sheet_save(
            sheet=sheet, by=self.request.user, partners=list(partners) if partners is not None else None, **data
        )

    def perform_create(self, serializer):
        self._save(serializer, TechnologySheet())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


@extend_schema_view(list=extend_schema(parameters=[PartnerFiltersSerializer]))
class PartnerViewSet(
    ScopedObjectMixin,
    LibraryFilterMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Partner organisations of the hub (hub staff). Filters: `q`, `kind`, `domain`. Deleting one keeps
    its name on the cases referred to it and on the items shared."""

    serializer_class = PartnerSerializer
    filters_class = PartnerFiltersSerializer
    ordering_fields = ["name"]
    permission_classes = [Allows(read=Action.SHARE_LIBRARY, write=Action.MANAGE_DIRECTORY)]

    def get_queryset(self):
        filters = self.filters()
        partners = partners_found(user=self.request.user, query=filters.pop("q", ""), **filters)
        return partners.prefetch_related("regions").order_by("name", "pk")

    def _save(self, serializer, partner: Partner):
        data = dict(serializer.validated_data)
        regions = data.pop("regions", None)
        serializer.instance = services.partner_save(partner=partner, by=self.request.user, regions=regions, **data)

    def perform_create(self, serializer):
        self._save(serializer, Partner())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        services.partner_delete(partner=instance, by=self.request.user)
