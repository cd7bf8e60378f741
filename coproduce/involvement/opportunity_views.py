"""Opportunities: the public list, expressions of interest and fair selection."""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.models import Organisation
from coproduce.core.scoping import organisation_view
from coproduce.lib.forms import add_validation_errors
from coproduce.lib.pagination import paginate
from coproduce.people.models import AccessNeeds, Person
from coproduce.people.selectors import person_list

from . import permissions, selection, services
from .access import get_opportunity_for
from .forms import InterestForm, InterestOnBehalfForm, OpportunityForm, SelectionForm
from .models import ExpressionOfInterest, Letter, Opportunity
from .selectors import activity_types_for


def _my_person(request) -> Person | None:
    return Person.objects.filter(
        organisation=request.organisation, user=request.user, erased_at__isnull=True
    ).first()


@organisation_view
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    opportunities = Opportunity.objects.filter(organisation=request.organisation).select_related(
        "organisation", "activity_type"
    )
    manage = permissions.can_manage_activities(request.membership)
    if not manage:
        opportunities = opportunities.filter(
            status=Opportunity.Status.OPEN, closes_on__gte=timezone.localdate()
        )
    return render(
        request,
        "involvement/opportunity_list.html",
        {
            "page": paginate(request, opportunities.order_by("status", "closes_on", "title")),
            "querystring": "",
            "manage": manage,
        },
    )


