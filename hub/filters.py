import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.classifications import IsicSection, SizeClass
from hub.models import Enterprise, FollowUp
from hub.selectors import in_region


class EnterpriseFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("region"))
    sector = django_filters.MultipleChoiceFilter(choices=IsicSection.choices)
    size_class = django_filters.MultipleChoiceFilter(choices=SizeClass.choices)
    women_led = django_filters.BooleanFilter()
    youth_led = django_filters.BooleanFilter()
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = Enterprise
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region(value))

    def search(self, queryset, name, value):
        """Name, owner, commune, RCCM or phone number; a phone number matches whatever its spacing."""
        condition = (
            Q(name__icontains=value)
            | Q(owner_name__icontains=value)
            | Q(commune__icontains=value)
            | Q(rccm__icontains=value)
        )
        digits = re.sub(r"[\s.()-]", "", value)
        if re.fullmatch(r"\+?\d{4,}", digits):
            condition |= Q(owner_phone__contains=digits.removeprefix("00"))
        return queryset.filter(condition)


class FollowUpFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=FollowUp.Kind.choices)
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("enterprise"))
    case = django_filters.NumberFilter(field_name="case", label=_("case"))
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("from"))
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("to"))
    collected = django_filters.BooleanFilter(field_name="collected_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = FollowUp
        fields = []
