"""The text messages received, for the hub's managers, under /manage/messages/inbox/."""

from django.urls import path

from hub.messaging import inbox_views

app_name = "inbox"
urlpatterns = [
    path("", inbox_views.inbox, name="list"),
    path("<int:pk>/read/", inbox_views.inbox_mark_read, name="read"),
]
