from django.contrib import admin
from django.urls import include, path

from coproduce.api.api import api
from coproduce.core import views as core_views
from coproduce.feedback import views as feedback_views
from coproduce.involvement import opportunity_views
from coproduce.projects import views as project_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("coproduce.core.urls")),
    path("o/<slug:org>/notifications/", include("coproduce.notifications.urls")),
    path("o/<slug:org>/", include("coproduce.people.urls")),
    path("o/<slug:org>/", include("coproduce.involvement.urls")),
    path("o/<slug:org>/", include("coproduce.projects.urls")),
    path("o/<slug:org>/", include("coproduce.feedback.urls")),
    path("o/<slug:org>/", include("coproduce.themes.urls")),
    path("o/<slug:org>/", include("coproduce.yousaid.urls")),
    path(
        "public/<slug:organisation_slug>/opportunities/",
        opportunity_views.opportunity_public_list,
        name="public-opportunities",
    ),
    path(
        "public/<slug:organisation_slug>/projects/<uuid:project>/",
        project_views.public_project,
        name="public-project",
    ),
    path(
        "public/<slug:organisation_slug>/surveys/<uuid:survey>/",
        feedback_views.public_answer,
        name="public-survey",
    ),
    path(
        "public/<slug:organisation_slug>/surveys/<uuid:survey>/thanks/",
        feedback_views.public_thanks,
        name="public-survey-thanks",
    ),
    path("public/<slug:organisation_slug>/you-said-we-did/", include("coproduce.yousaid.public_urls")),
    path("account/tokens/", include("coproduce.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("platform-admin/", admin.site.urls),
]

handler500 = "coproduce.core.views.server_error"
