"""The gateways' callbacks, under /messaging/<alias>/<token>/ (docs/SMS_GATEWAYS.md)."""

from django.urls import path

from hub.messaging import views

app_name = "messaging-callbacks"
urlpatterns = [
    path("<slug:alias>/<str:token>/delivery/", views.delivery_callback, name="delivery"),
    path("<slug:alias>/<str:token>/inbound/", views.inbound_callback, name="inbound"),
]
