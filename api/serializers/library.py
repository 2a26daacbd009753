from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import ids
from api.serializers.fields import VisibleRelatedField
from hub.classifications import IsicSection, TechnologyDomain
from hub.library.formatting import render
from hub.library.selectors import partners_visible_to, sheets_visible_to
from hub.library.services import PARTNER_FIELDS, SHEET_FIELDS
from hub.models import Partner, SheetAttachment, TechnologySheet


class SheetFiltersSerializer(serializers.Serializer):
    """The query parameters of the sheets list: an unknown code is a 400, never an empty list."""

    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    domain = serializers.ChoiceField(choices=TechnologyDomain.choices, required=False, default="", allow_blank=True)
    sector = serializers.ChoiceField(choices=IsicSection.choices, required=False, default="", allow_blank=True)
    status = serializers.ChoiceField(
        choices=TechnologySheet.Status.choices, required=False, default="", allow_blank=True
    )


class PartnerFiltersSerializer(serializers.Serializer):
    """The query parameters of the partners list."""

    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=Partner.Kind.choices, required=False, default="", allow_blank=True)
    domain = serializers.ChoiceField(choices=TechnologyDomain.choices, required=False, default="", allow_blank=True)


class SheetAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SheetAttachment
        fields = ["original_name", "content_type", "size", "url"]
        read_only_fields = fields

    def get_url(self, attachment: SheetAttachment) -> str:
        return reverse("portal-library:attachment", args=[attachment.sheet_id, attachment.token])


class SheetSerializer(serializers.ModelSerializer):
    hub = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=ids.HUB)
    sectors = serializers.ListField(child=serializers.ChoiceField(choices=IsicSection.choices), required=False)
    body_html = serializers.SerializerMethodField(help_text=_("The body rendered with its marks, safe to show."))
    partners = VisibleRelatedField(
        selector=partners_visible_to, queryset=Partner.objects.none(), many=True, required=False, help_text=ids.PARTNERS
    )
    attachments = SheetAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TechnologySheet
        fields = [
            "id",
            "hub",
            *SHEET_FIELDS,
            "body_html",
            "partners",
            "author",
            "attachments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "hub", "body_html", "author", "attachments", "created_at", "updated_at"]
        extra_kwargs = {"author": {"help_text": ids.PERSON}}

    def get_body_html(self, sheet: TechnologySheet) -> str:
        return str(render(sheet.body))


class PartnerSerializer(serializers.ModelSerializer):
    hub = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=ids.HUB)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=TechnologyDomain.choices), required=False)

    class Meta:
        model = Partner
        fields = ["id", "hub", *PARTNER_FIELDS, "regions"]
        read_only_fields = ["id", "hub"]


class ShareSerializer(serializers.Serializer):
    """Either `sheet` or `partner`."""

    id = serializers.IntegerField(read_only=True)
    sheet = VisibleRelatedField(
        selector=sheets_visible_to,
        queryset=TechnologySheet.objects.none(),
        required=False,
        allow_null=True,
        help_text=ids.SHEET,
    )
    partner = VisibleRelatedField(
        selector=partners_visible_to,
        queryset=Partner.objects.none(),
        required=False,
        allow_null=True,
        help_text=ids.PARTNER,
    )
    partner_name = serializers.CharField(read_only=True)
    shared_by = serializers.IntegerField(source="shared_by_id", read_only=True, help_text=ids.PERSON)
    shared_at = serializers.DateTimeField(read_only=True)
