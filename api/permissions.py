"""DRF adapters over `hub.permissions`: the rules themselves live there."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from hub.models import Role, User
from hub.permissions import Action, can

RECORD_READERS = frozenset({Role.SME, Role.REFERENT, Role.MANAGER, Role.ADMIN})
"""Roles that read records at all, each within its scope. Regional viewers read aggregated reports only
(`hub.permissions`): a record endpoint refuses them with 403 instead of answering an empty list."""


def reads_records(user: User) -> bool:
    return user.is_authenticated and user.role in RECORD_READERS


class Allows(BasePermission):
    """`Allows(read=..., write=...)`: the capability a role needs to read and to write a resource of records;
    None leaves the decision to the record scope and the services. Anonymous requests are refused (401),
    and so are regional viewers (403), whatever the capabilities."""

    def __init__(self, *, read: Action | None, write: Action | None):
        self.read = read
        self.write = write

    def __call__(self):
        return self

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if not reads_records(request.user):
            raise PermissionDenied(_("Regional viewers read aggregated reports, not individual records."))
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.read is None or can(request.user, self.read)
        return self.write is None or can(request.user, self.write)
