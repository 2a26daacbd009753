"""The forms of a hub's calendar and of the administrative units; `hub.country.services` saves them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.models import AdministrativeUnit, HubHoliday


class HolidayForm(forms.Form):
    """A holiday added, or corrected (its prefix is then the holiday's, to tell the page's forms apart)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = HubHoliday._meta.get_field("name").formfield(label=_("Name"))


class UnitForm(forms.Form):
    name = AdministrativeUnit._meta.get_field("name").formfield()
    kind = AdministrativeUnit._meta.get_field("kind").formfield()
    iso_code = AdministrativeUnit._meta.get_field("iso_code").formfield(
        help_text=_("For example SN-DK; empty when ISO has none.")
    )
