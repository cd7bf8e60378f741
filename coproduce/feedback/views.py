"""Surveys: building them, answering them by every route, and their results."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.audit import audit_log
from coproduce.core.scoping import organisation_view
from coproduce.lib.charts import horizontal_bar_chart
from coproduce.lib.exports import csv_response, xlsx_response
from coproduce.lib.forms import ImportConfirmForm, add_validation_errors
from coproduce.lib.pagination import paginate
from coproduce.people.imports.files import spreadsheet_from_json, spreadsheet_read

from . import permissions, selectors, services
from .access import get_public_survey, get_question_for, get_survey_for
from .forms import (
    AnswerForm,
    QuestionForm,
    ResponseImportForm,
    ResultsFilterForm,
    SurveyForm,
    SurveyStartForm,
    answer_form_initial,
)
from .models import Response, Survey
from .paper import paper_pdf
from .response_import import MAX_IMPORT_ROWS, responses_check, responses_import
from .submission import rate_limited

# Surveys.


@organisation_view
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    manage = permissions.can_manage_surveys(request.membership)
    surveys = selectors.survey_list(organisation=request.organisation, include_drafts=manage)
    return render(
        request, "feedback/survey_list.html", {"page": paginate(request, surveys), "manage": manage}
    )


@organisation_view(permission=permissions.can_manage_surveys)
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    start_form = SurveyStartForm(data, prefix="start")
    form = SurveyForm(data)
    # A template brings its own title; a blank survey needs one.
    form.fields["title"].required = False
    if request.method == "POST":
        start_ok, form_ok = start_form.is_valid(), form.is_valid()
        # Checked whatever else is wrong, so every problem is listed at once.
        if (
            start_form.cleaned_data.get("template") == "blank"
            and "title" not in form.errors
            and not form.cleaned_data.get("title")
        ):
            form.add_error("title", _("Enter a title, for example 'Your experience of the crisis team'"))
            form_ok = False
        if start_ok and form_ok:
            template = start_form.cleaned_data["template"]
            fields = {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}
            fields["is_public"] = form.cleaned_data["is_public"]
            try:
                if template == "blank":
                    survey = services.survey_create(
                        organisation=request.organisation, actor=request.user, **form.cleaned_data
                    )
                else:
                    survey = services.survey_create_from_template(
                        organisation=request.organisation, actor=request.user, template=template, **fields
                    )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Survey created. Check the questions, then open it."))
                return redirect(survey)
    return render(request, "feedback/survey_create.html", {"form": form, "start_form": start_form})


@organisation_view(permission=permissions.can_manage_surveys)
@require_GET
def survey_detail(request: HttpRequest, survey) -> HttpResponse:
    survey = get_survey_for(request, survey)
    questions = list(survey.questions.all())
    return render(
        request,
        "feedback/survey_detail.html",
        {
            "survey": survey,
            "questions": questions,
            "response_count": survey.responses.count(),
            "public_link": request.build_absolute_uri(survey.public_url()),
            "accepting": survey.accepts_answers(timezone.localdate()),
        },
    )


@organisation_view(permission=permissions.can_manage_surveys)
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, survey) -> HttpResponse:
    survey = get_survey_for(request, survey)
    form = SurveyForm(request.POST or None, instance=Survey.objects.get(pk=survey.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(survey=survey, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Survey saved"))
            return redirect(survey)
    return render(request, "feedback/survey_form.html", {"form": form, "survey": survey})


@organisation_view(permission=permissions.can_manage_surveys)
@require_POST
def survey_status(request: HttpRequest, survey) -> HttpResponse:
    survey = get_survey_for(request, survey)
    status = request.POST.get("status", "")
    try:
        services.survey_set_status(survey=survey, actor=request.user, status=status)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The survey is open for answers")
            if status == Survey.Status.OPEN
            else _("The survey is closed"),
        )
    return redirect(survey)


# Questions.


@organisation_view(permission=permissions.can_manage_surveys)
@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, survey) -> HttpResponse:
    survey = get_survey_for(request, survey)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(survey=survey, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Question added"))
            return redirect(survey)
    return render(request, "feedback/question_form.html", {"form": form, "survey": survey, "creating": True})


@organisation_view(permission=permissions.can_manage_surveys)
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, survey, question_id: int) -> HttpResponse:
    survey = get_survey_for(request, survey)
    question = get_question_for(request, survey, question_id)
    initial = {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "choices": "\n".join(question.choices),
        "required": question.required,
        "section": question.section,
    }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Question saved"))
            return redirect(survey)
    return render(
        request, "feedback/question_form.html", {"form": form, "survey": survey, "question": question}
    )


@organisation_view(permission=permissions.can_manage_surveys)
@require_POST
def question_delete(request: HttpRequest, survey, question_id: int) -> HttpResponse:
    survey = get_survey_for(request, survey)
    question = get_question_for(request, survey, question_id)
    try:
        services.question_delete(question=question, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Question removed"))
    return redirect(survey)


@organisation_view(permission=permissions.can_manage_surveys)
@require_POST
def question_move(request: HttpRequest, survey, question_id: int) -> HttpResponse:
    survey = get_survey_for(request, survey)
    question = get_question_for(request, survey, question_id)
    try:
        services.question_move(
            question=question, actor=request.user, up=request.POST.get("direction") == "up"
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{survey.get_absolute_url()}#question-{question.pk}")


# Answering.


def _answer(
    request: HttpRequest,
    survey: Survey,
    *,
    mode: str,
    protect: bool,
    thanks_url: str,
    template: str,
    context: dict,
    entered_by=None,
    contact_label=None,
    ask_language=False,
) -> HttpResponse:
    """The one answering flow for every route: the form, its checks, and a redirect to the thanks."""
    questions = list(survey.questions.all())
    initial = answer_form_initial(protect)
    if ask_language and request.GET.get("language") in dict(settings.LANGUAGES):
        # Paper forms come in batches: the next one starts in the language chosen for the last.
        initial["contact_language"] = request.GET["language"]
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        questions=questions,
        protect=protect,
        contact_label=contact_label,
        services=survey.service_choices,
        ask_language=ask_language,
    )
    status = 200
    context = {**context, "survey": survey, "form": form}
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        if key and Response.objects.filter(survey=survey, idempotency_key=key).exists():
            # Sent before (a double click, back-and-resubmit, or a retry): the same thank-you.
            return redirect(thanks_url)
        if protect and rate_limited(request, scope=f"survey:{survey.organisation_id}"):
            form.is_valid()  # so the page shows the answers as typed
            context["rate_limited"] = True
            response = render(request, template, context, status=429)
            response["Retry-After"] = "600"
            return response
        if form.is_valid():
            try:
                services.response_submit(
                    survey=survey,
                    mode=mode,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    answers=form.answers(),
                    entered_by=entered_by,
                    service=form.chosen_service(),
                    **form.contact(),
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                if language := form.cleaned_data.get("contact_language"):
                    thanks_url += ("&" if "?" in thanks_url else "?") + urlencode({"language": language})
                return redirect(thanks_url)
        if form.refusal:
            status = 400
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def public_answer(request: HttpRequest, organisation_slug: str, survey) -> HttpResponse:
    """A survey anyone with the link can answer, without signing in. Anonymous unless they choose."""
    survey = get_public_survey(organisation_slug, survey)
    thanks = reverse(
        "public-survey-thanks", kwargs={"organisation_slug": organisation_slug, "survey": survey.public_id}
    )
    if not survey.accepts_answers(timezone.localdate()):
        key = request.POST.get("idempotency_key", "") if request.method == "POST" else ""
        if key and Response.objects.filter(survey=survey, idempotency_key=key).exists():
            return redirect(thanks)
        return render(
            request, "feedback/closed.html", {"survey": survey, "public_organisation": survey.organisation}
        )
    return _answer(
        request,
        survey,
        mode=Response.Mode.ONLINE,
        protect=True,
        thanks_url=thanks,
        template="feedback/answer.html",
        context={"public_organisation": survey.organisation, "public": True},
    )


@require_GET
def public_thanks(request: HttpRequest, organisation_slug: str, survey) -> HttpResponse:
    survey = get_public_survey(organisation_slug, survey)
    return render(
        request, "feedback/thanks.html", {"survey": survey, "public_organisation": survey.organisation}
    )


@organisation_view
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, survey) -> HttpResponse:
    """A signed-in member answers. Nothing links the response to them."""
    survey = get_survey_for(request, survey)
    if not survey.accepts_answers(timezone.localdate()):
        return render(request, "feedback/closed.html", {"survey": survey})
    return _answer(
        request,
        survey,
        mode=Response.Mode.SIGNED_IN,
        protect=False,
        thanks_url=reverse(
            "feedback:survey-thanks", kwargs={"org": request.organisation.slug, "survey": survey.public_id}
        ),
        template="feedback/answer.html",
        context={},
    )


@organisation_view
@require_GET
def survey_thanks(request: HttpRequest, survey) -> HttpResponse:
    survey = get_survey_for(request, survey)
    return render(request, "feedback/thanks.html", {"survey": survey})


@organisation_view(permission=permissions.can_enter_responses)
@require_http_methods(["GET", "POST"])
def survey_assisted(request: HttpRequest, survey) -> HttpResponse:
    """Staff type in someone's answers with them (in person or on the phone); the same weight as any other."""
    survey = get_survey_for(request, survey)
    if not survey.accepts_answers(timezone.localdate()):
        return render(request, "feedback/closed.html", {"survey": survey})
    return _answer(
        request,
        survey,
        mode=Response.Mode.ASSISTED,
        protect=False,
        thanks_url=reverse(
            "feedback:survey-assisted", kwargs={"org": request.organisation.slug, "survey": survey.public_id}
        )
        + "?saved=1",
        template="feedback/answer.html",
        context={"entry_mode": "assisted", "saved": request.GET.get("saved") == "1"},
        entered_by=request.user,
        contact_label=_("They are happy to be contacted about their feedback"),
        ask_language=True,
    )


