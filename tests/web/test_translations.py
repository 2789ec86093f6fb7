"""Both languages, complete: a message missing, untranslated or fuzzy in da or en fails, and so do
catalogues that are stale against the code (run `make i18n-update`, then translate)."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]


def catalogue(locale: str):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def extracted_ids() -> set:
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.mark.parametrize("locale", ["da", "en"])
def test_every_message_is_translated_and_not_fuzzy(locale):
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {msgid!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
    assert not problems, f"{locale}: " + "\n".join(problems)


@pytest.mark.parametrize("locale", ["da", "en"])
def test_catalogue_matches_the_code(locale):
    in_code = extracted_ids()
    in_catalogue = {(m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalogue(locale) if m.id}
    missing = sorted(in_code - in_catalogue)
    stale = sorted(in_catalogue - in_code)
    assert not missing, f"{locale}: not in the catalogue (run make i18n-update): {missing[:10]}"
    assert not stale, f"{locale}: no longer in the code (run make i18n-update): {stale[:10]}"


def test_danish_is_really_danish():
    """The Danish catalogue must not simply repeat the English source."""
    same = [m.id for m in catalogue("da") if m.id and m.string == m.id and len(str(m.id)) > 12]
    assert not same, f"Danish text identical to English: {same[:10]}"


@pytest.mark.parametrize(("locale", "expected"), [
    ("da", "Kø|Side 3 af 7|1 sag|4 sager|Mere end &lt;b&gt;500&lt;/b&gt; sager"),
    ("en", "Queue|Page 3 of 7|1 case|4 cases|More than &lt;b&gt;500&lt;/b&gt; cases"),
])
def test_templates_translate_as_jinja_newstyle_gettext_does(app, locale, expected):
    """The portal's own template gettext (i18n.template_gettext): translated, a format string, and
    its values escaped on an HTML page."""
    from flask import render_template_string, session

    with app.test_request_context("/"):
        session["lang"] = locale
        page = render_template_string(
            '{{ _("Queue") }}|{{ _("Page %(n)d of %(total)d", n=3, total=7) }}|'
            '{{ ngettext("%(num)d case", "%(num)d cases", 1) }}|{{ ngettext("%(num)d case", "%(num)d cases", 4) }}|'
            '{{ _("More than %(num)s cases: narrow the list with the filters.", num="<b>500</b>").split(":")[0] }}')
    assert page == expected
