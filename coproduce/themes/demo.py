"""Demo themes: the default framework, more written answers on the demo Friends and Family Test, the
model's suggestions, and about half of them checked by the lead. Idempotent."""

from django.db import transaction

from coproduce.core.models import Membership, Organisation, Role
from coproduce.feedback.demo import FFT_TITLE
from coproduce.feedback.models import QuestionKind, Response, Survey
from coproduce.feedback.services import response_submit

from . import services
from .models import Comment, Theme

# Written answers as people write them, with what a member of staff decided they are about.
DEMO_COMMENTS = [
    (
        "Good",
        "The nurses on the ward were kind and always had time for a chat.",
        ["staff-attitude"],
        "positive",
    ),
    (
        "Poor",
        "I waited four months for my first appointment with the psychologist.",
        ["access-waiting"],
        "negative",
    ),
    (
        "Very good",
        "My care coordinator involved me in every decision about my care plan.",
        ["involvement"],
        "positive",
    ),
    (
        "Poor",
        "Nobody told me about the side effects of my new medication.",
        ["medication", "communication"],
        "negative",
    ),
    (
        "Neither good nor poor",
        "The food was cold most evenings but the staff were lovely.",
        ["food", "staff-attitude"],
        "neutral",
    ),
    (
        "Very poor",
        "I was discharged with no follow-up and no idea who to call.",
        ["discharge-transitions", "crisis-support"],
        "negative",
    ),
    ("Good", "The art group and the walking group kept me going.", ["activities"], "positive"),
    ("Poor", "The ward was noisy and the bathrooms were not clean.", ["environment"], "negative"),
    (
        "Very good",
        "They listened to my mum as well as me, which meant a lot.",
        ["carers-family", "communication"],
        "positive",
    ),
    ("Poor", "I saw a different doctor every time and had to repeat my story.", ["continuity"], "negative"),
    ("Poor", "Another patient kept threatening me and I did not feel safe at night.", ["safety"], "negative"),
    ("Very good", "The therapy has made a real difference to my life.", ["care-treatment"], "positive"),
]


def seed_themes(organisation: Organisation) -> None:
    with transaction.atomic():
        services.themes_setup_organisation(organisation)
        survey = Survey.objects.filter(organisation=organisation, title=FFT_TITLE).first()
        if survey is None:
            return
        rating = survey.questions.filter(code="fft").first()
        why = survey.questions.filter(kind=QuestionKind.FREE_TEXT).first()
        if rating is None or why is None:
            return
        for index, (choice, text, _codes, _sentiment) in enumerate(DEMO_COMMENTS):
            # A fixed key per demo comment: a second run finds the first response.
            response_submit(
                survey=survey,
                mode=Response.Mode.PAPER,
                idempotency_key=f"themes-demo-{index}",
                answers={rating.pk: choice, why.pk: text},
            )
        services.comments_create(organisation=organisation, answers=services.free_text_answers(organisation))
        services.comments_suggest(organisation=organisation)
        lead = (
            Membership.objects.filter(organisation=organisation, role_set__role=Role.LEAD)
            .select_related("user")
            .first()
        )
        if lead is None or Comment.objects.filter(organisation=organisation, status="confirmed").exists():
            return
        themes = dict(
            Theme.objects.filter(organisation=organisation).exclude(code="").values_list("code", "pk")
        )
        by_text = {text: (codes, sentiment) for _c, text, codes, sentiment in DEMO_COMMENTS}
        # The lead has checked the older half of the comments; the rest wait in the queue.
        comments = list(
            Comment.objects.filter(organisation=organisation, risk=Comment.Risk.NONE)
            .select_related("answer", "organisation")
            .order_by("answer__response__submitted_at", "id")
        )
        for comment in comments[: len(comments) // 2]:
            codes, sentiment = by_text.get(comment.answer.text, (None, None))
            if codes is None:
                theme_ids = [label.theme_id for label in comment.labels.all()]
                sentiment = comment.sentiment or "neutral"
            else:
                theme_ids = [themes[code] for code in codes if code in themes]
            if theme_ids:
                services.comment_confirm(
                    comment=comment, actor=lead.user, theme_ids=theme_ids, sentiment=sentiment
                )
