"""DRF adapters over `hub.permissions`: the rules themselves live there."""

from rest_framework.permissions import BasePermission

from hub.permissions import Action, can


class Allows(BasePermission):
    """`Allows(read=..., write=...)`: the capability a role needs to read and to write the resource;
    None leaves the decision to the record scope and the services. Anonymous requests are always refused."""

    def __init__(self, *, read: Action | None, write: Action | None):
        self.read = read
        self.write = write

    def __call__(self):
        return self

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.read is None or can(request.user, self.read)
        return self.write is None or can(request.user, self.write)
