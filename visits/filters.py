import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.classifications import IsicSection
from hub.selectors import in_region
from visits.models import Purpose, Visit


class VisitFilter(django_filters.FilterSet):
    purpose = django_filters.MultipleChoiceFilter(choices=Purpose.choices)
    referent = django_filters.NumberFilter(field_name="referent", label=_("referent"))
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("enterprise"))
    case = django_filters.NumberFilter(field_name="cases", label=_("case"))
    region = django_filters.CharFilter(method="filter_region", label=_("region"))
    sector = django_filters.ChoiceFilter(field_name="enterprise__sector", choices=IsicSection.choices)
    started_from = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label=_("from"))
    started_to = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label=_("to"))
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = Visit
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region(value, prefix="enterprise__"))

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(observations__icontains=value) | Q(needs_found__icontains=value)
        )
