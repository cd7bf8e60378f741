from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.audit import audit_log
from coproduce.core.permissions import can_see_equality_data
from coproduce.core.scoping import organisation_view
from coproduce.involvement.selectors import involvement_history, involvement_totals
from coproduce.lib.exports import csv_response, xlsx_response
from coproduce.lib.forms import add_validation_errors
from coproduce.lib.pagination import paginate, querystring_without_page

from . import permissions, selectors, services
from .access import get_group_for, get_group_membership_for, get_person_for
from .forms import (
    AccessNeedsForm,
    CheckForm,
    ConsentForm,
    EqualityForm,
    GroupForm,
    GroupMemberForm,
    MyProfileForm,
    PersonFilterForm,
    PersonForm,
)
from .models import AccessNeeds, EqualityMonitoring, Person
from .rights import data_export_zip


def _filter_form(request: HttpRequest) -> PersonFilterForm:
    return PersonFilterForm(
        request.GET or None, groups=selectors.group_list(organisation=request.organisation)
    )


@organisation_view(permission=permissions.can_view_register)
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters()
    people = selectors.person_list(organisation=request.organisation, **filters)
    page = paginate(request, people)
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "filtered": any(v for k, v in filters.items() if k != "sort"),
        },
    )


EXPORT_HEADER = [
    "Full name",
    "Preferred name",
    "Pronouns",
    "How they are involved",
    "Email",
    "Phone",
    "Ways to contact",
    "Preferred contact",
    "Language",
    "Times to avoid",
    "Managed by the team",
    "Skills and interests",
    "Added",
]


def _export_rows(people):
    for person in people:
        yield [
            person.full_name,
            person.preferred_name,
            person.pronouns,
            person.get_identity_display(),
            person.email,
            person.phone,
            ", ".join(person.contact_methods()),
            person.get_preferred_contact_display(),
            person.get_language_display(),
            person.times_to_avoid,
            "yes" if person.is_managed else "no",
            ", ".join(t.name for t in person.tags.all()),
            person.created_at.date().isoformat(),
        ]


