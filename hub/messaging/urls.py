"""The hub's log of messages sent, under /manage/messages/."""

from django.urls import path

from hub.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.message_log, name="log"),
    path("<int:pk>/resend/", views.message_resend, name="resend"),
]
