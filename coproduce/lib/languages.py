"""The languages we write to people in (settings.LANGUAGES): how forms offer them and how a spreadsheet
cell names them."""

import functools

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info

# Names people write in a spreadsheet, in English and in Welsh, besides the codes and our own labels.
WRITTEN_NAMES = {"en-gb": ["english", "en", "saesneg"], "cy": ["welsh", "cymraeg", "cym"]}


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("Cymraeg"), so a reader finds their own."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class LanguageRadioSelect(forms.RadioSelect):
    """Radios for language_choices: each label carries its own lang, so a screen reader says "Cymraeg"
    in Welsh (WCAG 3.1.2); the field template reads it from the option's attrs."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = value
        return option


@functools.cache
def _written_names(active: str) -> dict[str, str]:
    """Every name a cell may use for each language, lower-case, to its code: built once per active
    language, so a spreadsheet of thousands of rows looks each one up in a dict."""
    names = {}
    for code, label in settings.LANGUAGES:
        with translation.override("en-gb"):
            english = str(label)
        with translation.override(active):
            here = str(label)
        for name in (
            code,
            english,
            here,
            get_language_info(code)["name_local"],
            *WRITTEN_NAMES.get(code, []),
        ):
            names[" ".join(name.casefold().split())] = code
    return names


def language_from_text(text: str) -> str | None:
    """The code a cell means ("Welsh", "Cymraeg", "cy" -> "cy"): "" for an empty cell, None for a
    language we do not write in."""
    key = " ".join(text.casefold().split())
    if not key:
        return ""
    return _written_names(translation.get_language() or settings.LANGUAGE_CODE).get(key)
