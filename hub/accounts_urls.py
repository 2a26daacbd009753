from django.urls import path

from hub import accounts_views

app_name = "accounts"
urlpatterns = [
    path("signup/", accounts_views.signup, name="signup"),
    path("invite/<int:enterprise_pk>/", accounts_views.invite, name="invite"),
    path("invitation/<str:token>/", accounts_views.accept_invitation, name="accept-invitation"),
]
