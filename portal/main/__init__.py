"""The front page and the language switch."""
from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _

from .. import clock
from ..api.problems import prefers_json, problem
from ..auth.session import current_user
from ..cases.sickness import latest_case_of
from ..db import get_session
from ..forms import OUTSIDE_DATES
from ..i18n import LOCALES
from ..i18n import lazy_gettext as _l
from ..municipality_profiles import profile_of, profiles
from ..rules import Code
from ..rules.calculator import CalculatorInput, InputProblem, calculate, problems
from ..web import local_path
from .forms import DeadlineCalculatorForm

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html")


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for it on every site whatever the page links; a 404 there is a console error.
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


@bp.get("/sprog/<code>")
def switch_language(code: str):
    """Change the language and stay on the same page."""
    if code not in LOCALES:
        abort(404)
    session["lang"] = code
    return redirect(local_path(request.args.get("next"), url_for("main.index")))


CALCULATOR_FIELDS = ("first_absence_day", "fast_track_requested_on", "questionnaire_sent_on", "expected_return", "on")
PROBLEM_MESSAGES = {
    InputProblem.MISSING: _l("Enter the first day of absence."),
    InputProblem.OUTSIDE_DATES: OUTSIDE_DATES,
    InputProblem.TOO_EARLY: _l("The calculator covers sick leave from 1 January 2019."),
    InputProblem.BEFORE_FIRST_DAY: _l("The date cannot be before the first day of absence."),
    InputProblem.NOT_AFTER_FIRST_DAY: _l("The expected return must be after the first day of absence."),
}
NOT_A_DATE = _l("Enter a real date, for example 3 November 2026.")
HIDDEN_IN_CALCULATOR = (Code.CHECK_IN,)
# The API's words in both languages, as the rules' texts are (text_da, text_en).
BENEFIT_END_TEXT = {
    "text_da": "Den sidste dag, der kan udbetales sygedagpenge uden forlængelse (§ 27). Det er ikke fristen for "
               "kommunens revurdering, som kommer før.",
    "text_en": "The last day sickness benefit can be paid without an extension (§ 27). It is not the date of the "
               "municipality's reassessment, which comes before it.",
}  # the portal's own self-service check-ins


@bp.get("/frister")
def deadlines():
    """Beregn frister: the timeline of a sick leave from the dates one knows, for anyone (no login).
    As JSON when asked for (Accept: application/json), with ISO dates in the query string."""
    if prefers_json():
        return _deadlines_json()
    form = DeadlineCalculatorForm(request.args)
    result = None
    # Sent: a date's three boxes (first_absence_day-day, ...) or one ISO value (a shared link).
    if any(key.split("-")[0] in CALCULATOR_FIELDS for key in request.args):
        form.validate()
        entered = {name: getattr(form, name).data for name in CALCULATOR_FIELDS}
        for name, found in problems(entered).items():
            if not getattr(form, name).errors:
                getattr(form, name).errors.append(PROBLEM_MESSAGES[found])
        if not form.errors:
            result = _calculate(entered)
    return render_template("main/deadlines.html", form=form, result=result), (400 if form.errors else 200)


def _calculate(entered: dict):
    regime, obligations = calculate(CalculatorInput(**{**entered, "on": entered.get("on") or clock.today()}))
    return regime, [o for o in obligations if o.code not in HIDDEN_IN_CALCULATOR]


def _deadlines_json():
    entered, errors = {}, []
    for name in CALCULATOR_FIELDS:
        raw = request.args.get(name, "").strip()
        try:
            entered[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            errors.append({"field": name, "detail": str(NOT_A_DATE) + " (YYYY-MM-DD)"})
    if not errors:
        errors = [{"field": name, "detail": str(PROBLEM_MESSAGES[found])} for name, found in problems(entered).items()]
    if errors:
        return problem(400, "invalid-request", _("Check the dates and try again."), errors=errors)
    regime, obligations = _calculate(entered)
    ends = next((o.benefit_ends_on for o in obligations if o.benefit_ends_on), None)
    return jsonify({
        "regime": regime,
        "on": (entered.get("on") or clock.today()).isoformat(),
        # § 24: beside the reassessment's deadline, the day benefit would legally stop, each named.
        "benefit_legal_end": {"date": ends.isoformat(), **BENEFIT_END_TEXT} if ends else None,
        "obligations": [{
            "code": str(o.code), "date": o.date.isoformat() if o.date else None, "state": str(o.state),
            "who": str(o.who), "source": o.source, "regime": o.regime, "text_da": o.text_da, "text_en": o.text_en,
            "why_da": o.why_da or None, "why_en": o.why_en or None,
            "opens": o.opens.isoformat() if o.opens else None,
            "benefit_ends_on": o.benefit_ends_on.isoformat() if o.benefit_ends_on else None,
        } for o in obligations],
    })


# The day the accessibility statement was last made (Digitaliseringsstyrelsen asks for it).
STATEMENT_DATE = date(2026, 12, 4)
DIGST_WEB_ACCESSIBILITY = "https://digst.dk/digital-inklusion/webtilgaengelighed/"


def _users_municipality() -> str | None:
    """The municipality the visitor belongs to, where we know one: a citizen's case's, a caseworker's."""
    user = current_user()
    if user is None:
        return None
    if user.role == "citizen" and user.citizen_id:
        case = latest_case_of(get_session(), user.citizen_id)
        return case.municipality_code if case else None
    return user.municipality


@bp.get("/tilgaengelighed")
def accessibility():
    """Tilgængelighedserklæring, in Digitaliseringsstyrelsen's structure."""
    return render_template("main/accessibility.html", statement_date=STATEMENT_DATE, digst=DIGST_WEB_ACCESSIBILITY,
                           profile=profile_of(_users_municipality()))


@bp.get("/privatliv")
def privacy_choice():
    """The privacy notice is each municipality's own (it is the controller): the visitor's, or a choice."""
    code = _users_municipality()
    if profile_of(code):
        return redirect(url_for("main.privacy", municipality=code))
    return render_template("main/privacy_choice.html", profiles=sorted(profiles().values(), key=lambda p: p.name))


@bp.get("/privatliv/<municipality>")
def privacy(municipality: str):
    profile = profile_of(municipality)
    if profile is None:
        abort(404)
    return render_template("main/privacy.html", profile=profile,
                           retention_years=round(current_app.config["PORTAL_RETENTION_DAYS"] / 365.25))


@bp.get("/kontakt")
def contact():
    """Whom to contact: the visitor's municipality first, then every municipality that uses the portal."""
    mine = profile_of(_users_municipality())
    others = sorted((p for p in profiles().values() if p != mine), key=lambda p: p.name)
    return render_template("main/contact.html", mine=mine, others=others)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
