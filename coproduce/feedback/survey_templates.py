"""Ready-made surveys with their exact wording. The text is stored in the language of the person who
creates the survey; questions keep a code so results recognise them in any language."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .models import QuestionKind

# NHS England's Friends and Family Test: the question and answers must be used word for word.
FFT_QUESTION = gettext_noop("Overall, how was your experience of our service?")
FFT_CHOICES = [
    gettext_noop("Very good"),
    gettext_noop("Good"),
    gettext_noop("Neither good nor poor"),
    gettext_noop("Poor"),
    gettext_noop("Very poor"),
    gettext_noop("Don't know"),
]
FFT_FOLLOW_UP = gettext_noop("Please can you tell us why you gave your answer?")
# Positions in FFT_CHOICES: NHS England's "percentage positive" is Very good + Good, "percentage
# negative" Poor + Very poor, both out of every response to the question, Don't know included.
FFT_POSITIVE = (0, 1)
FFT_NEGATIVE = (3, 4)
FFT_CODE = "fft"

YES_NO_NOT_SURE = [gettext_noop("Yes"), gettext_noop("No"), gettext_noop("Not sure")]
AGREE_SCALE = [
    gettext_noop("Strongly agree"),
    gettext_noop("Agree"),
    gettext_noop("Neither agree nor disagree"),
    gettext_noop("Disagree"),
    gettext_noop("Strongly disagree"),
    gettext_noop("Don't know"),
]
RATING_SCALE = ["1", "2", "3", "4", "5"]


@dataclass
class TemplateQuestion:
    kind: str
    text: str
    code: str = ""
    required: bool = False
    help_text: str = ""
    choices: list[str] = field(default_factory=list)
    section: str = ""


@dataclass
class SurveyTemplate:
    code: str
    name: object
    description: object
    title: str
    welcome: str
    thank_you: str
    questions: list[TemplateQuestion]


THANK_YOU = gettext_noop(
    "Thank you for taking the time to tell us. We read every answer, and we publish what we change."
)

TEMPLATES = {
    t.code: t
    for t in [
        SurveyTemplate(
            code="fft",
            name=_("NHS Friends and Family Test"),
            description=_("The national question, its six answers and a free-text follow-up, word for word."),
            title=gettext_noop("Friends and Family Test"),
            welcome=gettext_noop(
                "We would like to hear about your experience of our service. It takes about a minute. "
                "Your answers are anonymous unless you choose to leave your contact details."
            ),
            thank_you=THANK_YOU,
            questions=[
                TemplateQuestion(
                    kind=QuestionKind.SINGLE_CHOICE,
                    text=FFT_QUESTION,
                    code=FFT_CODE,
                    required=True,
                    choices=FFT_CHOICES,
                ),
                TemplateQuestion(kind=QuestionKind.FREE_TEXT, text=FFT_FOLLOW_UP, code="fft_why"),
            ],
        ),
        SurveyTemplate(
            code="experience",
            name=_("Service-user experience questionnaire"),
            description=_(
                "Were you involved in decisions, treated with dignity and respect, did you know who to "
                "contact in a crisis, and similar questions."
            ),
            title=gettext_noop("Your experience of our services"),
            welcome=gettext_noop(
                "Please tell us about the care you have had from us. Answer as many questions as you "
                "like. Your answers are anonymous unless you choose to leave your contact details."
            ),
            thank_you=THANK_YOU,
            questions=[
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop("Were you involved in decisions about your care?"),
                    code="involved_in_decisions",
                    section=gettext_noop("Your care"),
                ),
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop("Were you treated with dignity and respect?"),
                    code="dignity_and_respect",
                ),
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop("Did staff listen to you and take your views into account?"),
                    code="listened_to",
                ),
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop(
                        "Were you given information about your care that you could understand?"
                    ),
                    code="information",
                ),
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop("Did you know who to contact in a crisis?"),
                    code="crisis_contact",
                    section=gettext_noop("Support and safety"),
                ),
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop("Were your family or carers involved as much as you wanted?"),
                    code="carers_involved",
                ),
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop("Did you feel safe while you were using our services?"),
                    code="felt_safe",
                ),
                TemplateQuestion(
                    kind=QuestionKind.FREE_TEXT,
                    text=gettext_noop("Is there anything else you would like to tell us about your care?"),
                    code="anything_else",
                    section=gettext_noop("Anything else"),
                ),
            ],
        ),
        SurveyTemplate(
            code="coproduction",
            name=_("Co-production evaluation for project teams"),
            description=_(
                "For everyone in a project team, staff and people with lived experience alike: were you "
                "an equal partner, was power shared, were you listened to, and did it make a difference?"
            ),
            title=gettext_noop("How well did we work together?"),
            welcome=gettext_noop(
                "This project was meant to be co-produced: designed, decided and delivered together. "
                "Please tell us honestly how it felt to you. Your answers are anonymous, and the team "
                "will see only the totals."
            ),
            thank_you=THANK_YOU,
            questions=[
                TemplateQuestion(
                    kind=QuestionKind.SINGLE_CHOICE,
                    text=gettext_noop("Which best describes you in this project?"),
                    code="coproduction_role",
                    choices=[
                        gettext_noop("I have lived experience (as a service user)"),
                        gettext_noop("I am a carer"),
                        gettext_noop("I am a member of staff"),
                        gettext_noop("I would rather not say"),
                    ],
                    help_text=gettext_noop("So we can see whether everyone felt the same."),
                    section=gettext_noop("About you"),
                ),
                TemplateQuestion(
                    kind=QuestionKind.SINGLE_CHOICE,
                    text=gettext_noop("I was treated as an equal partner."),
                    code="equal_partner",
                    choices=AGREE_SCALE,
                    section=gettext_noop("Working together"),
                ),
                TemplateQuestion(
                    kind=QuestionKind.SINGLE_CHOICE,
                    text=gettext_noop("Power was shared: we made decisions together, not for each other."),
                    code="shared_power",
                    choices=AGREE_SCALE,
                ),
                TemplateQuestion(
                    kind=QuestionKind.SINGLE_CHOICE,
                    text=gettext_noop("I was listened to, and my experience was valued."),
                    code="listened_to",
                    choices=AGREE_SCALE,
                ),
                TemplateQuestion(
                    kind=QuestionKind.SINGLE_CHOICE,
                    text=gettext_noop(
                        "I got something back for what I gave, such as payment, learning, support or thanks."
                    ),
                    code="reciprocity",
                    choices=AGREE_SCALE,
                ),
                TemplateQuestion(
                    kind=QuestionKind.SINGLE_CHOICE,
                    text=gettext_noop(
                        "Meetings, papers and places were accessible to me, and my needs were met."
                    ),
                    code="accessibility",
                    choices=AGREE_SCALE,
                ),
                TemplateQuestion(
                    kind=QuestionKind.YES_NO_NOT_SURE,
                    text=gettext_noop("Did your involvement make a difference to what the project did?"),
                    code="made_a_difference",
                    section=gettext_noop("Making a difference"),
                ),
                TemplateQuestion(
                    kind=QuestionKind.FREE_TEXT,
                    text=gettext_noop("What difference did it make, or why not?"),
                    code="difference_how",
                ),
                TemplateQuestion(
                    kind=QuestionKind.FREE_TEXT,
                    text=gettext_noop("What would make working together better next time?"),
                    code="make_it_better",
                ),
            ],
        ),
    ]
}
