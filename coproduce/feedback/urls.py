from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("feedback/", views.survey_list, name="survey-list"),
    path("feedback/add/", views.survey_create, name="survey-create"),
    path("feedback/<uuid:survey>/", views.survey_detail, name="survey-detail"),
    path("feedback/<uuid:survey>/edit/", views.survey_edit, name="survey-edit"),
    path("feedback/<uuid:survey>/status/", views.survey_status, name="survey-status"),
    path("feedback/<uuid:survey>/questions/add/", views.question_add, name="question-add"),
    path("feedback/<uuid:survey>/questions/<int:question_id>/", views.question_edit, name="question-edit"),
    path(
        "feedback/<uuid:survey>/questions/<int:question_id>/remove/",
        views.question_delete,
        name="question-delete",
    ),
    path(
        "feedback/<uuid:survey>/questions/<int:question_id>/move/", views.question_move, name="question-move"
    ),
    path("feedback/<uuid:survey>/answer/", views.survey_answer, name="survey-answer"),
    path("feedback/<uuid:survey>/thanks/", views.survey_thanks, name="survey-thanks"),
    path("feedback/<uuid:survey>/assisted/", views.survey_assisted, name="survey-assisted"),
    path("feedback/<uuid:survey>/paper/", views.survey_paper, name="survey-paper"),
    path("feedback/<uuid:survey>/copy/", views.survey_copy, name="survey-copy"),
    path("feedback/<uuid:survey>/paper.pdf", views.survey_pdf, name="survey-pdf"),
    path("feedback/<uuid:survey>/import/", views.survey_import, name="survey-import"),
    path("feedback/<uuid:survey>/results/", views.survey_results, name="survey-results"),
    path(
        "feedback/<uuid:survey>/results.csv",
        views.survey_results_export,
        {"file_format": "csv"},
        name="survey-results-csv",
    ),
    path(
        "feedback/<uuid:survey>/results.xlsx",
        views.survey_results_export,
        {"file_format": "xlsx"},
        name="survey-results-xlsx",
    ),
    path(
        "feedback/<uuid:survey>/responses.csv",
        views.survey_responses_export,
        {"file_format": "csv"},
        name="survey-responses-csv",
    ),
    path(
        "feedback/<uuid:survey>/responses.xlsx",
        views.survey_responses_export,
        {"file_format": "xlsx"},
        name="survey-responses-xlsx",
    ),
]