@organisation_view(permission=permissions.can_export_register)
@require_GET
def person_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The filtered register as CSV or XLSX. Never equality data or access needs; always audited."""
    form = _filter_form(request)
    filters = form.filters()
    people = selectors.person_list(organisation=request.organisation, **filters)
    count = people.count()
    audit_log(
        actor=request.user,
        organisation=request.organisation,
        action="people.exported",
        details={
            "format": file_format,
            "rows": count,
            "filters": {k: str(v) for k, v in filters.items() if v and k != "group"}
            | ({"group": filters["group"].name} if filters.get("group") else {}),
        },
    )
    filename = f"register-{request.organisation.slug}-{timezone.localdate().isoformat()}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(filename, "Register", EXPORT_HEADER, _export_rows(people))
    return csv_response(filename, EXPORT_HEADER, _export_rows(people))


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                organisation=request.organisation,
                actor=request.user,
                tags=form.tag_names(),
                **form.profile_data(),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s has been added to the register") % {"name": person.full_name}
            )
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "creating": True})


@organisation_view(permission=permissions.can_view_register)
@require_GET
def person_detail(request: HttpRequest, person) -> HttpResponse:
    person = get_person_for(request, person)
    membership = request.membership
    context = {
        "person": person,
        "checks": selectors.checks_for(person=person),
        "consents": selectors.consent_current(person=person),
        "groups": selectors.groups_of(person=person),
        "history": selectors.person_history(person=person)[:20],
        "can_edit": permissions.can_edit_people(membership),
        "involvement": involvement_history(person=person)[:20],
        "involvement_totals": involvement_totals(person=person),
    }
    if permissions.can_view_access_needs(membership):
        context["access_needs"] = AccessNeeds.objects.filter(person=person).first()
        services.access_needs_viewed(person=person, actor=request.user)
    if can_see_equality_data(membership):
        context["equality"] = EqualityMonitoring.objects.filter(person=person).first()
        context["show_equality"] = True
    return render(request, "people/person_detail.html", context)


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person) -> HttpResponse:
    person = get_person_for(request, person)
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person, actor=request.user, tags=form.tag_names(), **form.profile_data()
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Details saved"))
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _access_needs_page(request, person, template, done_url, first_person=False):
    access = AccessNeeds.objects.filter(person=person).first()
    form = AccessNeedsForm(
        request.POST or None,
        initial={"needs": access.needs if access else [], "other": access.other if access else ""},
    )
    if request.method == "POST" and form.is_valid():
        services.access_needs_update(
            person=person,
            actor=request.user,
            needs=form.cleaned_data["needs"],
            other=form.cleaned_data["other"],
        )
        messages.success(request, _("Access needs saved"))
        return redirect(done_url)
    return render(request, template, {"form": form, "person": person, "first_person": first_person})


@organisation_view(permission=permissions.can_view_access_needs)
@require_http_methods(["GET", "POST"])
def person_access_needs(request: HttpRequest, person) -> HttpResponse:
    person = get_person_for(request, person)
    return _access_needs_page(request, person, "people/access_needs_form.html", person.get_absolute_url())


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def person_check(request: HttpRequest, person) -> HttpResponse:
    person = get_person_for(request, person)
    form = CheckForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.check_record(person=person, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Check saved"))
            return redirect(person)
    return render(request, "people/check_form.html", {"form": form, "person": person})


def _consent_page(request, person, template, done_url, first_person=False):
    current = selectors.consent_current(person=person)
    form = ConsentForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for purpose, given in form.answers().items():
                services.consent_set(
                    person=person,
                    actor=request.user,
                    purpose=purpose,
                    given=given,
                    note=form.cleaned_data["note"],
                )
        messages.success(request, _("Consent choices saved. Changes take effect straight away."))
        return redirect(done_url)
    return render(
        request,
        template,
        {
            "form": form,
            "person": person,
            "history": selectors.consent_history(person=person)[:50],
            "first_person": first_person,
        },
    )


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def person_consents(request: HttpRequest, person) -> HttpResponse:
    person = get_person_for(request, person)
    return _consent_page(request, person, "people/consent_form.html", person.get_absolute_url())


@organisation_view(permission=can_see_equality_data)
@require_http_methods(["GET", "POST"])
def person_equality(request: HttpRequest, person) -> HttpResponse:
    person = get_person_for(request, person)
    record = EqualityMonitoring.objects.filter(person=person).first() or EqualityMonitoring(person=person)
    form = EqualityForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        services.equality_update(
            person=person, actor=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Equality monitoring saved"))
        return redirect(person)
    return render(request, "people/equality_form.html", {"form": form, "person": person})


@organisation_view(permission=permissions.can_view_register)
@require_GET
def checks_due(request: HttpRequest) -> HttpResponse:
    checks = selectors.checks_due(organisation=request.organisation)
    page = paginate(request, checks)
    today = timezone.localdate()
    for check in page.object_list:
        check.current_status = check.status(today)
    return render(request, "people/checks_due.html", {"page": page, "querystring": ""})


# "My profile": a member's own record on the register.


def _my_person(request: HttpRequest) -> Person | None:
    return Person.objects.filter(
        organisation=request.organisation, user=request.user, erased_at__isnull=True
    ).first()


def _needs_profile(view):
    """My-profile pages need the person's record; without one, go to the page that offers to make it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        person = _my_person(request)
        if person is None:
            return redirect("people:my-profile", org=request.organisation.slug)
        return view(request, person, *args, **kwargs)

    return wrapper


@organisation_view
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    person = _my_person(request)
    if person is None:
        if request.method == "POST":
            services.person_for_user(organisation=request.organisation, user=request.user)
            messages.success(request, _("You are on the register. Check your details below."))
            return redirect("people:my-profile", org=request.organisation.slug)
        return render(request, "people/my_profile_start.html")
    return render(
        request,
        "people/my_profile.html",
        {
            "person": person,
            "access_needs": AccessNeeds.objects.filter(person=person).first(),
            "consents": selectors.consent_current(person=person),
            "groups": selectors.groups_of(person=person),
        },
    )


@organisation_view
@_needs_profile
@require_http_methods(["GET", "POST"])
def my_profile_edit(request: HttpRequest, person: Person) -> HttpResponse:
    form = MyProfileForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person, actor=request.user, tags=form.tag_names(), **form.profile_data()
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your details have been saved"))
            return redirect("people:my-profile", org=request.organisation.slug)
    return render(request, "people/my_profile_form.html", {"form": form, "person": person})


@organisation_view
@_needs_profile
@require_http_methods(["GET", "POST"])
def my_access_needs(request: HttpRequest, person: Person) -> HttpResponse:
    done = reverse("people:my-profile", kwargs={"org": request.organisation.slug})
    return _access_needs_page(request, person, "people/access_needs_form.html", done, first_person=True)


@organisation_view
@_needs_profile
@require_http_methods(["GET", "POST"])
def my_consents(request: HttpRequest, person: Person) -> HttpResponse:
    done = reverse("people:my-profile", kwargs={"org": request.organisation.slug})
    return _consent_page(request, person, "people/consent_form.html", done, first_person=True)


