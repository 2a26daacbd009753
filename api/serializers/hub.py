from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from api.serializers import ids
from api.serializers.fields import CoordinateField, RowSerializer, SelectableFieldsMixin, VisibleRelatedField
from cases.models import Case
from cases.selectors import cases_visible_to
from hub.classifications import IsicSection, SizeClass
from hub.followups.services import ANSWER_FIELDS, Collection
from hub.models import AdministrativeUnit, Enterprise, FollowUp, Hub, HubTarget, Referent, User
from hub.selectors import enterprises_visible_to, referents_visible_to
from hub.services import ENTERPRISE_EDITABLE_FIELDS


class HubTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = HubTarget
        fields = ["year", "indicator", "value"]


class HubSerializer(serializers.ModelSerializer):
    targets = HubTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Hub
        fields = [
            "code",
            "name",
            "country",
            "host_organisation",
            "acknowledge_days",
            "assign_days",
            "first_contact_days",
            "resolve_days",
            "reopen_days",
            "followup_6_months_days",
            "followup_12_months_days",
            "weekend_days",
            "targets",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": _("The hub's id: its records' `hub` and its detail's path, e.g. /api/v1/hubs/ML/.")}
        }


class EnterpriseSerializer(SelectableFieldsMixin, serializers.ModelSerializer):
    hub = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=ids.HUB)
    region = serializers.SlugRelatedField(slug_field="code", queryset=AdministrativeUnit.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    owner_phone = PhoneNumberField(label=_("owner's phone number"))

    class Meta:
        model = Enterprise
        fields = ["id", "hub", *ENTERPRISE_EDITABLE_FIELDS, "region_name", "size_class", "created_at"]
        read_only_fields = ["size_class", "created_at"]


class EnterpriseSummarySerializer(RowSerializer):
    """An enterprise in a list: who it is, where and how large, without its owner's contact details (its
    detail has them)."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    sector = serializers.ChoiceField(choices=IsicSection.choices)
    region = serializers.CharField(source="region_id")
    commune = serializers.CharField()
    size_class = serializers.ChoiceField(choices=SizeClass.choices)
    women_led = serializers.BooleanField()
    youth_led = serializers.BooleanField()
    employees_total = serializers.IntegerField()
    employees_women = serializers.IntegerField()


@extend_schema_serializer(deprecate_fields=["user_id"])
class ReferentSerializer(serializers.ModelSerializer):
    """A referent is known by their user's id, the one their cases, visits and follow-ups carry."""

    id = serializers.IntegerField(
        source="user_id",
        read_only=True,
        help_text=_("The referent's id: the `referent` or `assigned_to` of their records and of the assign actions."),
    )
    user_id = serializers.IntegerField(
        read_only=True,
        help_text=_("The same as `id`; deprecated, kept for the clients that read it before 2026-12-06."),
    )
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    open_cases = serializers.IntegerField(read_only=True)

    class Meta:
        model = Referent
        fields = ["id", "user_id", "username", "full_name", "domains", "regions", "is_active", "open_cases"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    enterprise = VisibleRelatedField(
        selector=enterprises_visible_to, queryset=Enterprise.objects.none(), help_text=ids.ENTERPRISE
    )
    case = VisibleRelatedField(
        selector=cases_visible_to, queryset=Case.objects.none(), required=False, allow_null=True, help_text=ids.CASE
    )
    hub = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=ids.HUB)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "hub",
            "enterprise",
            "case",
            "kind",
            "due_date",
            "collected_on",
            "collected_by",
            *ANSWER_FIELDS,
            "assigned_to",
            "self_reported",
            "confirmed_by",
            "confirmed_at",
            "created_at",
        ]
        read_only_fields = [
            "collected_by",
            "assigned_to",
            "self_reported",
            "confirmed_by",
            "confirmed_at",
            "created_at",
        ]
        extra_kwargs = {
            "collected_by": {"help_text": ids.PERSON},
            "assigned_to": {"help_text": ids.REFERENT},
            "confirmed_by": {"help_text": ids.PERSON},
        }
        validators = []  # the model's conditional unique constraints are checked by full_clean in the service


class FollowUpAnswersSerializer(serializers.ModelSerializer):
    """The answers of a follow-up, each optional; the model's bounds apply (whole XOF, counts)."""

    class Meta:
        model = FollowUp
        fields = ANSWER_FIELDS
        extra_kwargs = {name: {"required": False} for name in ANSWER_FIELDS}


class FollowUpCollectSerializer(FollowUpAnswersSerializer):
    """A follow-up recorded once: `client_uuid`, chosen by the phone, makes a resend land once."""

    client_uuid = serializers.UUIDField(required=False, allow_null=True, default=None)
    collected_on = serializers.DateField()

    class Meta(FollowUpAnswersSerializer.Meta):
        fields = ["client_uuid", "collected_on", *ANSWER_FIELDS]

    def to_input(self) -> tuple[Collection, object]:
        data = dict(self.validated_data)
        client_uuid = data.pop("client_uuid")
        return Collection(collected_on=data.pop("collected_on"), answers=data), client_uuid


class FollowUpAssignSerializer(serializers.Serializer):
    referent = VisibleRelatedField(selector=referents_visible_to, queryset=User.objects.none(), help_text=ids.REFERENT)
