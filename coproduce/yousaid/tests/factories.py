"""Builders for "you said" tests, through the services so every rule and audit row applies."""

from datetime import timedelta

from django.utils import timezone

from coproduce.core.models import Membership
from coproduce.feedback.models import QuestionKind
from coproduce.feedback.tests.factories import AnswerFactory, QuestionFactory, ResponseFactory, SurveyFactory
from coproduce.yousaid import services
from coproduce.yousaid.models import WeDid, YouSaid


def membership_of(user, organisation) -> Membership:
    return Membership.objects.prefetch_related("role_set").get(user=user, organisation=organisation)


def comment(survey, text: str, *, email: str = "", question=None):
    """A written comment on a survey, with contact details (and consent) when an email is given."""
    question = question or QuestionFactory(survey=survey, kind=QuestionKind.FREE_TEXT, choices=[])
    response = ResponseFactory(survey=survey, contact_ok=bool(email), contact_email=email)
    return AnswerFactory(response=response, question=question, text=text)


def free_text_question(survey):
    return QuestionFactory(survey=survey, kind=QuestionKind.FREE_TEXT, choices=[])


def item(organisation, actor, summary: str = "It is hard to get through on the phone", **fields) -> YouSaid:
    fields.setdefault("source", "direct")
    fields.setdefault("service", "Crisis line")
    return services.item_create(organisation=organisation, actor=actor, summary=summary, **fields)


def answer(item: YouSaid, actor, kind: str = "did", **fields) -> WeDid:
    membership = membership_of(actor, item.organisation)
    fields.setdefault("action", "We added a second phone line on Monday mornings")
    fields.setdefault("owner", membership)
    if kind == "will":
        fields.setdefault("due_on", timezone.localdate() + timedelta(days=30))
    if kind == "could_not":
        fields.setdefault("reason", "the building cannot take another room")
    return services.response_create(item=item, actor=actor, membership=membership, kind=kind, **fields)


def publish(response: WeDid, lead) -> WeDid:
    return services.response_publish(
        response=response, actor=lead, membership=membership_of(lead, response.item.organisation)
    )


def yousaid_values(organisation, actor) -> dict[str, object]:
    """An item with a comment and an answer, so every "you said" page opens for its own organisation."""
    survey = SurveyFactory(organisation=organisation, title=f"Survey of {organisation.slug}")
    made = item(organisation, actor, summary=f"Longer evening opening at {organisation.slug}")
    services.item_link_comments(
        item=made, actor=actor, comments=[comment(survey, f"Open later please, {organisation.slug}")]
    )
    response = answer(made, actor, kind="will")
    return {"item": made.public_id, "response": response.public_id}


def demo_public_you_said(organisation) -> set[str]:
    """For the isolation sweep: one item on the public board beside unpublished ones (from
    yousaid_values). Answers the ids anyone may see."""
    from coproduce.core.models import Membership

    lead = Membership.objects.filter(organisation=organisation, role_set__role="admin").first().user
    shown = item(organisation, lead, summary=f"Published item of {organisation.slug}")
    publish(answer(shown, lead), lead)
    return {str(shown.public_id)}


def yousaid_schema_values(organisation, admin) -> dict[str, str]:
    """For the API schema tests: real ids for the "you said" paths and for what their bodies name."""
    from coproduce.themes.models import Theme

    values = yousaid_values(organisation, admin)
    made = YouSaid.objects.get(public_id=values["item"])
    survey = SurveyFactory(organisation=organisation, title="Schema survey")
    question = free_text_question(survey)
    theme = Theme.objects.create(organisation=organisation, name="Schema theme")
    return {
        "item_id": str(values["item"]),
        "answer_id": str(values["response"]),
        "yousaid_theme_id": theme.pk,
        "yousaid_survey_id": str(survey.public_id),
        "yousaid_question_id": question.pk,
        "yousaid_comment_ids": [c.pk for c in made.comments.all()],
        "yousaid_owner_id": str(membership_of(admin, organisation).public_id),
    }


def yousaid_schema_references(body, register) -> None:
    """Point a generated body's references at demo's real records, as a client would."""
    if not isinstance(body, dict):
        return
    for name in ("theme_id", "survey_id", "question_id", "owner_id"):
        if body.get(name) is not None and f"yousaid_{name}" in register:
            body[name] = register[f"yousaid_{name}"]
    if body.get("comment_ids"):
        body["comment_ids"] = register["yousaid_comment_ids"]
    if body.get("executive_id") is not None:
        body["executive_id"] = None
    if body.get("project_id") is not None and register.get("project_id"):
        body["project_id"] = register["project_id"]


# What only the records can refuse on a write the schema allows: which source needs which reference, a
# question from another survey, dates in order, the kind of answer needing a date or a reason, and an
# answer already published or not waiting (no field).
YOUSAID_WRITE_RULES = {
    "/api/v1/orgs/{slug}/you-said": {
        "theme_id",
        "survey_id",
        "group_id",
        "project_id",
        "question_id",
        "respond_by",
    },
    "/api/v1/orgs/{slug}/you-said/{item_id}": {
        "theme_id",
        "survey_id",
        "group_id",
        "project_id",
        "question_id",
        "respond_by",
    },
    "/api/v1/orgs/{slug}/you-said/{item_id}/answers": {"due_on", "reason", "owner_id"},
    "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}": {"due_on", "reason", "owner_id"},
    "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}/publication": {"", "due_on", "reason"},
}
