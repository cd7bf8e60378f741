"""Themes: the framework, the review queue (possible risk first) and theme summaries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.scoping import organisation_view
from coproduce.lib.charts import horizontal_bar_chart
from coproduce.lib.forms import add_validation_errors
from coproduce.lib.pagination import paginate, querystring_without_page

from . import permissions, selectors, services
from .access import get_comment_for, get_theme_for, survey_from_query
from .forms import ReviewForm, RiskActionForm, RiskFlagForm, ThemeForm
from .models import Comment, Sentiment

# The framework.


@organisation_view(permission=permissions.can_manage_themes)
@require_http_methods(["GET", "POST"])
def theme_list(request: HttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(
                organisation=request.organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Theme '%(name)s' added") % {"name": theme.name})
            return redirect("themes:theme-list", org=request.organisation.slug)
    themes = list(selectors.theme_list(organisation=request.organisation))
    return render(request, "themes/theme_list.html", {"themes": themes, "form": form})


@organisation_view(permission=permissions.can_manage_themes)
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, theme: int) -> HttpResponse:
    theme = get_theme_for(request, theme)
    form = ThemeForm(
        request.POST if request.method == "POST" else None,
        initial={"name": theme.name, "description": theme.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(theme=theme, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Theme saved"))
            return redirect("themes:theme-list", org=request.organisation.slug)
    return render(request, "themes/theme_form.html", {"theme": theme, "form": form})


@organisation_view(permission=permissions.can_manage_themes)
@require_POST
def theme_status(request: HttpRequest, theme: int) -> HttpResponse:
    theme = get_theme_for(request, theme)
    active = request.POST.get("active") == "1"
    services.theme_set_active(theme=theme, actor=request.user, active=active)
    messages.success(
        request,
        (_("'%(name)s' is in use again") if active else _("'%(name)s' is retired: it is no longer suggested"))
        % {"name": theme.name},
    )
    return redirect("themes:theme-list", org=request.organisation.slug)


# Reviewing.


@organisation_view(permission=permissions.can_review_comments)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "to_review")
    if view not in selectors.QUEUE_VIEWS:
        view = "to_review"
    survey = survey_from_query(request, request.GET.get("survey"))
    comments = selectors.review_queue(organisation=request.organisation, view=view, survey=survey)
    return render(
        request,
        "themes/review_queue.html",
        {
            "page": paginate(request, comments),
            "view": view,
            "survey": survey,
            "counts": selectors.queue_counts(organisation=request.organisation, survey=survey),
            "querystring": querystring_without_page(request),
            "views": [
                ("to_review", _("To review")),
                ("risk", _("Possible risk")),
                ("confirmed", _("Checked")),
                ("all", _("All")),
            ],
        },
    )


@organisation_view(permission=permissions.can_review_comments)
@require_POST
def queue_sync(request: HttpRequest) -> HttpResponse:
    from functools import partial

    from django.db import transaction

    from .tasks import sync_comments

    transaction.on_commit(
        partial(sync_comments.enqueue, organisation_id=request.organisation.pk, actor_id=request.user.pk)
    )
    messages.success(
        request,
        _(
            "The written answers are being added to the queue in the background, with suggestions. "
            "Refresh this page in a minute to see them."
        ),
    )
    return redirect("themes:review-queue", org=request.organisation.slug)


def _next_url(request: HttpRequest, comment: Comment | None, survey=None) -> str:
    """The next page of the review, keeping the queue's survey filter (?survey=) if there is one."""
    if comment is None:
        url = reverse("themes:review-queue", kwargs={"org": request.organisation.slug})
    else:
        url = reverse(
            "themes:comment-review", kwargs={"org": request.organisation.slug, "comment": comment.public_id}
        )
    return f"{url}?{urlencode({'survey': survey.public_id})}" if survey is not None else url


