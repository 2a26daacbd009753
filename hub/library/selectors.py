"""Reads of the technology library: sheets and partner organisations as each role may see them, and
their search."""

from django.db.models import Max, Q, QuerySet

from hub.library.search import search
from hub.models import Partner, TechnologySheet, User
from hub.permissions import Action, can, scope, sheets_scope


def sheets_visible_to(*, user: User) -> QuerySet[TechnologySheet]:
    return sheets_scope(TechnologySheet.objects.select_related("hub", "author"), user=user)


def sheets_latest(*, user: User) -> QuerySet[TechnologySheet]:
    """The published sheets `user` may read, the latest changed first."""
    return sheets_visible_to(user=user).filter(status=TechnologySheet.Status.PUBLISHED).order_by("-updated_at", "-pk")


def sheets_shared_in_cases_of(*, user: User) -> QuerySet[TechnologySheet]:
    """The sheets `user` may read that were shared in the cases assigned to them, the latest shared first."""
    last_shared = Max("caseshares__shared_at", filter=Q(caseshares__case__assigned_to=user))
    return (
        sheets_visible_to(user=user)
        .annotate(last_shared=last_shared)
        .filter(last_shared__isnull=False)
        .order_by("-last_shared", "-pk")
    )


def partners_visible_to(*, user: User) -> QuerySet[Partner]:
    """Partner organisations are the hub staff's address book; SME users meet those shared with them."""
    if not can(user, Action.SHARE_LIBRARY):
        return Partner.objects.none()
    return scope(Partner.objects.select_related("hub"), user=user)


def _in_list(field: str, code: str) -> dict:
    """A JSON list field holding `code`, on SQLite and PostgreSQL alike."""
    return {f"{field}__icontains": f'"{code}"'}


def sheets_found(
    *, user: User, query: str = "", domain: str = "", sector: str = "", status: str = ""
) -> QuerySet[TechnologySheet]:
    sheets = sheets_visible_to(user=user)
    if domain:
        sheets = sheets.filter(domain=domain)
    if sector:
        sheets = sheets.filter(**_in_list("sectors", sector))
    if status:
        sheets = sheets.filter(status=status)
    return search(sheets, query)


def partners_found(*, user: User, query: str = "", kind: str = "", domain: str = "") -> QuerySet[Partner]:
    partners = partners_visible_to(user=user)
    if kind:
        partners = partners.filter(kind=kind)
    if domain:
        partners = partners.filter(**_in_list("domains", domain))
    return search(partners, query)
