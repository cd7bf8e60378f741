"""Welsh: the pages really are in Welsh, and the Welsh catalogue is complete and compiled.

Welsh public bodies must offer their services in Welsh, so a page that falls back to English
(a string nobody marked, a translation nobody wrote, a .mo nobody recompiled) is a bug.
"""

import gettext
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
MAKEMESSAGES_IGNORES = ["--ignore=.venv", "--ignore=node_modules", "--ignore=staticfiles", "--ignore=static"]
WELSH_PLURAL_FORMS = "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;"

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None,
    reason="GNU gettext (msgfmt, xgettext, msgmerge) is not installed",
)


def page_text(response) -> str:
    """The page as a person reads it: entities such as &#x27; turned back into characters."""
    return html.unescape(response.content.decode())


def assert_in_welsh(response, welsh: list[str], english: list[str]) -> None:
    assert response.status_code == 200
    text = page_text(response)
    assert '<html lang="cy">' in text
    for phrase in welsh:
        assert phrase in text, f"Welsh {phrase!r} missing from {response.request['PATH_INFO']}"
    for phrase in english:
        assert phrase not in text, f"English {phrase!r} still on the Welsh {response.request['PATH_INFO']}"


# (path, Welsh that must be there, the English originals that must not)
SIGNED_OUT_PAGES = [
    (
        "/",
        [
            "Neidio i'r prif gynnwys",
            "<h1>Coproduce: llunio gwasanaethau gyda'n gilydd</h1>",
            "Nid oes gennych gyfrif?",
        ],
        ["Skip to main content", "Coproduce: shape services together", "Do not have an account?", "Sign in"],
    ),
    (
        "/accounts/login/",
        [
            "Neidio i'r prif gynnwys",
            "<h1>Mewngofnodi</h1>",
            "Defnyddiwch y cyfeiriad e-bost a ddefnyddiodd eich sefydliad i'ch ychwanegu.",
            "Wedi anghofio eich cyfrinair?",
        ],
        ["Skip to main content", "<h1>Sign in</h1>", "Forgotten your password?", "Use the email address"],
    ),
    (
        "/accessibility/",
        ["<h1>Datganiad hygyrchedd</h1>", "<h2>Pa mor hygyrch yw Coproduce</h2>", "Dolenni cymorth"],
        ["Accessibility statement", "How accessible Coproduce is", "Support links"],
    ),
]

ADMIN_PAGES = [
    (
        "/o/demo/",
        ["Helo, Alex", "<h2>Beth i'w wneud nesaf</h2>", "<h2>Pobl yn eich sefydliad</h2>", "Allgofnodi"],
        ["Hello, Alex", "What to do next", "People in your organisation", "Sign out"],
    ),
    (
        "/o/demo/members/",
        ["<h1>Aelodau</h1>", "Aelodau a'u rolau", "Gweinyddwr y sefydliad", "3 aelod"],
        ["<h1>Members</h1>", "Members and their roles", "Organisation admin", "3 members"],
    ),
    (
        "/o/demo/settings/",
        ["<h1>Gosodiadau'r sefydliad</h1>", "<h2>Diogelwch</h2>", "Cadw'r gosodiadau"],
        ["Organisation settings", "<h2>Security</h2>", "Save settings"],
    ),
    (
        "/o/demo/audit/",
        ["<h1>Log archwilio</h1>", "Hidlo'r log archwilio", "Pwy wnaeth hyn (e-bost)"],
        ["<h1>Audit log</h1>", "Filter the audit log", "Who did it (email)"],
    ),
]


@pytest.mark.parametrize(("path", "welsh", "english"), SIGNED_OUT_PAGES)
def test_signed_out_pages_are_in_welsh_for_someone_who_chose_welsh(client, db, path, welsh, english):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert_in_welsh(client.get(path), welsh, english)


@pytest.mark.parametrize(("path", "welsh", "english"), SIGNED_OUT_PAGES)
def test_signed_out_pages_are_in_welsh_for_a_browser_that_asks_for_welsh(client, db, path, welsh, english):
    assert_in_welsh(client.get(path, headers={"accept-language": "cy"}), welsh, english)


@pytest.mark.parametrize(("path", "welsh", "english"), SIGNED_OUT_PAGES)
def test_the_same_pages_are_in_english_by_default(client, db, path, welsh, english):
    """The other half of the proof: the English phrases asserted absent above really are on the page."""
    response = client.get(path)
    text = page_text(response)
    assert response.status_code == 200
    assert '<html lang="en-gb">' in text
    assert "Skip to main content" in text
    assert "Neidio i'r prif gynnwys" not in text
    for phrase in english:
        assert phrase in text


@pytest.mark.parametrize(("path", "welsh", "english"), ADMIN_PAGES)
def test_an_admins_pages_are_in_welsh(client, admin, lead, member, path, welsh, english):
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert_in_welsh(client.get(path), welsh, english)


def test_form_errors_are_in_welsh(client, admin):
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.post("/o/demo/members/invite/", {"full_name": "", "email": "not-an-email"})
    text = page_text(response)
    assert "Mae problem wedi codi" in text
    assert "Rhowch enw llawn y person" in text
    assert "Dewiswch o leiaf un rôl" in text
    assert "There is a problem" not in text
    assert "Enter the person's full name" not in text