@organisation_view(permission=permissions.can_review_comments)
@require_http_methods(["GET", "POST"])
def comment_review(request: HttpRequest, comment) -> HttpResponse:
    comment = get_comment_for(request, comment)
    survey = survey_from_query(request, request.GET.get("survey"))
    themes = list(selectors.theme_list(organisation=request.organisation, active_only=True))
    labels = list(comment.labels.select_related("theme").order_by("-score", "theme__position"))
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        themes=themes,
        initial={"themes": [label.theme_id for label in labels], "sentiment": comment.sentiment or None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_confirm(
                comment=comment,
                actor=request.user,
                theme_ids=form.cleaned_data["themes"],
                sentiment=form.cleaned_data["sentiment"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            following = selectors.next_to_review(
                organisation=request.organisation, after=comment, survey=survey
            )
            messages.success(
                request,
                _("Themes saved. Here is the next comment.")
                if following is not None
                else _("Themes saved. There are no more comments to review."),
            )
            return redirect(_next_url(request, following, survey))
    if request.method == "GET":
        services.comment_viewed(comment=comment, actor=request.user)
    following = selectors.next_to_review(organisation=request.organisation, after=comment, survey=survey)
    return render(
        request,
        "themes/comment_review.html",
        {
            "comment": comment,
            "labels": labels,
            "form": form,
            "risk_form": RiskActionForm(),
            "flag_form": RiskFlagForm(),
            "next_url": _next_url(request, following, survey) if following else "",
            "survey": survey,
        },
    )


@organisation_view(permission=permissions.can_review_comments)
@require_POST
def comment_risk(request: HttpRequest, comment) -> HttpResponse:
    comment = get_comment_for(request, comment)
    survey = survey_from_query(request, request.GET.get("survey"))
    form = RiskActionForm(request.POST)
    if form.is_valid():
        try:
            services.comment_record_risk_action(comment=comment, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("What you did is recorded"))
            return redirect(_next_url(request, comment, survey))
    return _review_with_errors(request, comment, survey, risk_form=form)


@organisation_view(permission=permissions.can_review_comments)
@require_POST
def comment_flag(request: HttpRequest, comment) -> HttpResponse:
    comment = get_comment_for(request, comment)
    survey = survey_from_query(request, request.GET.get("survey"))
    form = RiskFlagForm(request.POST)
    if form.is_valid():
        try:
            services.comment_flag_risk(
                comment=comment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
            comment.refresh_from_db()  # show the flag someone else recorded meanwhile
        else:
            messages.success(request, _("Flagged as a possible risk. Leads have been told."))
            return redirect(_next_url(request, comment, survey))
    return _review_with_errors(request, comment, survey, flag_form=form)


def _review_with_errors(request: HttpRequest, comment: Comment, survey=None, **forms) -> HttpResponse:
    themes = list(selectors.theme_list(organisation=request.organisation, active_only=True))
    labels = list(comment.labels.select_related("theme").order_by("-score", "theme__position"))
    context = {
        "comment": comment,
        "labels": labels,
        "form": ReviewForm(
            themes=themes,
            initial={"themes": [label.theme_id for label in labels], "sentiment": comment.sentiment or None},
        ),
        "risk_form": RiskActionForm(),
        "flag_form": RiskFlagForm(),
        "next_url": "",
        "survey": survey,
        **forms,
    }
    return render(request, "themes/comment_review.html", context, status=400)


# Summary.


@organisation_view(permission=permissions.can_view_theme_summary)
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    survey = survey_from_query(request, request.GET.get("survey"))
    checked_only = request.GET.get("checked") == "1"
    result = selectors.theme_summary(
        organisation=request.organisation, survey=survey, checked_only=checked_only
    )
    shown = [row for row in result.rows if row.total]
    chart = horizontal_bar_chart(
        title=_("Comments per theme, by sentiment"),
        categories=[row.theme.name for row in shown],
        # A suppressed count draws no bar: the table says "fewer than 5".
        series={
            str(Sentiment.POSITIVE.label): ["" if row.positive is None else row.positive for row in shown],
            str(Sentiment.NEUTRAL.label): ["" if row.neutral is None else row.neutral for row in shown],
            str(Sentiment.NEGATIVE.label): ["" if row.negative is None else row.negative for row in shown],
        },
    )
    from coproduce.feedback.selectors import survey_list

    return render(
        request,
        "themes/summary.html",
        {
            "summary": result,
            "chart": chart if shown else None,
            "survey": survey,
            "surveys": list(survey_list(organisation=request.organisation, include_drafts=False)),
            "checked_only": checked_only,
        },
    )
