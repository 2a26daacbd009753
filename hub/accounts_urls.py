from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from hub import accounts_views

app_name = "accounts"
urlpatterns = [
    path("signup/", accounts_views.signup, name="signup"),
    path("signup/confirm/", accounts_views.signup_confirm, name="signup-confirm"),
    path("invite/<int:enterprise_pk>/", accounts_views.invite, name="invite"),
    path("invitation/<str:token>/", accounts_views.accept_invitation, name="accept-invitation"),
    path("password-reset/", accounts_views.password_reset, name="password-reset"),
    path(
        "password-reset/sent/",
        TemplateView.as_view(
            template_name="accounts/password_reset_sent.html",
            extra_context={"hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        ),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        TemplateView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
]
