from django.urls import path

from hub.library import views

app_name = "library"
urlpatterns = [
    path("", views.sheet_list, name="sheets"),
    path("sheets/new/", views.sheet_edit, name="sheet-new"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/edit/", views.sheet_edit, name="sheet-edit"),
    path("sheets/<int:pk>/attach/", views.sheet_attach, name="sheet-attach"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_edit, name="partner-new"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("partners/<int:pk>/delete/", views.partner_delete, name="partner-delete"),
]
