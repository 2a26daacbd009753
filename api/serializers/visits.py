from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import ids
from api.serializers.fields import CoordinateField, RowSerializer, SelectableFieldsMixin, VisibleRelatedField
from cases.models import Case
from cases.selectors import cases_visible_to
from hub.classifications import TechnologyDomain
from hub.models import Enterprise
from hub.selectors import enterprises_visible_to
from visits.models import Purpose, Visit, VisitPhoto
from visits.services import MAX_NEEDS_PER_VISIT, NeedInput, VisitInput


class VisitPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = VisitPhoto
        fields = ["id", "caption", "width", "height", "url", "uploaded_at"]
        read_only_fields = fields

    def get_url(self, photo: VisitPhoto) -> str:
        return reverse("visits:photo", kwargs={"token": photo.token})


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text=_("A JPEG, PNG or WebP photo; stored re-encoded, without metadata."))
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    token = serializers.UUIDField(
        required=False, default=None, help_text=_("Chosen by the client, so that a resent upload is stored once.")
    )


class NeedSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=TechnologyDomain.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class VisitSerializer(SelectableFieldsMixin, serializers.ModelSerializer):
    hub = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=ids.HUB)
    enterprise = VisibleRelatedField(
        selector=enterprises_visible_to, queryset=Enterprise.objects.none(), help_text=ids.ENTERPRISE
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    cases = VisibleRelatedField(
        selector=cases_visible_to, queryset=Case.objects.none(), many=True, required=False, help_text=ids.CASES
    )
    photos = VisitPhotoSerializer(many=True, read_only=True)
    new_cases = NeedSerializer(
        many=True,
        required=False,
        write_only=True,
        max_length=MAX_NEEDS_PER_VISIT,
        help_text=_("Needs found at the visit, each recorded as a case assigned to the referent and linked here."),
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "client_uuid",
            "hub",
            "referent",
            "enterprise",
            "enterprise_name",
            "started_at",
            "duration_minutes",
            "purpose",
            "observations",
            "needs_found",
            "recommendations",
            "next_step",
            "follow_up_date",
            "latitude",
            "longitude",
            "gps_accuracy_m",
            "people_reached_total",
            "people_reached_women",
            "cases",
            "new_cases",
            "photos",
            "created_at",
        ]
        read_only_fields = ["id", "hub", "referent", "photos", "created_at"]
        extra_kwargs = {
            "client_uuid": {"validators": []},
            "referent": {"help_text": ids.REFERENT},
            "observations": {"max_length": 10000},
            "needs_found": {"max_length": 10000},
            "recommendations": {"max_length": 10000},
            "next_step": {"max_length": 5000},
        }

    def to_input(self) -> VisitInput:
        data = dict(self.validated_data)
        data["cases"] = list(data.get("cases", []))
        data["new_cases"] = [NeedInput(**need) for need in data.get("new_cases", [])]
        return VisitInput(**data)


class VisitSummarySerializer(RowSerializer):
    """A visit in a list: no notes, position, linked cases or photos (its detail has them)."""

    id = serializers.IntegerField(source="pk")
    referent = serializers.IntegerField(source="referent_id", help_text=ids.REFERENT)
    enterprise = serializers.IntegerField(source="enterprise_id", help_text=ids.ENTERPRISE)
    started_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    follow_up_date = serializers.DateField(allow_null=True)
    people_reached_total = serializers.IntegerField()
    people_reached_women = serializers.IntegerField()
