from django.urls import include, path

from . import views

app_name = "core"

organisation_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.organisation_settings, name="settings"),
    path("members/", views.member_list, name="members"),
    path("members/invite/", views.member_invite, name="member-invite"),
    path("members/<uuid:member>/", views.member_detail, name="member-detail"),
    path("members/<uuid:member>/remove/", views.member_remove, name="member-remove"),
    path("audit/", views.audit_log, name="audit-log"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("o/<slug:org>/", include(organisation_patterns)),
]