@organisation_view(permission=permissions.can_enter_responses)
@require_http_methods(["GET", "POST"])
def survey_paper(request: HttpRequest, survey) -> HttpResponse:
    """Fast batch entry of paper forms: after each one, a blank form for the next, focus at the top."""
    survey = get_survey_for(request, survey)
    if survey.status == Survey.Status.DRAFT:
        return render(request, "feedback/closed.html", {"survey": survey})
    count = Response.objects.filter(survey=survey, mode=Response.Mode.PAPER, entered_by=request.user).count()
    return _answer(
        request,
        survey,
        mode=Response.Mode.PAPER,
        protect=False,
        thanks_url=reverse(
            "feedback:survey-paper", kwargs={"org": request.organisation.slug, "survey": survey.public_id}
        )
        + "?saved=1",
        template="feedback/answer.html",
        context={"entry_mode": "paper", "saved": request.GET.get("saved") == "1", "paper_count": count},
        entered_by=request.user,
        contact_label=_("They ticked the box to say they are happy to be contacted"),
        ask_language=True,
    )


# Results.


def _results_for(request: HttpRequest, survey: Survey):
    form = ResultsFilterForm(request.GET or None, services=selectors.services_answered(survey))
    return form, selectors.survey_results(survey=survey, **form.filters())


