"""How report figures read on the pages: shares as percentages, amounts in FCFA, days, "—" for none."""

import decimal

from django import template
from django.utils.formats import number_format

register = template.Library()
NONE = "—"


def percent_shown(share: float, *, decimals: int = 1) -> decimal.Decimal:
    """`share` as the percentage every surface prints: rounded half up to `decimals` places, except that a
    share short of 1 never reads 100 (99.96 % of a target is not the target met)."""
    step = decimal.Decimal(1).scaleb(-decimals)
    shown = (decimal.Decimal(str(share)) * 100).quantize(step, rounding=decimal.ROUND_HALF_UP)
    if share < 1 and shown >= 100:
        return 100 - step
    return shown


@register.filter
def percent(share) -> str:
    """0.9269 → "92,7 %" (in French)."""
    if share is None or share == "":
        return NONE
    return f"{number_format(percent_shown(share), decimal_pos=1)} %"


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


@register.filter
def figure_in(figure, data) -> str:
    """A figure of the report catalogue (`hub.reports.figures`) as it reads, its value taken from `data`, its
    section's dict or one row of its table."""
    return figure.text((data or {}).get(figure.name))


@register.filter
def target_actual(line) -> str:
    from hub.reports.figures import target_actual_text

    return target_actual_text(line)
