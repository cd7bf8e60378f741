from django.urls import path

from . import opportunity_views, views

app_name = "involvement"
urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/add/", views.activity_create, name="activity-create"),
    path("activities/types/", views.activity_types, name="activity-types"),
    path("activities/<uuid:activity>/", views.activity_detail, name="activity-detail"),
    path("activities/<uuid:activity>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<uuid:activity>/register/", views.attendance_register, name="attendance"),
    path(
        "activities/<uuid:activity>/register/<int:attendance_id>/remove/",
        views.attendance_remove,
        name="attendance-remove",
    ),
    path("activities/<uuid:activity>/register/import/", views.attendance_import, name="attendance-import"),
    path("me/involvement/", views.my_involvement, name="my-involvement"),
    path("me/involvement/hours/<uuid:placement>/", views.my_volunteer_hours, name="my-volunteer-hours"),
    path("reports/involvement/", views.involvement_report, name="report"),
    path(
        "reports/involvement.csv", views.involvement_report_export, {"file_format": "csv"}, name="report-csv"
    ),
    path(
        "reports/involvement.xlsx",
        views.involvement_report_export,
        {"file_format": "xlsx"},
        name="report-xlsx",
    ),
    path("opportunities/", opportunity_views.opportunity_list, name="opportunity-list"),
    path("opportunities/add/", opportunity_views.opportunity_create, name="opportunity-create"),
    path("opportunities/letters/", opportunity_views.letters, name="letters"),
    path(
        "opportunities/<uuid:opportunity>/", opportunity_views.opportunity_detail, name="opportunity-detail"
    ),
    path(
        "opportunities/<uuid:opportunity>/edit/", opportunity_views.opportunity_edit, name="opportunity-edit"
    ),
    path(
        "opportunities/<uuid:opportunity>/withdraw/",
        opportunity_views.interest_withdraw,
        name="interest-withdraw",
    ),
    path(
        "opportunities/<uuid:opportunity>/interest/",
        opportunity_views.interest_on_behalf,
        name="interest-on-behalf",
    ),
    path(
        "opportunities/<uuid:opportunity>/selection/",
        opportunity_views.opportunity_selection,
        name="opportunity-selection",
    ),
    path(
        "opportunities/<uuid:opportunity>/announce/",
        opportunity_views.opportunity_announce,
        name="opportunity-announce",
    ),
    path("volunteers/", views.placement_list, name="placement-list"),
    path("volunteers/add/", views.placement_create, name="placement-create"),
    path("volunteers/<uuid:placement>/", views.placement_detail, name="placement-detail"),
    path("volunteers/<uuid:placement>/edit/", views.placement_edit, name="placement-edit"),
]
