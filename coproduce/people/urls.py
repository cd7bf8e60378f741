from django.urls import path

from . import import_views, views

app_name = "people"
urlpatterns = [
    path("people/", views.person_list, name="list"),
    path("people/choose/", views.people_choose, name="choose"),
    path("people/export.csv", views.person_export, {"file_format": "csv"}, name="export-csv"),
    path("people/export.xlsx", views.person_export, {"file_format": "xlsx"}, name="export-xlsx"),
    path("people/add/", views.person_create, name="create"),
    path("people/checks-due/", views.checks_due, name="checks-due"),
    path("people/<uuid:person>/", views.person_detail, name="detail"),
    path("people/<uuid:person>/edit/", views.person_edit, name="edit"),
    path("people/<uuid:person>/access-needs/", views.person_access_needs, name="access-needs"),
    path("people/<uuid:person>/checks/", views.person_check, name="check"),
    path("people/<uuid:person>/consents/", views.person_consents, name="consents"),
    path("people/<uuid:person>/equality/", views.person_equality, name="equality"),
    path("people/erasure-requests/", views.erasure_list, name="erasure-list"),
    path("people/equality/", views.equality_summary, name="equality-summary"),
    path("people/<uuid:person>/erase/", views.person_erase, name="erase"),
    path("me/download/", views.my_data_download, name="my-data-download"),
    path("me/delete/", views.my_erasure_request, name="my-erasure-request"),
    path("me/", views.my_profile, name="my-profile"),
    path("me/edit/", views.my_profile_edit, name="my-profile-edit"),
    path("me/access-needs/", views.my_access_needs, name="my-access-needs"),
    path("me/consents/", views.my_consents, name="my-consents"),
    path("groups/", views.group_list, name="group-list"),
    path("groups/add/", views.group_create, name="group-create"),
    path("groups/<uuid:group>/", views.group_detail, name="group-detail"),
    path("groups/<uuid:group>/edit/", views.group_edit, name="group-edit"),
    path("groups/<uuid:group>/members/add/", views.group_member_add, name="group-member-add"),
    path(
        "groups/<uuid:group>/members/<int:membership_id>/remove/",
        views.group_member_remove,
        name="group-member-remove",
    ),
    path("people/import/", import_views.import_upload, name="import-upload"),
    path("people/import/<uuid:import_id>/", import_views.import_map, name="import-map"),
    path("people/import/<uuid:import_id>/preview/", import_views.import_preview, name="import-preview"),
    path("people/import/<uuid:import_id>/run/", import_views.import_run, name="import-run"),
    path("people/import/<uuid:import_id>/progress/", import_views.import_progress, name="import-progress"),
]
