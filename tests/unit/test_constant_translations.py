"""Templates compiled with their constant texts translated in (portal.i18n.ConstantTranslations)
render exactly what translating at render time did, in each language."""
from __future__ import annotations

import pytest
from flask import g, render_template

from portal.i18n import TranslatingEnvironment
from tests.conftest import with_templates

TEMPLATES = {
    "page.html": (
        '<p>{{ _("Log out") }}</p><p>{{ gettext("Log out")|length }}</p>'
        '<p>{{ _("A & B <i>") }}</p><p>{{ _("100%% sure") }}</p>'
        '<p>{{ _("For your security you are logged out after %(minutes)d minutes without use. Your answers are '
        'saved each time you go on to the next page.", minutes=20) }}</p>'
        '{% set menu = [("x", _("Queue"))] %}{% for e, t in menu %}<a>{{ t }}</a>{% endfor %}'
        '<p>{{ _("Log out") ~ "&" }}</p><p>{{ _("a %s b") }}</p>{% include "part.html" %}'),
    "part.html": '<b>{{ _("Language") }}</b>',
    "mail.txt": '{{ _("Log out") }} {{ _("A & B <i>") }}',
}


@pytest.fixture
def app(make_app):
    return with_templates(make_app(), TEMPLATES)


def rendered(app, name: str, language: str, compiled_in: bool, monkeypatch) -> str:
    if not compiled_in:
        monkeypatch.setattr(TranslatingEnvironment, "_for_catalogue", lambda self: self)
    try:
        with app.test_request_context("/"):
            g.portal_locale = language
            return render_template(name)
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("name", ["page.html", "mail.txt"])
def test_compiled_in_texts_render_as_the_runtime_ones(app, monkeypatch, language, name):
    assert rendered(app, name, language, True, monkeypatch) == rendered(app, name, language, False, monkeypatch)


def test_each_language_has_its_own_compiled_template(app, monkeypatch):
    assert "<p>Log ud</p>" in rendered(app, "page.html", "da", True, monkeypatch)
    assert "<p>Log out</p>" in rendered(app, "page.html", "en", True, monkeypatch)
    assert "<b>Sprog</b>" in rendered(app, "page.html", "da", True, monkeypatch)
    assert "<p>100% sure</p>" in rendered(app, "page.html", "en", True, monkeypatch)


def test_a_constant_text_is_no_call_at_render_time(app):
    with app.test_request_context("/"):
        g.portal_locale = "da"
        template = app.jinja_env.get_template("part.html")
    assert template.environment.portal_catalogue is not None
    assert "Sprog" in template.environment.compile(TEMPLATES["part.html"], "part.html", raw=True)
