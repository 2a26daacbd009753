import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, CaseStatus, Channel, Priority
from cases.selectors import overdue_condition
from hub.classifications import IsicSection, SizeClass, TechnologyDomain
from hub.filters import TrueOrFalseFilter
from hub.selectors import in_region

CASE_LIST_QUERIES = {
    "new": "status=new",
    "qualified": "status=qualified",
    "overdue": "overdue=true",
    "open": "&".join(f"status={status}" for status in CaseStatus.values if status in OPEN_STATUSES),
}
"""Query strings of the case list that CaseFilter reads: its shortcuts and the figures that open it."""


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    domain = django_filters.MultipleChoiceFilter(choices=TechnologyDomain.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    referent = django_filters.NumberFilter(field_name="assigned_to", label=_("referent"))
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("enterprise"))
    region = django_filters.CharFilter(method="filter_region", label=_("region"))
    sector = django_filters.ChoiceFilter(field_name="enterprise__sector", choices=IsicSection.choices)
    size_class = django_filters.ChoiceFilter(field_name="enterprise__size_class", choices=SizeClass.choices)
    women_led = TrueOrFalseFilter(field_name="enterprise__women_led")
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte", label=_("from"))
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte", label=_("to"))
    overdue = TrueOrFalseFilter(method="filter_overdue", label=_("overdue"))
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = Case
        fields = []

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition(today=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region(value, prefix="enterprise__"))

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(enterprise__name__icontains=value)
        )
