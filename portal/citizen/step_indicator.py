"""The questionnaire's step indicator (templates/citizen/_steps.html), rendered once for each language,
step and set of steps answered, the case's id put into its links afterwards: its fourteen items and
links cost more CPU than the rest of a step's own content. Nothing personal is kept: the key is the
language, the script root and which steps are answered (at most 2 x 7 x 64 variants), and the HTML
holds a stand-in where the case's id goes."""
from __future__ import annotations

from flask import current_app
from flask.globals import _cv_request
from flask_babel import get_locale
from markupsafe import Markup

_STAND_IN = 2_147_483_647  # the largest id a route takes (web.DatabaseId): it only ever stands in a link
_LINK = f"/sag/{_STAND_IN}/"
KEPT = 1024


def step_indicator(steps, current: int, answered, case_id: int) -> Markup:
    """The macro step_indicator(steps, current, answered, case_id)'s HTML."""
    done = frozenset(step.slug for step in steps if step.slug in answered)
    key = (str(get_locale()), _cv_request.get().request.script_root, tuple(step.slug for step in steps), current,
           done)
    built = current_app.extensions.setdefault("portal.step_indicators", {})
    html = built.get(key)
    if html is None:
        if len(built) >= KEPT:
            built.clear()
        macro = current_app.jinja_env.get_template("citizen/_steps.html").module.step_indicator
        html = built[key] = str(macro(steps, current, done, _STAND_IN))
    # The macro's own escaped HTML, with an integer put where the stand-in was.
    return Markup(html.replace(_LINK, f"/sag/{int(case_id)}/"))  # noqa: S704  # nosec B704
