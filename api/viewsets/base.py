from hub.permissions import access


class ScopedObjectMixin:
    """Details are looked up in the scoped queryset only: a record that is not the user's answers the
    same 404 as one that does not exist. Ids are whole numbers; anything else is not a route."""

    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return access(self.get_queryset(), pk=self.kwargs["pk"])
