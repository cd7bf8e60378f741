from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.lib.forms import add_validation_errors
from coproduce.lib.pagination import paginate, querystring_without_page
from coproduce.notifications.selectors import notification_list, notification_unread_count
from coproduce.yousaid.selectors import overdue_for_executive

from . import permissions, selectors, services
from .forms import (
    AuditFilterForm,
    MemberFilterForm,
    MemberInviteForm,
    MemberRolesForm,
    MessageLanguageForm,
    OrganisationSettingsForm,
)
from .scoping import LAST_ORGANISATION_SESSION_KEY, get_membership_for, organisation_view


def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what Coproduce is. Signed in: go to your organisation, or choose one."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    organisations = list(selectors.organisation_list_for(user=request.user))
    if len(organisations) == 1 and "choose" not in request.GET:
        return redirect(organisations[0])
    last = request.session.get(LAST_ORGANISATION_SESSION_KEY)
    return render(request, "core/choose_organisation.html", {"organisations": organisations, "last": last})


@organisation_view
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    context = {
        "unread_count": notification_unread_count(recipient=request.user, organisation=request.organisation),
        "latest_notifications": notification_list(recipient=request.user, organisation=request.organisation)[
            :3
        ],
    }
    if permissions.can_view_members(membership):
        context["role_counts"] = selectors.role_counts(organisation=request.organisation)
        context["member_total"] = sum(row["count"] for row in context["role_counts"])
        context["not_signed_in"] = selectors.members_not_signed_in_count(organisation=request.organisation)
    if membership.has_role("executive"):
        # Escalated "you said" items stay here until they are answered.
        overdue = overdue_for_executive(membership=membership)
        context["overdue_you_said"] = list(overdue[:5])
        context["overdue_you_said_count"] = (
            overdue.count() if len(context["overdue_you_said"]) == 5 else len(context["overdue_you_said"])
        )
    return render(request, "core/dashboard.html", context)


@organisation_view(permission=permissions.can_manage_organisation)
@require_http_methods(["GET", "POST"])
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationSettingsForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        # The form validated a copy; the service saves and audits the change.
        original = type(organisation).objects.get(pk=organisation.pk)
        try:
            services.organisation_update(
                organisation=original,
                updated_by=request.user,
                **{f: form.cleaned_data[f] for f in form.fields},
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Settings saved"))
            return redirect("core:settings", org=organisation.slug)
    return render(request, "core/settings.html", {"form": form})


@organisation_view(permission=permissions.can_view_members)
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.membership_list(
        organisation=request.organisation, role=filters.get("role", ""), search=filters.get("q", "")
    )
    page = paginate(request, members)
    return render(
        request,
        "core/member_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "filtered": bool(filters),
        },
    )


@organisation_view(permission=permissions.can_manage_members)
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_invite(
                organisation=request.organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
                invited_by=request.user,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s has been added and sent an email") % {"name": membership.user}
            )
            return redirect("core:members", org=request.organisation.slug)
    return render(request, "core/member_invite.html", {"form": form})


@organisation_view(permission=permissions.can_view_members)
@require_http_methods(["GET", "POST"])
def member_detail(request: HttpRequest, member) -> HttpResponse:
    membership = get_membership_for(request, member)
    can_manage = permissions.can_manage_members(request.membership)
    form = MemberRolesForm(
        request.POST or None,
        initial={
            "roles": sorted(membership.roles),
            "can_see_equality_data": membership.can_see_equality_data,
        },
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.membership_set_roles(
                        membership=membership, roles=form.cleaned_data["roles"], changed_by=request.user
                    )
                    services.membership_set_equality_access(
                        membership=membership,
                        allowed=form.cleaned_data["can_see_equality_data"],
                        changed_by=request.user,
                    )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Roles saved"))
                return redirect(membership)
    return render(
        request, "core/member_detail.html", {"member": membership, "form": form, "can_manage": can_manage}
    )


@organisation_view(permission=permissions.can_manage_members)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, member) -> HttpResponse:
    membership = get_membership_for(request, member)
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, removed_by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request, _("%(name)s has been removed from the organisation") % {"name": membership.user}
            )
            if membership.user_id == request.user.id:
                return redirect("core:home")
            return redirect("core:members", org=request.organisation.slug)
    return render(request, "core/member_remove.html", {"member": membership, "error": error})


@organisation_view(permission=permissions.can_view_audit_log)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(
        request.GET or None, actions=selectors.audit_action_choices(organisation=request.organisation)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(organisation=request.organisation, **filters)
    page = paginate(request, events, per_page=50)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "filtered": bool(filters),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"language": user.language or translation.get_language()}
    form = MessageLanguageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_set_language(user=user, language=form.cleaned_data["language"])
        name = get_language_info(form.cleaned_data["language"])["name_local"]
        messages.success(request, _("We will write to you in %(language)s.") % {"language": name})
        return redirect("core:account")
    return render(
        request,
        "core/account.html",
        {"organisations": selectors.organisation_list_for(user=user), "form": form},
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher; for someone signed in it also sets the language we write to them in."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means the database is not usable
        return JsonResponse(
            {"status": "error", "database": f"unreachable: {exc.__class__.__name__}"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors: the database or a template may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
