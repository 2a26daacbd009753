from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from visits.models import Visit, VisitPhoto


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0
    readonly_fields = ["width", "height", "uploaded_at"]


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["started_at", "enterprise", "referent", "purpose", "duration_minutes", "people_reached_total"]
    list_filter = ["hub", "purpose", "enterprise__region", "referent"]
    search_fields = ["enterprise__name", "observations", "needs_found", "client_uuid"]
    date_hierarchy = "started_at"
    autocomplete_fields = ["enterprise", "referent", "cases"]
    list_select_related = ["enterprise", "referent"]
    readonly_fields = ["client_uuid", "content_hash", "created_at"]
    inlines = [VisitPhotoInline]


@admin.register(VisitPhoto)
class VisitPhotoAdmin(SimpleHistoryAdmin):
    list_display = ["visit", "caption", "width", "height", "uploaded_at"]
    search_fields = ["caption", "visit__enterprise__name"]
    list_select_related = ["visit__enterprise"]