def _chart(title: str, rows, series_name: str) -> dict:
    return horizontal_bar_chart(
        title=title,
        categories=[row.label for row in rows],
        # A suppressed count draws no bar: the table beside it says "fewer than 5".
        series={series_name: ["" if row.percent is None else row.percent for row in rows]},
    )


def _group_charts(results) -> dict:
    """Responses by month and by service, and FFT percentage positive by each, when there is one."""
    charts = {}
    for name, groups, title in (
        ("month", results.by_month, _("Responses by month")),
        ("service", results.by_service, _("Responses by service")),
    ):
        if len(groups) < 2 and name == "service":
            continue
        if not groups:
            continue
        charts[name] = horizontal_bar_chart(
            title=title,
            categories=[group.label for group in groups],
            series={_("Responses"): ["" if group.responses is None else group.responses for group in groups]},
        )
        if results.fft_question is not None:
            charts[f"{name}_fft"] = horizontal_bar_chart(
                title=_("Percentage positive (Very good or Good) by %(group)s")
                % {"group": _("month") if name == "month" else _("service")},
                categories=[group.label for group in groups],
                series={
                    _("Percentage positive"): [
                        "" if group.fft.positive is None else group.fft.positive for group in groups
                    ]
                },
            )
    return charts


@organisation_view(permission=permissions.can_view_survey_results)
@require_GET
def survey_results(request: HttpRequest, survey) -> HttpResponse:
    survey = get_survey_for(request, survey)
    form, results = _results_for(request, survey)
    charts = {
        result.question.pk: _chart(result.question.text, result.rows, _("Percentage of people who answered"))
        for result in results.questions
        if result.rows and result.answered
    }
    questions = [
        (result, charts.get(result.question.pk), f"question-{result.question.pk}-chart")
        for result in results.questions
    ]
    return render(
        request,
        "feedback/results.html",
        {
            "survey": survey,
            "form": form,
            "results": results,
            "questions": questions,
            "mode_chart": _chart(
                _("Responses by how they were given"), results.by_mode, _("Percentage of responses")
            ),
            "group_charts": _group_charts(results),
            "querystring": request.GET.urlencode(),
        },
    )


@organisation_view(permission=permissions.can_view_survey_results)
@require_GET
def survey_results_export(request: HttpRequest, survey, file_format: str) -> HttpResponse:
    survey = get_survey_for(request, survey)
    _form, results = _results_for(request, survey)
    header, rows = selectors.results_export_rows(results)
    filename = f"survey-results-{survey.public_id}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(filename, "Results", header, rows)
    return csv_response(filename, header, rows)


