from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Case, CaseActionReceipt, CaseAttachment, CaseEvent, CaseNote


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "from_status", "to_status", "actor", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class CaseNoteInline(admin.StackedInline):
    model = CaseNote
    extra = 0
    readonly_fields = ["author", "created_at"]


class CaseAttachmentInline(admin.TabularInline):
    model = CaseAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """Status changes go through the case services, so the status and its dates are read-only here."""

    list_display = ["reference", "title", "enterprise", "domain", "priority", "status", "assigned_to", "received_at"]
    list_filter = ["hub", "status", "domain", "priority", "channel", "enterprise__region"]
    search_fields = ["reference", "title", "description", "enterprise__name"]
    date_hierarchy = "received_at"
    autocomplete_fields = ["enterprise", "created_by", "referred_to"]
    list_select_related = ["enterprise", "assigned_to"]
    readonly_fields = [
        "reference",
        "status",
        "assigned_to",
        "received_at",
        "acknowledged_at",
        "assigned_at",
        "first_contact_at",
        "resolved_at",
        "closed_at",
        "acknowledge_due",
        "assign_due",
        "first_contact_due",
        "resolve_due",
        "satisfaction_rating",
        "satisfaction_comment",
        "rated_at",
        "version",
    ]
    inlines = [CaseEventInline, CaseNoteInline, CaseAttachmentInline]


@admin.register(CaseNote)
class CaseNoteAdmin(SimpleHistoryAdmin):
    list_display = ["case", "visibility", "author", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["case__reference", "body"]
    list_select_related = ["case", "author"]
    autocomplete_fields = ["case", "author"]


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "case", "content_type", "size", "uploaded_at"]
    search_fields = ["original_name", "case__reference"]
    list_select_related = ["case"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]


@admin.register(CaseActionReceipt)
class CaseActionReceiptAdmin(admin.ModelAdmin):
    """What arrived from the phones' outboxes: read only, the note or the event holds what was done."""

    list_display = ["client_uuid", "case", "kind", "author", "made_at", "received_at", "applied_on", "case_version"]
    list_filter = ["kind"]
    search_fields = ["client_uuid", "case__reference"]
    list_select_related = ["case", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