# Groups and forums.


@organisation_view
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.group_list(organisation=request.organisation)
    return render(request, "people/group_list.html", {"page": paginate(request, groups), "querystring": ""})


@organisation_view(permission=permissions.can_manage_groups)
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                organisation=request.organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Group created"))
            return redirect(group)
    return render(request, "people/group_form.html", {"form": form, "creating": True})


@organisation_view
@require_GET
def group_detail(request: HttpRequest, group) -> HttpResponse:
    group = get_group_for(request, group)
    can_see_members = permissions.can_view_group_members(request.membership)
    return render(
        request,
        "people/group_detail.html",
        {
            "group": group,
            "connectors": selectors.group_connectors(group=group),
            "members": selectors.group_members(group=group) if can_see_members else None,
            "can_manage": permissions.can_manage_groups(request.membership),
        },
    )


@organisation_view(permission=permissions.can_manage_groups)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group) -> HttpResponse:
    group = get_group_for(request, group)
    form = GroupForm(request.POST or None, instance=type(group).objects.get(pk=group.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Group saved"))
            return redirect(group)
    return render(request, "people/group_form.html", {"form": form, "group": group})


@organisation_view(permission=permissions.can_view_register)
@require_GET
def people_choose(request: HttpRequest) -> HttpResponse:
    """Suggested names for a person box as someone types (htmx fills the box's list with these)."""
    typed = next((value for name, value in request.GET.items() if name.endswith("person")), "")
    labels = selectors.people_to_suggest(organisation=request.organisation, search=typed)
    return render(request, "people/_people_options.html", {"people_labels": labels})


@organisation_view(permission=permissions.can_manage_groups)
@require_http_methods(["GET", "POST"])
def group_member_add(request: HttpRequest, group) -> HttpResponse:
    group = get_group_for(request, group)
    people = selectors.person_list(organisation=request.organisation).prefetch_related(None)
    form = GroupMemberForm(request.POST or None, people=people, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_add(
                group=group, person=form.chosen_person(), role=form.cleaned_data["role"], actor=request.user
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s added to the group") % {"name": form.chosen_person().full_name}
            )
            return redirect(group)
    return render(request, "people/group_member_form.html", {"form": form, "group": group})


@organisation_view(permission=permissions.can_manage_groups)
@require_POST
def group_member_remove(request: HttpRequest, group, membership_id: int) -> HttpResponse:
    group = get_group_for(request, group)
    membership = get_group_membership_for(request, group, membership_id)
    services.group_member_leave(membership=membership, actor=request.user)
    messages.success(request, _("%(name)s has left the group") % {"name": membership.person.full_name})
    return redirect(group)


__all__ = ["PermissionDenied"]


# Rights: download everything held, ask to be deleted, erasure by a lead, equality in aggregate.


@organisation_view
@_needs_profile
@require_GET
def my_data_download(request: HttpRequest, person: Person) -> HttpResponse:
    data = services.person_data_export(person=person, actor=request.user)
    response = HttpResponse(data_export_zip(data), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{request.organisation.slug}.zip"'
    return response


@organisation_view
@_needs_profile
@require_http_methods(["GET", "POST"])
def my_erasure_request(request: HttpRequest, person: Person) -> HttpResponse:
    if request.method == "POST":
        services.person_request_erasure(person=person, actor=request.user)
        messages.success(
            request, _("Your request has been sent. The involvement team will confirm it within one month.")
        )
        return redirect("people:my-profile", org=request.organisation.slug)
    return render(request, "people/my_erasure_request.html", {"person": person})


@organisation_view(permission=permissions.can_edit_people)
@require_GET
def erasure_list(request: HttpRequest) -> HttpResponse:
    people = selectors.erasure_requests(organisation=request.organisation)
    return render(request, "people/erasure_list.html", {"page": paginate(request, people), "querystring": ""})


@organisation_view(permission=permissions.can_edit_people)
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, person) -> HttpResponse:
    person = get_person_for(request, person)
    if request.method == "POST":
        services.person_erase(person=person, actor=request.user)
        messages.success(
            request, _("The person's details have been erased. The audit log records that this happened.")
        )
        return redirect("people:list", org=request.organisation.slug)
    return render(request, "people/person_erase.html", {"person": person})


@organisation_view(permission=can_see_equality_data)
@require_GET
def equality_summary(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "people/equality_summary.html",
        {"summary": selectors.equality_summary(organisation=request.organisation)},
    )
