"""'You said, we did' pages. Thin: access helpers fetch, services write and check, selectors read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.audit import audit_log
from coproduce.core.models import Organisation
from coproduce.core.scoping import organisation_view
from coproduce.feedback import permissions as feedback_permissions
from coproduce.lib.forms import add_validation_errors
from coproduce.lib.pagination import paginate, querystring_without_page

from . import permissions, selectors, services
from .access import get_item_for, get_response_for
from .forms import (
    BoardFilterForm,
    CommentSearchForm,
    CommentsForm,
    FrequencyForm,
    ItemFilterForm,
    ItemForm,
    ResponseForm,
    ReturnForm,
)
from .models import DigestSubscription, WeDid


def _can_raise(membership) -> bool:
    return permissions.can_raise_you_said(membership) or permissions.is_group_connector(membership)


def _item_form(request: HttpRequest, data=None, instance=None) -> ItemForm:
    groups = None
    if not permissions.can_raise_you_said(request.membership):
        groups = selectors.connector_groups(request.membership)
    return ItemForm(data, instance=instance, organisation=request.organisation, groups=groups)


@organisation_view(permission=permissions.can_use_you_said)
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    form = ItemFilterForm(
        request.GET or None, services=selectors.services_in_use(organisation=request.organisation)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.item_list(
        membership=request.membership,
        state=filters.get("state", ""),
        service=filters.get("service", ""),
        source=filters.get("source", ""),
    )
    return render(
        request,
        "yousaid/item_list.html",
        {
            "form": form,
            "page": paginate(request, items),
            "querystring": querystring_without_page(request),
            "filtered": any(filters.values()) if filters else False,
            "can_raise": _can_raise(request.membership),
        },
    )


@organisation_view(permission=_can_raise)
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    form = _item_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if "source" not in fields or not permissions.can_raise_you_said(request.membership):
            fields["source"] = "group"
            fields["raised_by"] = _connector_person(request, fields.get("group"))
        try:
            item = services.item_create(organisation=request.organisation, actor=request.user, **fields)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Item recorded. Now add what we did, will do or could not do."))
            return redirect(item)
    return render(request, "yousaid/item_form.html", {"form": form, "item": None})


def _connector_person(request: HttpRequest, group):
    from coproduce.people.models import Person

    return Person.objects.filter(
        organisation=request.organisation,
        user=request.user,
        group_memberships__group=group,
        group_memberships__left_on__isnull=True,
    ).first()


@organisation_view(permission=permissions.can_use_you_said)
@require_GET
def item_detail(request: HttpRequest, item) -> HttpResponse:
    item = selectors.item_detail(item=get_item_for(request, item))
    show_comments = feedback_permissions.can_export_responses(request.membership)
    comments = (
        list(item.comments.select_related("question__survey").order_by("-response__submitted_at")[:50])
        if show_comments
        else []
    )
    if comments:
        # Comments are health data: reading them is recorded, as exporting responses is.
        audit_log(
            actor=request.user,
            organisation=request.organisation,
            action="you_said.comments_viewed",
            target=item,
            details={"comments": len(comments)},
        )
    return render(
        request,
        "yousaid/item_detail.html",
        {
            "item": item,
            "responses": list(item.responses.all()),
            "comments": comments,
            "show_comments": show_comments,
            "return_form": ReturnForm(),
        },
    )


@organisation_view(permission=permissions.can_raise_you_said)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, item) -> HttpResponse:
    item = get_item_for(request, item)
    form = _item_form(
        request,
        request.POST if request.method == "POST" else None,
        instance=type(item).objects.get(pk=item.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=item, actor=request.user, membership=request.membership, **form.cleaned_data
            )
        except PermissionDenied as error:
            form.add_error("summary", str(error))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Item saved"))
            return redirect(item)
    return render(request, "yousaid/item_form.html", {"form": form, "item": item})


@organisation_view(permission=permissions.can_approve_you_said)
@require_http_methods(["GET", "POST"])
def item_comments(request: HttpRequest, item) -> HttpResponse:
    """Link the written comments behind an item. Comments are health data: leads and admins only."""
    from coproduce.feedback.models import Answer, QuestionKind

    item = get_item_for(request, item)
    search = CommentSearchForm(request.GET or None)
    q = search.cleaned_data.get("q", "") if search.is_valid() else ""
    linked_ids = set(item.comments.values_list("pk", flat=True))
    candidates = (
        Answer.objects.filter(
            question__survey__organisation=request.organisation, question__kind=QuestionKind.FREE_TEXT
        )
        .exclude(text="")
        .select_related("question__survey")
    )
    if item.survey_id:
        candidates = candidates.filter(question__survey=item.survey_id)
    if q:
        candidates = candidates.filter(text__icontains=q)
    shown = list(candidates.order_by("-response__submitted_at", "-pk")[:50])
    shown_ids = {a.pk for a in shown} | linked_ids
    answers = Answer.objects.filter(pk__in=shown_ids).select_related("question__survey")
    form = CommentsForm(
        request.POST if request.method == "POST" else None,
        answers=answers,
        initial={"comments": sorted(linked_ids & shown_ids)},
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["comments"])
        shown_answers = list(answers)
        count = services.item_link_comments(
            item=item,
            actor=request.user,
            comments=[a for a in chosen if a.pk not in linked_ids],
            unlink=[a for a in shown_answers if a.pk in linked_ids and a not in chosen],
        )
        messages.success(request, _("%(count)s comments are linked to this item") % {"count": count})
        return redirect(item)
    if shown_ids:
        # Comments are health data: reading them is recorded, as on the item's page.
        audit_log(
            actor=request.user,
            organisation=request.organisation,
            action="you_said.comments_viewed",
            target=item,
            details={"comments": len(shown_ids), "search": bool(q)},
        )
    return render(
        request,
        "yousaid/item_comments.html",
        {"item": item, "form": form, "search": search, "linked": len(linked_ids)},
    )


@organisation_view(permission=permissions.can_answer_you_said)
@require_http_methods(["GET", "POST"])
def response_create(request: HttpRequest, item) -> HttpResponse:
    item = get_item_for(request, item)
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        organisation=request.organisation,
        initial={"owner": request.membership.pk, "status": WeDid.Status.OPEN},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_create(
                item=item, actor=request.user, membership=request.membership, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("Answer saved as a draft. Ask a lead to approve it when it is ready to publish.")
            )
            return redirect(item)
    return render(request, "yousaid/response_form.html", {"form": form, "item": item, "response": None})


@organisation_view(permission=permissions.can_answer_you_said)
@require_http_methods(["GET", "POST"])
def response_edit(request: HttpRequest, item, response) -> HttpResponse:
    item = get_item_for(request, item)
    response = get_response_for(request, item, response)
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        organisation=request.organisation,
        instance=WeDid.objects.get(pk=response.pk),
    )
    if request.method == "POST" and form.is_valid():
        was_awaiting = response.publication == WeDid.Publication.AWAITING
        try:
            services.response_update(
                response=response, actor=request.user, membership=request.membership, **form.cleaned_data
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if was_awaiting and response.publication == WeDid.Publication.DRAFT:
                messages.warning(
                    request,
                    _(
                        "Answer saved as a draft. You changed its wording or date, so a lead has not seen "
                        "it yet: ask a lead to approve it again when it is ready."
                    ),
                )
            else:
                messages.success(request, _("Answer saved"))
            return redirect(item)
    return render(request, "yousaid/response_form.html", {"form": form, "item": item, "response": response})


@organisation_view(permission=permissions.can_answer_you_said)
@require_POST
def response_publication(request: HttpRequest, item, response) -> HttpResponse:
    """Ask for approval (staff), approve and publish, or send back (leads). The services check who."""
    item = get_item_for(request, item)
    response = get_response_for(request, item, response)
    action = request.POST.get("action", "")
    done = {
        "ask": (services.response_request_approval, _("Sent to the leads for approval")),
        "approve": (services.response_publish, _("Approved and published on the public board")),
        "return": (services.response_return, _("Sent back to its owner")),
    }
    if action not in done:
        messages.error(request, _("Choose to ask for approval, approve, or send back"))
        return redirect(item)
    service, message = done[action]
    extra = {"note": request.POST.get("note", "")[:500]} if action == "return" else {}
    try:
        service(response=response, actor=request.user, membership=request.membership, **extra)
    except PermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, message)
    return redirect(item)


# --- Public (no sign-in) ---------------------------------------------------------------------------


def _public_organisation(organisation_slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


@require_GET
def public_board(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = _public_organisation(organisation_slug)
    form = BoardFilterForm(
        request.GET or None,
        services=selectors.services_in_use(organisation=organisation, published_only=True),
        themes=list(selectors.themes_in_use(organisation=organisation, published_only=True)),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.public_board(
        organisation=organisation, service=filters.get("service", ""), theme_id=form.theme_id()
    )
    return render(
        request,
        "yousaid/public_board.html",
        {
            "public_organisation": organisation,
            "form": form,
            "page": paginate(request, items),
            "querystring": querystring_without_page(request),
            "filtered": bool(filters and any(filters.values())),
        },
    )


@require_http_methods(["GET", "POST"])
def public_updates(request: HttpRequest, organisation_slug: str, token) -> HttpResponse:
    """Choose daily or weekly updates, or stop them: from the link in every digest, with no sign-in."""
    organisation = _public_organisation(organisation_slug)
    subscription = DigestSubscription.objects.filter(organisation=organisation, token=token).first()
    if subscription is None:
        raise Http404("No such subscription")
    initial = {"frequency": subscription.frequency if subscription.active else "stop"}
    form = FrequencyForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        services.subscription_set_frequency(subscription=subscription, choice=form.cleaned_data["frequency"])
        saved = True
    return render(
        request,
        "yousaid/public_updates.html",
        {"public_organisation": organisation, "form": form, "saved": saved, "subscription": subscription},
    )
