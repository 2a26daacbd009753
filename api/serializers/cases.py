from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import ids
from api.serializers.fields import RowSerializer, SelectableFieldsMixin, VisibleRelatedField
from cases.models import Case, CaseActionReceipt, CaseNote, CaseStatus, Priority, next_due
from hub.classifications import TechnologyDomain
from hub.library.selectors import partners_visible_to
from hub.models import Enterprise, Partner, Role, User
from hub.permissions import scope
from hub.selectors import enterprises_visible_to


def referents_visible_to(*, user: User):
    return scope(User.objects.filter(role=Role.REFERENT, is_active=True), user=user)


CASE_WRITABLE_FIELDS = ("enterprise", "channel", "domain", "title", "description", "priority")


class CaseSerializer(SelectableFieldsMixin, serializers.ModelSerializer):
    hub = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=ids.HUB)
    enterprise = VisibleRelatedField(
        selector=enterprises_visible_to, queryset=Enterprise.objects.none(), help_text=ids.ENTERPRISE
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    assigned_to_name = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "hub",
            "enterprise",
            "enterprise_name",
            "channel",
            "domain",
            "title",
            "description",
            "priority",
            "status",
            "assigned_to",
            "assigned_to_name",
            "received_at",
            "acknowledged_at",
            "assigned_at",
            "first_contact_at",
            "resolved_at",
            "closed_at",
            "acknowledge_due",
            "assign_due",
            "first_contact_due",
            "resolve_due",
            "is_overdue",
            "resolution_summary",
            "rejection_reason",
            "referred_to",
            "referred_to_name",
            "satisfaction_rating",
            "satisfaction_comment",
            "rated_at",
            "version",
            "updated_at",
        ]
        read_only_fields = [name for name in fields if name not in CASE_WRITABLE_FIELDS]
        extra_kwargs = {"assigned_to": {"help_text": ids.REFERENT}, "referred_to": {"help_text": ids.PARTNER}}

    def get_assigned_to_name(self, case: Case) -> str:
        return case.assigned_to.get_full_name() if case.assigned_to else ""

    def get_is_overdue(self, case: Case) -> bool:
        return case.next_due is not None and case.next_due < timezone.localdate()


class CaseSummarySerializer(RowSerializer):
    """A case in a list: the same values as its detail, for these fields only."""

    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    enterprise = serializers.IntegerField(source="enterprise_id", help_text=ids.ENTERPRISE)
    domain = serializers.ChoiceField(choices=TechnologyDomain.choices)
    title = serializers.CharField()
    priority = serializers.ChoiceField(choices=Priority.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    assigned_to = serializers.IntegerField(source="assigned_to_id", allow_null=True, help_text=ids.REFERENT)
    received_at = serializers.DateTimeField()
    resolve_due = serializers.DateField(allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    DUES = ("status", "acknowledge_due", "assign_due", "first_contact_due", "resolve_due")

    @classmethod
    def columns(cls) -> list[str]:
        return [*super().columns(), *(name for name in cls.DUES if name not in ("status", "resolve_due"))]

    def get_is_overdue(self, row: dict) -> bool:
        due = next_due(**{name: row[name] for name in self.DUES})
        return due is not None and due < timezone.localdate()


class VersionedActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The version you read; a newer one on the server answers 409.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class QualifySerializer(VersionedActionSerializer):
    domain = serializers.ChoiceField(choices=TechnologyDomain.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)


class AssignSerializer(VersionedActionSerializer):
    referent = VisibleRelatedField(selector=referents_visible_to, queryset=User.objects.none(), help_text=ids.REFERENT)


class TransitionSerializer(VersionedActionSerializer):
    to_status = serializers.ChoiceField(choices=CaseStatus.choices)
    resolution_summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    rejection_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    partner = VisibleRelatedField(
        selector=partners_visible_to,
        queryset=Partner.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text=ids.PARTNER,
    )


class CaseNoteSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseNote
        fields = ["id", "visibility", "body", "author", "author_name", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]
        extra_kwargs = {"body": {"max_length": 10000}, "author": {"help_text": ids.PERSON}}

    def get_author_name(self, note: CaseNote) -> str:
        return note.author.get_full_name() or note.author.username


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CaseActionSerializer(serializers.Serializer):
    """An action the referent made on the case on their phone, sent from its outbox."""

    client_uuid = serializers.UUIDField(help_text=_("Chosen by the phone; the same action resent is stored once."))
    kind = serializers.ChoiceField(choices=CaseActionReceipt.Kind.choices)
    version = serializers.IntegerField(
        min_value=1, help_text=_("The case version the phone had; a move made on an older one answers 412.")
    )
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10000,
        help_text=_("The text of the note or message; for a move, an optional note to it."),
    )
    to_status = serializers.ChoiceField(
        choices=CaseStatus.choices, required=False, allow_blank=True, default="", help_text=_("For a move.")
    )
    resolution_summary = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10000, help_text=_("For a move to resolved.")
    )
    made_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class CaseActionReceiptSerializer(serializers.ModelSerializer):
    """What was stored for the action, and the case as it is now."""

    kind = serializers.CharField(read_only=True, help_text=_("As sent: note, message or move."))
    """A plain string here: the request carries the choices, and one choice set in two components would need
    a name of its own in the schema settings."""
    case = CaseSerializer(read_only=True)

    class Meta:
        model = CaseActionReceipt
        fields = ["client_uuid", "kind", "applied_on", "case_version", "note", "case"]
        read_only_fields = fields
        extra_kwargs = {
            "applied_on": {"help_text": _("The case version the action was applied on.")},
            "case_version": {"help_text": _("The case version once the action was applied.")},
            "note": {"help_text": _("The note or message written, by its id; null for a move.")},
        }


class CaseChangedSerializer(serializers.Serializer):
    """The 412 answer to a move made on an older version of the case."""

    detail = serializers.CharField()
    code = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField())
    current = CaseSerializer()