def test_the_language_switcher_changes_later_pages_to_welsh_and_back(client, admin):
    client.force_login(admin)
    english = client.get("/o/demo/")
    assert '<html lang="en-gb">' in page_text(english)
    assert 'action="/i18n/setlang/"' in page_text(english)

    response = client.post("/i18n/setlang/", {"language": "cy", "next": "/o/demo/"})
    assert response.status_code == 302
    assert response["Location"] == "/o/demo/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"

    assert_in_welsh(client.get("/o/demo/"), ["<h2>Beth i'w wneud nesaf</h2>"], ["What to do next"])
    assert_in_welsh(
        client.get("/accessibility/"), ["<h1>Datganiad hygyrchedd</h1>"], ["Accessibility statement"]
    )

    client.post("/i18n/setlang/", {"language": "en-gb", "next": "/o/demo/"})
    text = page_text(client.get("/o/demo/"))
    assert '<html lang="en-gb">' in text
    assert "What to do next" in text


def test_the_language_switcher_works_before_signing_in(client, db):
    client.post("/i18n/setlang/", {"language": "cy", "next": "/accounts/login/"})
    assert_in_welsh(client.get("/accounts/login/"), ["<h1>Mewngofnodi</h1>"], ["<h1>Sign in</h1>"])


# The catalogue itself ------------------------------------------------------------------------------------


def _unquote(line: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], line.strip()[1:-1])


def parse_po(path: Path) -> list[dict]:
    """A tiny .po reader: each entry's fields (msgid, msgstr[0], ...) and its "#," flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line):
                key = match.group(1)
                entry[key] = _unquote(match.group(2))
            else:
                entry[key] += _unquote(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def problems_in(entries: list[dict]) -> list[str]:
    problems = []
    for entry in entries:
        msgid = entry["msgid"]
        if msgid == "":
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        if "msgid_plural" in entry:
            forms = [entry.get(f"msgstr[{i}]", "") for i in range(6)]
            if not all(forms) or "msgstr[6]" in entry:
                problems.append(f"needs all 6 Welsh plural forms: {msgid!r}")
        elif not entry.get("msgstr"):
            problems.append(f"untranslated: {msgid!r}")
    return problems


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\{\s*\w+\s*\}\}")


def test_every_welsh_message_is_translated_with_its_placeholders():
    entries = parse_po(CATALOGUE)
    assert len(entries) > 100
    assert problems_in(entries) == []
    for entry in entries[1:]:
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"]))
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        for translation in translations:
            assert sorted(PLACEHOLDER.findall(translation)) == wanted, (entry["msgid"], translation)


def test_the_welsh_catalogue_header_has_welsh_plural_forms():
    header = parse_po(CATALOGUE)[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: cy\n" in header["msgstr"]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"]
    assert f"Plural-Forms: {WELSH_PLURAL_FORMS}\n" in header["msgstr"]


@needs_gettext
def test_msgfmt_finds_no_untranslated_fuzzy_or_broken_messages():
    result = subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "translated message" in report
    assert "untranslated" not in report
    assert "fuzzy" not in report


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is what Django reads; a .po edited but not recompiled would leave English on the page."""
    expected = {}
    for entry in parse_po(CATALOGUE)[1:]:
        key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            for i in range(6):
                expected[(key, i)] = entry[f"msgstr[{i}]"]
        else:
            expected[key] = entry["msgstr"]
    with COMPILED.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    actual = {key: value for key, value in catalogue._catalog.items() if key != ""}
    assert actual == expected, "locale/cy/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"
    assert [catalogue.plural(n) for n in (0, 1, 2, 3, 4, 5, 6, 7, 11)] == [0, 1, 2, 3, 5, 5, 4, 5, 5]


def test_django_uses_the_welsh_plural_forms():
    from django.utils import translation

    # Variables, not literals, so makemessages does not list this test as a source of the message.
    singular, plural = "%(counter)s event", "%(counter)s events"
    with translation.override("cy"):
        forms = [translation.ngettext(singular, plural, n) % {"counter": n} for n in (0, 1, 2, 3, 6, 7)]
    assert forms == [
        "0 digwyddiad",
        "1 digwyddiad",
        "2 ddigwyddiad",
        "3 digwyddiad",
        "6 digwyddiad",
        "7 digwyddiad",
    ]


@needs_gettext
def test_every_string_marked_for_translation_has_a_welsh_translation(tmp_path):
    """Runs makemessages on a copy of the project: a new or changed string without Welsh fails here."""
    skipped = {"node_modules", "static", "staticfiles", "media"}

    def ignore(directory, names):
        top_level = Path(directory) == ROOT
        return [
            name
            for name in names
            if name in {"__pycache__", "db.sqlite3"}
            or name.endswith((".pyc", ".egg-info"))
            or (top_level and (name.startswith(".") or name in skipped or name.startswith("db.sqlite3")))
        ]

    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=ignore)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "SECRET_KEY": "makemessages-only"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemessages", "-l", "cy", *MAKEMESSAGES_IGNORES, "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    problems = problems_in(parse_po(copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    assert problems == [], (
        "Strings need Welsh: run manage.py makemessages -l cy (with the ignores in this test), "
        "translate them in locale/cy/LC_MESSAGES/django.po, then compilemessages.\n" + "\n".join(problems)
    )
