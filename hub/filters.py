import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.classifications import Country, IsicSection, SizeClass, TechnologyDomain
from hub.followups.selectors import FollowUpState, in_state
from hub.models import Enterprise, FollowUp, Hub, Referent
from hub.selectors import in_region


class TrueOrFalseField(forms.NullBooleanField):
    """`true` or `false` (or `1`, `0`), any case; left out or empty, no filter. Anything else is an error:
    read as no filter, `women_led=yes` would answer every enterprise as if they were the women-led ones."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(_("Give true or false."), code="invalid") from None


class TrueOrFalseFilter(django_filters.BooleanFilter):
    field_class = TrueOrFalseField


class EnterpriseFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("region"))
    sector = django_filters.MultipleChoiceFilter(choices=IsicSection.choices)
    size_class = django_filters.MultipleChoiceFilter(choices=SizeClass.choices)
    women_led = TrueOrFalseFilter()
    youth_led = TrueOrFalseFilter()
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
    referent = django_filters.NumberFilter(field_name="assigned_to", label=_("referent in charge"))
    region = django_filters.CharFilter(method="filter_region", label=_("region"))
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("from"))
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("to"))
    collected = TrueOrFalseFilter(field_name="collected_on", lookup_expr="isnull", exclude=True)
    state = django_filters.ChoiceFilter(choices=FollowUpState.choices, method="filter_state", label=_("state"))

    class Meta:
        model = FollowUp
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region(value, prefix="enterprise__"))

    def filter_state(self, queryset, name, value):
        return queryset.filter(in_state(value, today=timezone.localdate()))


class HubFilter(django_filters.FilterSet):
    country = django_filters.MultipleChoiceFilter(choices=Country.choices)
    code = django_filters.CharFilter(lookup_expr="iexact", label=_("code"))

    class Meta:
        model = Hub
        fields = []


class ReferentFilter(django_filters.FilterSet):
    domain = django_filters.MultipleChoiceFilter(
        choices=TechnologyDomain.choices, method="filter_domain", label=_("technology domain")
    )
    region = django_filters.CharFilter(method="filter_region", label=_("region"))
    active = TrueOrFalseFilter(field_name="is_active", label=_("active"))

    class Meta:
        model = Referent
        fields = []

    def filter_domain(self, queryset, name, value):
        """Referents knowing any of the domains; the JSON list is searched as text, the same on SQLite and
        PostgreSQL (the codes are validated choices, so the quotes cannot be forged)."""
        condition = Q()
        for code in value:
            condition |= Q(domains__icontains=f'"{code}"')
        return queryset.filter(condition)

    def filter_region(self, queryset, name, value):
        """Referents covering the region or a region carved from it, as `in_region` rolls up the reform for
        records with one region. Filtered through a subquery: a referent covering two such regions is
        listed once."""
        covering = Referent.objects.filter(Q(regions=value) | Q(regions__carved_from=value))
        return queryset.filter(pk__in=covering.values("pk"))
