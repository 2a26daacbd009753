from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hub.classifications import TechnologyDomain
from hub.models import (
    AdministrativeUnit,
    Enterprise,
    FollowUp,
    Hub,
    HubHoliday,
    HubTarget,
    Partner,
    Referent,
    User,
)

admin.site.site_header = _("HUB IIT administration")
admin.site.site_title = _("HUB IIT")
admin.site.index_title = _("Programme data")


class DomainsFormMixin(forms.ModelForm):
    """Shows the JSON list of technology domains as check boxes."""

    domains = forms.MultipleChoiceField(
        label=_("technology domains"),
        choices=TechnologyDomain.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class HubHolidayInline(admin.TabularInline):
    """A holiday entered here is the hub's correction: the daily refresh from the library keeps it."""

    model = HubHoliday
    fields = ["date", "name", "corrected", "library_date"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["corrected"].initial = True
        return formset


class HubTargetInline(admin.TabularInline):
    model = HubTarget
    extra = 0


@admin.register(Hub)
class HubAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "country", "host_organisation", "acknowledge_days", "resolve_days"]
    list_filter = ["country"]
    search_fields = ["code", "name", "host_organisation"]
    inlines = [HubHolidayInline, HubTargetInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "country", "host_organisation", "time_zone", "language"]}),
        (
            _("Service standards"),
            {
                "fields": [
                    "acknowledge_days",
                    "assign_days",
                    "first_contact_days",
                    "resolve_days",
                    "reopen_days",
                    "weekend_days",
                ]
            },
        ),
    ]


@admin.register(HubTarget)
class HubTargetAdmin(SimpleHistoryAdmin):
    list_display = ["hub", "year", "indicator", "value"]
    list_filter = ["hub", "year", "indicator"]


@admin.register(HubHoliday)
class HubHolidayAdmin(SimpleHistoryAdmin):
    """The hub managers' page (Public holidays, under /manage/country/holidays/) does the same with its
    checks; a holiday added here is the hub's correction by default, kept by the daily refresh."""

    list_display = ["date", "name", "hub", "corrected", "library_date"]
    list_filter = ["hub", "corrected"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def get_changeform_initial_data(self, request):
        return {"corrected": True, **super().get_changeform_initial_data(request)}


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "iso_code", "carved_from", "country"]
    list_filter = ["country", "kind"]
    search_fields = ["name", "code", "iso_code"]


@admin.register(User)
class HubUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "role", "hub", "enterprise", "phone", "is_active"]
    list_filter = ["role", "hub", "language", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "phone", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Programme"), {"fields": ["role", "hub", "enterprise", "phone", "language"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Programme"), {"fields": ["role", "hub", "enterprise", "phone", "language"]}),
    ]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "hub", "region", "sector", "size_class", "women_led", "owner_phone", "consent_given"]
    list_filter = ["hub", "region", "sector", "size_class", "women_led", "youth_led", "consent_given"]
    search_fields = ["name", "rccm", "nif", "owner_name", "owner_phone", "commune"]
    readonly_fields = ["size_class", "created_at"]
    fieldsets = [
        (None, {"fields": ["hub", "name", "activity", "sector", "rccm", "nif"]}),
        (_("Location"), {"fields": ["region", "commune", "address", "latitude", "longitude"]}),
        (_("Owner"), {"fields": ["owner_name", "owner_phone", "owner_email", "women_led", "youth_led"]}),
        (_("Size"), {"fields": ["employees_total", "employees_women", "turnover_band", "size_class"]}),
        (_("Consent"), {"fields": ["consent_given", "consent_date", "created_at"]}),
    ]


class ReferentForm(DomainsFormMixin):
    class Meta:
        model = Referent
        fields = ["user", "domains", "regions", "is_active"]


@admin.register(Referent)
class ReferentAdmin(SimpleHistoryAdmin):
    form = ReferentForm
    list_display = ["__str__", "user", "domain_list", "is_active"]
    list_filter = ["is_active", "user__hub", "regions"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["regions"]
    list_select_related = ["user"]

    @admin.display(description=_("technology domains"))
    def domain_list(self, obj):
        return ", ".join(obj.domain_labels)


class PartnerForm(DomainsFormMixin):
    class Meta:
        model = Partner
        fields = [
            "hub",
            "name",
            "kind",
            "domains",
            "regions",
            "contact_name",
            "phone",
            "email",
            "website",
            "address",
        ]


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    form = PartnerForm
    list_display = ["name", "kind", "hub", "contact_name", "phone"]
    list_filter = ["hub", "kind"]
    search_fields = ["name", "contact_name", "email"]
    filter_horizontal = ["regions"]


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "kind", "case", "due_date", "collected_on", "jobs_created", "satisfaction"]
    list_filter = ["hub", "kind", "technology_adopted"]
    search_fields = ["enterprise__name", "case__reference"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["enterprise", "case", "collected_by"]
    list_select_related = ["enterprise", "case"]


admin.site.unregister([AccessLog, AccessFailureLog])
"""Sign-ins are logged to hub.security; axes keeps only the failures it counts (AccessAttempt), which a
superuser deletes here to unlock a pair early."""
