from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RiskAction, Sentiment


class ThemeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Plain words people use, for example 'Food and drink'"),
        error_messages={"required": _("Enter a name for the theme, for example 'Food and drink'")},
    )
    description = forms.CharField(
        label=_("What it covers (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Helps reviewers choose the right theme."),
    )


class ReviewForm(forms.Form):
    themes = forms.TypedMultipleChoiceField(
        label=_("What is the comment about?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Suggested themes are already ticked. Choose every theme that fits."),
        error_messages={"required": _("Choose at least one theme this comment is about")},
    )
    sentiment = forms.ChoiceField(
        label=_("Is the comment positive, neutral or negative?"),
        choices=Sentiment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the comment is positive, neutral or negative")},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(theme.pk, theme.name) for theme in themes]


class RiskActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What did you do?"),
        choices=RiskAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you did")},
    )
    note = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you did, who you told and when. The next person reads this."),
        error_messages={
            "required": _("Write what you did and who you told, so the next person knows what happened")
        },
    )


class RiskFlagForm(forms.Form):
    reason = forms.CharField(
        label=_("What worries you about this comment?"),
        max_length=500,
        error_messages={"required": _("Say what worries you about this comment")},
    )