@organisation_view(permission=permissions.can_export_responses)
@require_GET
def survey_responses_export(request: HttpRequest, survey, file_format: str) -> HttpResponse:
    """Every response as given, including free text and contact details left with consent: audited."""
    survey = get_survey_for(request, survey)
    filters = ResultsFilterForm(request.GET or None, services=selectors.services_answered(survey)).filters()
    header, rows = selectors.response_export_rows(survey=survey, **filters)
    audit_log(
        actor=request.user,
        organisation=request.organisation,
        action="survey.responses_exported",
        target=survey,
        details={"format": file_format, "rows": len(rows), **{k: str(v or "") for k, v in filters.items()}},
    )
    filename = f"survey-responses-{survey.public_id}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(filename, "Responses", header, rows)
    return csv_response(filename, header, rows)


# Copy, paper and import.


@organisation_view(permission=permissions.can_manage_surveys)
@require_POST
def survey_copy(request: HttpRequest, survey) -> HttpResponse:
    survey = get_survey_for(request, survey)
    copy = services.survey_copy(survey=survey, actor=request.user)
    messages.success(request, _("This is a new draft copy. Change what you need, then open it."))
    return redirect(copy)


@organisation_view(permission=permissions.can_enter_responses)
@require_GET
def survey_pdf(request: HttpRequest, survey) -> HttpResponse:
    """The survey as a form to print and fill in by hand."""
    survey = get_survey_for(request, survey)
    response = HttpResponse(paper_pdf(survey), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.public_id}.pdf"'
    return response


@organisation_view(permission=permissions.can_enter_responses)
@require_http_methods(["GET", "POST"])
def survey_import(request: HttpRequest, survey) -> HttpResponse:
    """Responses from a spreadsheet: every row checked and shown first, then saved, tagged with its mode."""
    survey = get_survey_for(request, survey)
    if survey.status == Survey.Status.DRAFT:
        return render(request, "feedback/closed.html", {"survey": survey})
    confirming = "data" in request.POST
    upload = ResponseImportForm(request.POST or None, request.FILES or None) if not confirming else None
    confirm = ImportConfirmForm(request.POST) if confirming else None
    spreadsheet = None
    if upload is not None and request.method == "POST" and upload.is_valid():
        try:
            spreadsheet = spreadsheet_read(upload.cleaned_data["sheet"])
        except ValidationError as error:
            upload.add_error("sheet", error)
        else:
            too_big = (
                len(json.dumps(spreadsheet.rows)) > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 10**9) * 0.9
            )
            if len(spreadsheet.rows) > MAX_IMPORT_ROWS or too_big:
                upload.add_error(
                    "sheet",
                    _(
                        "The file is too big to check in one go: it can have %(max)s rows of answers at "
                        "most, and less if people wrote a lot. Split it into smaller files."
                    )
                    % {"max": MAX_IMPORT_ROWS},
                )
                spreadsheet = None
    if confirm is not None and confirm.is_valid():
        spreadsheet = spreadsheet_from_json(confirm.cleaned_data["data"], max_rows=MAX_IMPORT_ROWS)
    if spreadsheet is None:
        return render(
            request,
            "feedback/import.html",
            {"survey": survey, "form": upload or ResponseImportForm(), "questions": survey.questions.all()},
        )
    check = responses_check(survey=survey, spreadsheet=spreadsheet)
    if confirm is not None and confirm.is_valid():
        if confirm.cleaned_data["mode"] == "all_or_none" and check.problems:
            messages.error(
                request,
                _("Nothing was saved: every row must be right first. Fix the file and upload it again."),
            )
        elif not check.good:
            messages.error(request, _("Nothing was saved: no row could be read without a problem."))
        else:
            created, already = responses_import(survey=survey, check=check, actor=request.user)
            messages.success(
                request,
                _(
                    "Saved %(saved)s responses from the file. %(already)s were already saved from this file. "
                    "%(left)s rows were left out."
                )
                % {"saved": created, "already": already, "left": len(check.rows) - len(check.good)},
            )
            return redirect(survey.get_absolute_url())
    return render(
        request,
        "feedback/import_preview.html",
        {
            "survey": survey,
            "check": check,
            "questions": survey.questions.all(),
            "form": ImportConfirmForm(
                initial={
                    "data": json.dumps({"header": spreadsheet.header, "rows": spreadsheet.rows}),
                    "mode": "valid_only",
                }
            ),
        },
    )
