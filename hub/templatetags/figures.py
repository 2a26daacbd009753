"""How report figures read on the pages: shares as percentages, amounts in FCFA, days, "—" for none."""

from django import template
from django.utils.formats import number_format

register = template.Library()
NONE = "—"


@register.filter
def percent(share) -> str:
    """0.9269 → "92,7 %" (in French)."""
    if share is None or share == "":
        return NONE
    return f"{number_format(share * 100, decimal_pos=1)} %"


@register.filter
def fcfa(amount) -> str:
    """Whole XOF with grouped thousands: 3843927000 → "3 843 927 000 FCFA"."""
    if amount is None or amount == "":
        return NONE
    return f"{number_format(amount, decimal_pos=0, force_grouping=True)} FCFA"


@register.filter
def days(value) -> str:
    if value is None or value == "":
        return NONE
    return number_format(value, decimal_pos=1)


@register.filter
def figure(value) -> str:
    """A count or a mean, grouped; "—" when there is nothing to count."""
    if value is None or value == "":
        return NONE
    return number_format(value, force_grouping=True)
