from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hub import accounts_views, views
from hub.security import LockoutAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            redirect_authenticated_user=True,
            authentication_form=LockoutAuthenticationForm,
        ),
        name="login",
    ),
    path("logout/", accounts_views.SignOutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manage/", views.manage_home, name="manage-home"),
    path("manage/cases/", include("cases.manage_urls")),
    path("manage/followups/", include("hub.followups.urls")),
    path("manage/visits/", include("visits.manage_urls")),
    path("manage/library/", include("hub.library.urls")),
    path("manage/reports/", include("hub.reports.urls")),
    path("manage/country/", include("hub.country.urls")),
    path("manage/staff/", include("hub.staff.urls")),
    path("manage/hubs/", include("hub.hubs.urls")),
    path("manage/imports/", include("hub.imports.urls")),
    path("manage/messages/inbox/", include("hub.messaging.inbox_urls")),
    path("manage/messages/", include("hub.messaging.urls")),
    path("manage/", include("hub.manage_urls")),
    path("accounts/", include("hub.accounts_urls")),
    path("portal/library/", include("hub.library.portal_urls")),
    path("portal/", include("cases.urls")),
    path("m/", include("visits.urls")),
    path("openrosa/", include("visits.openrosa.urls")),
    path("messaging/", include("hub.messaging.callback_urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "hub.views.bad_request"
handler403 = "hub.views.permission_denied"
handler404 = "hub.views.page_not_found"
handler500 = "hub.views.server_error"