def opportunity_public_list(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    """Open opportunities an organisation has chosen to show to anyone, with no sign-in."""
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    opportunities = Opportunity.objects.filter(
        organisation=organisation,
        status=Opportunity.Status.OPEN,
        is_public=True,
        closes_on__gte=timezone.localdate(),
    ).select_related("activity_type")
    return render(
        request,
        "involvement/opportunity_public.html",
        {"public_organisation": organisation, "opportunities": opportunities},
    )


def _opportunity_form(request, instance=None):
    return OpportunityForm(
        request.POST or None,
        instance=instance,
        activity_types=activity_types_for(organisation=request.organisation),
    )


def _form_fields(form) -> dict:
    data = {f: form.cleaned_data[f] for f in form.Meta.fields}
    data["required_checks"] = form.cleaned_data["required_checks"]
    return data


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    form = _opportunity_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(
                organisation=request.organisation, actor=request.user, **_form_fields(form)
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Opportunity saved"))
            return redirect(opportunity)
    return render(request, "involvement/opportunity_form.html", {"form": form, "creating": True})


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, opportunity) -> HttpResponse:
    opportunity = get_opportunity_for(request, opportunity)
    form = _opportunity_form(request, instance=Opportunity.objects.get(pk=opportunity.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(opportunity=opportunity, actor=request.user, **_form_fields(form))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Opportunity saved"))
            return redirect(opportunity)
    return render(request, "involvement/opportunity_form.html", {"form": form, "opportunity": opportunity})


@organisation_view
@require_http_methods(["GET", "POST"])
def opportunity_detail(request: HttpRequest, opportunity) -> HttpResponse:
    """The opportunity, and for a signed-in person on the register, saying 'I'm interested'."""
    opportunity = get_opportunity_for(request, opportunity)
    person = _my_person(request)
    mine = (
        ExpressionOfInterest.objects.filter(opportunity=opportunity, person=person).first()
        if person
        else None
    )
    access = AccessNeeds.objects.filter(person=person).first() if person else None
    needs = [*access.labels(), access.other] if access else []
    form = InterestForm(request.POST or None, initial={"needs": "; ".join(str(n) for n in needs if n)})
    if request.method == "POST":
        if person is None:
            messages.error(
                request, _("Join the register first, from My profile, so the team knows how to reach you.")
            )
            return redirect(opportunity)
        if form.is_valid():
            try:
                services.interest_submit(
                    opportunity=opportunity, person=person, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Thank you. The team will let you know either way."))
                return redirect(opportunity)
    manage = permissions.can_manage_activities(request.membership)
    return render(
        request,
        "involvement/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "form": form,
            "person": person,
            "mine": mine,
            "accepting": opportunity.accepts_interest(timezone.localdate()),
            "manage": manage,
            "interest_count": opportunity.interests.filter(
                status=ExpressionOfInterest.Status.SUBMITTED
            ).count()
            if manage
            else None,
        },
    )


@organisation_view
@require_POST
def interest_withdraw(request: HttpRequest, opportunity) -> HttpResponse:
    opportunity = get_opportunity_for(request, opportunity)
    person = _my_person(request)
    interest = (
        ExpressionOfInterest.objects.filter(opportunity=opportunity, person=person)
        .select_related("person", "opportunity__organisation")
        .first()
        if person
        else None
    )
    if interest is None:
        raise Http404("No expression of interest")
    try:
        services.interest_withdraw(interest=interest, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You have withdrawn your interest"))
    return redirect(opportunity)


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def interest_on_behalf(request: HttpRequest, opportunity) -> HttpResponse:
    """A lead records interest for someone who is not online."""
    opportunity = get_opportunity_for(request, opportunity)
    people = (
        person_list(organisation=request.organisation)
        .prefetch_related(None)
        .only("public_id", "full_name", "organisation_id")
    )
    form = InterestOnBehalfForm(request.POST or None, people=people, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        data = {k: form.cleaned_data[k] for k in ("why", "availability", "needs")}
        try:
            services.interest_submit(opportunity=opportunity, person=person, actor=request.user, **data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Interest recorded for %(name)s") % {"name": person.full_name})
            return redirect(
                "involvement:opportunity-selection",
                org=request.organisation.slug,
                opportunity=opportunity.public_id,
            )
    return render(request, "involvement/interest_on_behalf.html", {"form": form, "opportunity": opportunity})


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def opportunity_selection(request: HttpRequest, opportunity) -> HttpResponse:
    opportunity = get_opportunity_for(request, opportunity)
    candidates = selection.candidates_for(opportunity=opportunity)
    seed = int(request.POST.get("seed") or request.GET.get("seed") or secrets.randbelow(2**31))
    ordered = selection.order_candidates(candidates, seed)
    suggested = selection.suggest(candidates, opportunity.places, seed)
    form = SelectionForm(
        request.POST or None,
        candidates=candidates,
        suggested_ids=[c.interest.pk for c in suggested],
        initial={"chosen": [str(c.interest.pk) for c in suggested]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.selection_confirm(
                    opportunity=opportunity,
                    chosen=form.chosen_interests(),
                    candidates=candidates,
                    seed=seed,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Selection saved. Everyone has been told by the way they prefer."))
            return redirect(opportunity)
    return render(
        request,
        "involvement/opportunity_selection.html",
        {
            "opportunity": opportunity,
            "ordered": ordered,
            "suggested": {c.interest.pk for c in suggested},
            "form": form,
            "seed": seed,
        },
    )


@organisation_view(permission=permissions.can_manage_activities)
@require_POST
def opportunity_announce(request: HttpRequest, opportunity) -> HttpResponse:
    opportunity = get_opportunity_for(request, opportunity)
    try:
        told = services.opportunity_announce(opportunity=opportunity, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(count)s people who want to hear about opportunities have been told") % {"count": told},
        )
    return redirect(opportunity)


@organisation_view(permission=permissions.can_manage_activities)
@require_http_methods(["GET", "POST"])
def letters(request: HttpRequest) -> HttpResponse:
    """Letters to print and post, and calls or texts to make, for people not reached by email or app."""
    pending = Letter.objects.filter(
        organisation=request.organisation, printed_at__isnull=True
    ).select_related("person")
    if request.method == "POST":
        calls = request.POST.get("done") == "calls"
        count = services.letters_mark_printed(
            organisation=request.organisation, actor=request.user, calls=calls
        )
        message = _("%(count)s calls marked as made") if calls else _("%(count)s letters marked as printed")
        messages.success(request, message % {"count": count})
        return redirect("involvement:letters", org=request.organisation.slug)
    pending = list(pending)
    return render(
        request,
        "involvement/letters.html",
        {
            "letters": [letter for letter in pending if letter.channel == Letter.Channel.POST],
            "calls": [letter for letter in pending if letter.channel != Letter.Channel.POST],
        },
    )
