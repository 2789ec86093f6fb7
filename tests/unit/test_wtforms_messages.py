"""WTForms' own messages ("Not a valid choice.") are in the page's language, as Flask-WTF gave
them, with their catalogue loaded once a language (portal.forms)."""
from __future__ import annotations

import pytest
from babel import support
from flask import g
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict
from wtforms.i18n import messages_path

from portal.jobcenter.forms import QueueFilterForm


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_choice_not_offered_is_refused_in_the_pages_language(make_app, language):
    app = make_app()
    for _ in range(2):  # the second time from the catalogue kept
        with app.test_request_context("/"):
            g.portal_locale = language
            form = QueueFilterForm(MultiDict({"reason": "no-such-reason"}))
            form.validate()
            as_flask_wtf_loaded_it = support.Translations.load(messages_path(), [get_locale()], domain="wtforms")
            assert form.reason.errors == [as_flask_wtf_loaded_it.ugettext("Not a valid choice.")]
