"""Demo surveys with individual responses. The service-user experience survey reproduces the seed's
"92% of respondents felt involved in decisions about their care" from 100 separate responses."""

import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coproduce.core.models import Organisation

from .models import Answer, Response, Survey
from .services import survey_create_from_template
from .survey_templates import FFT_CODE

EXPERIENCE_TITLE = "Your experience of our services (demo)"
FFT_TITLE = "Friends and Family Test: community teams (demo)"
COPRODUCTION_TITLE = "How well did we work together? Crisis line redesign (demo)"
COPRODUCTION_COMMENTS = [
    "Share the papers a week before, not on the day.",
    "Pay people on time, every time.",
    "Let us chair some of the meetings.",
    "Fewer acronyms, please.",
]
# Answers to "Were you involved in decisions about your care?": 92 of 100 said yes (then no, not sure).
INVOLVED = [92, 5, 3]
FFT_WEIGHTS = [46, 30, 8, 6, 5, 5]  # Very good ... Don't know
MODE_WEIGHTS = {
    Response.Mode.ONLINE: 55,
    Response.Mode.PAPER: 25,
    Response.Mode.ASSISTED: 15,
    Response.Mode.SIGNED_IN: 5,
}
# The FFT survey covers three teams; each person says which one their answer is about.
FFT_SERVICES = [
    "Community mental health team, North",
    "Community mental health team, South",
    "Crisis and home treatment team",
]
FFT_SERVICE_WEIGHTS = [50, 35, 15]
FFT_COMMENTS = [
    "Staff listened and explained everything clearly.",
    "I waited a long time for my first appointment.",
    "My care coordinator has been brilliant.",
    "It was hard to get through on the phone.",
    "I felt respected and involved in my care plan.",
]


def _responses(survey, count, rng, answer_for, services=None) -> None:
    """Bulk-create responses spread over the last six months, with each response's answers."""
    now = timezone.now()
    modes, weights = zip(*MODE_WEIGHTS.items(), strict=True)
    responses = [
        Response(
            survey=survey,
            mode=rng.choices(modes, weights)[0],
            service=rng.choices(*services)[0] if services else survey.about,
            submitted_at=now - timedelta(days=rng.randrange(180), minutes=rng.randrange(600)),
            idempotency_key=uuid.UUID(int=rng.getrandbits(128)).hex,
        )
        for _ in range(count)
    ]
    Response.objects.bulk_create(responses, batch_size=500)
    questions = list(survey.questions.all())
    answers = []
    for index, response in enumerate(Response.objects.filter(survey=survey).order_by("id")):
        for question in questions:
            answer = answer_for(index, question)
            if answer is not None:
                answers.append(Answer(response=response, question=question, **answer))
    Answer.objects.bulk_create(answers, batch_size=1000)


def seed_feedback(organisation: Organisation, seed: int = 2019) -> None:
    """Idempotent: a survey that already exists (by title) is left as it is."""
    rng = random.Random(seed)
    with transaction.atomic():
        if not Survey.objects.filter(organisation=organisation, title=EXPERIENCE_TITLE).exists():
            survey = survey_create_from_template(
                organisation=organisation,
                actor=None,
                template="experience",
                title=EXPERIENCE_TITLE,
                about="Community mental health teams",
                status=Survey.Status.OPEN,
            )
            involved = [position for position, n in enumerate(INVOLVED) for _ in range(n)]
            rng.shuffle(involved)

            def experience_answer(index, question):
                if question.code == "involved_in_decisions":
                    return {"choices": [question.choices[involved[index]]]}
                if question.choices:
                    return {"choices": [rng.choices(question.choices, [85, 10, 5])[0]]}
                return None

            _responses(survey, len(involved), rng, experience_answer)
        if not Survey.objects.filter(organisation=organisation, title=FFT_TITLE).exists():
            survey = survey_create_from_template(
                organisation=organisation,
                actor=None,
                template="fft",
                title=FFT_TITLE,
                service_choices=FFT_SERVICES,
                status=Survey.Status.OPEN,
            )

            def fft_answer(index, question):
                if question.code == FFT_CODE:
                    return {"choices": [rng.choices(question.choices, FFT_WEIGHTS)[0]]}
                if rng.random() < 0.3:
                    return {"text": rng.choice(FFT_COMMENTS)}
                return None

            _responses(survey, 320, rng, fft_answer, services=(FFT_SERVICES, FFT_SERVICE_WEIGHTS))
        if not Survey.objects.filter(organisation=organisation, title=COPRODUCTION_TITLE).exists():
            survey = survey_create_from_template(
                organisation=organisation,
                actor=None,
                template="coproduction",
                title=COPRODUCTION_TITLE,
                about="Crisis line redesign project",
                status=Survey.Status.CLOSED,
            )

            def coproduction_answer(index, question):
                if question.code == "coproduction_role":
                    return {"choices": [question.choices[0 if index % 3 else 2]]}
                if question.kind == "free_text":
                    if question.code == "make_it_better" and rng.random() < 0.5:
                        return {"text": rng.choice(COPRODUCTION_COMMENTS)}
                    return None
                weights = [30, 40, 15, 10, 5] + ([5] if len(question.choices) == 6 else [])
                return {"choices": [rng.choices(question.choices, weights[: len(question.choices)])[0]]}

            _responses(survey, 24, rng, coproduction_answer)
