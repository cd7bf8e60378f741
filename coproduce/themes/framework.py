"""The default theme framework for mental-health services, and how the starter data's subcategories
(NHS England's pxtextmining framework) map to it."""

from dataclasses import dataclass

from django.utils.translation import gettext_noop as _


@dataclass(frozen=True)
class DefaultTheme:
    code: str
    name: str
    description: str


DEFAULT_THEMES = [
    DefaultTheme(
        "staff-attitude",
        _("Staff attitude"),
        _("Kindness, compassion and respect from staff; how staff made people feel."),
    ),
    DefaultTheme(
        "staff-skills",
        _("Staff skills and professionalism"),
        _("Whether staff knew what they were doing and did it well."),
    ),
    DefaultTheme("staffing-levels", _("Staffing levels"), _("Enough staff, agency staff, staff turnover.")),
    DefaultTheme(
        "communication",
        _("Communication and being listened to"),
        _("Information, explanations, letters and calls, and whether people felt heard."),
    ),
    DefaultTheme(
        "involvement",
        _("Involvement in decisions"),
        _("Being involved in decisions about care, care plans and choices."),
    ),
    DefaultTheme(
        "carers-family",
        _("Carers and family"),
        _("Support for carers and whether family and friends were involved."),
    ),
    DefaultTheme(
        "access-waiting",
        _("Access and waiting"),
        _("Getting a referral or appointment, waiting times, which services are available."),
    ),
    DefaultTheme(
        "care-treatment",
        _("Care and treatment"),
        _("The care and treatment received, therapies and the approach to care."),
    ),
    DefaultTheme(
        "emotional-support",
        _("Emotional support and time"),
        _("Emotional support, advice, one-to-one time with staff."),
    ),
    DefaultTheme(
        "continuity",
        _("Continuity and coordination"),
        _("Seeing the same people, joined-up care between teams and services."),
    ),
    DefaultTheme("physical-health", _("Physical health care"), _("Care for physical health needs.")),
    DefaultTheme(
        "medication", _("Medication"), _("Medicines, side effects and information about medication.")
    ),
    DefaultTheme(
        "environment",
        _("Environment and facilities"),
        _("Buildings, wards, cleanliness, equipment, location, parking and transport."),
    ),
    DefaultTheme("food", _("Food and drink"), _("Meals, choice of food, drinks and snacks.")),
    DefaultTheme(
        "safety", _("Feeling safe"), _("Feeling safe, bullying, violence, restraint and restrictions.")
    ),
    DefaultTheme("activities", _("Activities"), _("Things to do, groups, leave and activities on the ward.")),
    DefaultTheme(
        "discharge-transitions",
        _("Discharge and transitions"),
        _("Leaving hospital or a service, moving between services, follow-up after discharge."),
    ),
    DefaultTheme(
        "dignity-respect",
        _("Dignity and respect"),
        _("Privacy, dignity, respect for diversity and being treated as a person."),
    ),
    DefaultTheme(
        "crisis-support",
        _("Crisis support"),
        _("Knowing who to contact in a crisis and the help given at the time."),
    ),
    DefaultTheme(
        "overall-experience",
        _("Overall experience"),
        _("Comments about the whole experience: nothing to improve, everything was good or bad."),
    ),
]
DEFAULT_CODES = [theme.code for theme in DEFAULT_THEMES]

# pxtextmining subcategory (as written in the data, stripped) -> default theme code. Subcategories
# that belong to no theme (Miscellaneous, Surveying, Funding) are left out of the starter model.
SUBCATEGORY_THEMES = {
    "Attitude Of Staff": "staff-attitude",
    "Staff: General": "staff-attitude",
    "Professionalism/Competence Of Staff": "staff-skills",
    "Staffing levels": "staffing-levels",
    "Communication": "communication",
    "Amount/clarity of information": "communication",
    "Listening": "communication",
    "Involvement: Of Service Users/Patients": "involvement",
    "Involvement: Of Family And Carers": "carers-family",
    "Carer support": "carers-family",
    "Time spent waiting for first appt/referral/service": "access-waiting",
    "Time spent waiting between appointments": "access-waiting",
    "Provision of services": "access-waiting",
    "General": "access-waiting",
    "Care received": "care-treatment",
    "Rules/approach to care": "care-treatment",
    "Therapies": "care-treatment",
    "Made A Difference To My Life": "care-treatment",
    "Advice and support": "emotional-support",
    "Emotional care": "emotional-support",
    "1-2-1 care/Time spent with service user": "emotional-support",
    "Consistency/Continuity of care": "continuity",
    "Coordination/Integration Of Care": "continuity",
    "Physical care": "physical-health",
    "Medication": "medication",
    "Environment/ facilities": "environment",
    "Facilities/equipment": "environment",
    "Cleanliness": "environment",
    "Location": "environment",
    "Parking/transport": "environment",
    "Food": "food",
    "Feeling safe including bullying": "safety",
    "Activities": "activities",
    "Leave (under MHA)": "activities",
    "Transition And Discharge": "discharge-transitions",
    "Transition/ coordination: General": "discharge-transitions",
    "Respect For Diversity/ Person-Centeredness": "dignity-respect",
    "Dignity: General": "dignity-respect",
    "Nothing to improve": "overall-experience",
    "Everything was good/bad": "overall-experience",
    "Nothing was good": "overall-experience",
}
