from rest_framework import mixins, viewsets

from api.permissions import Allows
from api.serializers.library import PartnerSerializer, SheetSerializer
from api.viewsets.base import ScopedObjectMixin
from hub.library import services
from hub.library.selectors import partners_found, sheets_found
from hub.models import Partner, TechnologySheet
from hub.permissions import Action


class LibraryFilterMixin:
    """`q` searches as the library pages do (accents, plurals and word endings folded)."""

    def param(self, name: str) -> str:
        return self.request.query_params.get(name, "")[:200]


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
    ordering_fields = ["title", "updated_at"]
    permission_classes = [Allows(read=Action.READ_LIBRARY, write=Action.WRITE_LIBRARY)]

    def get_queryset(self):
        sheets = sheets_found(
            user=self.request.user,
            query=self.param("q"),
            domain=self.param("domain"),
            sector=self.param("sector"),
            status=self.param("status"),
        )
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
    ordering_fields = ["name"]
    permission_classes = [Allows(read=Action.SHARE_LIBRARY, write=Action.MANAGE_DIRECTORY)]

    def get_queryset(self):
        partners = partners_found(
            user=self.request.user, query=self.param("q"), kind=self.param("kind"), domain=self.param("domain")
        )
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
