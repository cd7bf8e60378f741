from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/add/", views.project_create, name="create"),
    path("projects/integrity/", views.integrity_overview, name="integrity"),
    path("projects/integrity/export.csv", views.integrity_export_csv, name="integrity-csv"),
    path("projects/integrity/export.xlsx", views.integrity_export_xlsx, name="integrity-xlsx"),
    path("projects/<uuid:project>/", views.project_detail, name="detail"),
    path("projects/<uuid:project>/edit/", views.project_edit, name="edit"),
    path("projects/<uuid:project>/stages/", views.project_stages, name="stages"),
    path("projects/<uuid:project>/team/", views.team, name="team"),
    path(
        "projects/<uuid:project>/team/<uuid:team_member>/leave/", views.team_member_leave, name="team-leave"
    ),
    path("projects/<uuid:project>/activities/", views.activities, name="activities"),
    path(
        "projects/<uuid:project>/activities/<uuid:linked_activity>/unlink/",
        views.activity_unlink,
        name="activity-unlink",
    ),
    path("projects/<uuid:project>/ladder/", views.ladder, name="ladder"),
    path("projects/<uuid:project>/ladder/declare/", views.ladder_declare, name="ladder-declare"),
    path("projects/<uuid:project>/ladder/rate/", views.ladder_rate, name="ladder-rate"),
    path("projects/<uuid:project>/decisions/", views.decision_list, name="decisions"),
    path("projects/<uuid:project>/decisions/add/", views.decision_create, name="decision-create"),
    path("projects/<uuid:project>/decisions/<uuid:decision>/", views.decision_detail, name="decision-detail"),
    path(
        "projects/<uuid:project>/decisions/<uuid:decision>/edit/", views.decision_edit, name="decision-edit"
    ),
    path(
        "projects/<uuid:project>/decisions/<uuid:decision>/publish/",
        views.decision_publish,
        name="decision-publish",
    ),
    path("projects/<uuid:project>/scorecard/", views.scorecard, name="scorecard"),
    path("projects/<uuid:project>/updates/", views.updates, name="updates"),
]
