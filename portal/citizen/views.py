"""Thin views: read the form, call a use case, render. Deadlines come from portal.cases.deadlines."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from .. import clock
from ..auth import sessions_page
from ..auth.session import current_user, role_required
from ..cases import deadlines, feedback, retention
from ..cases import questionnaire as questionnaire_cases
from ..cases.overview import overview_of
from ..cases.residence import residence_of_citizen
from ..cases.sickness import (
    CaseAlreadyOpen,
    SickReport,
    case_of,
    questionnaire_of_own_case,
    questionnaire_step_of,
    report_sickness,
)
from ..db import get_session
from ..models import AbsenceKind, Employment, QuestionnaireStatus
from ..municipality_profiles import name_in_header
from ..questionnaire_forms import STEP_BY_SLUG, STEPS, DeclarationForm, answers_of, summary_rows
from .forms import FeedbackForm, ReportSicknessForm
from .step_indicator import step_indicator

bp = Blueprint("citizen", __name__, url_prefix="/borger")


@bp.before_request
def _remember_language():
    """Keep the language the citizen uses with her, so her letters are written in it (once a change)."""
    from ..cases.identity import remember_language
    from ..i18n import select_locale

    user = current_user()
    if user is None or user.role != "citizen" or user.citizen_id is None:
        return
    language = select_locale()
    if session.get("language_remembered") != language:
        remember_language(user.citizen_id, language)
        session["language_remembered"] = language


@bp.get("/mit-sygefravaer")
@role_required("citizen")
def overview():
    from .ongoing_forms import CONVERSATION_FORMS

    page = overview_of(get_session(), current_user().citizen_id, clock.today())
    name_in_header(page.header_municipality)
    return render_template("citizen/overview.html", cases=page.cases, plans=page.plans,
                           forms_labels=dict(CONVERSATION_FORMS), next_steps=page.next_steps)


@bp.get("/sessioner")
@role_required("citizen")
def sessions():
    return sessions_page.page("citizen.end_other_sessions")


@bp.post("/sessioner/afslut")
@role_required("citizen")
def end_other_sessions():
    return sessions_page.end_others("citizen.sessions")


@bp.get("/mine-data")
@role_required("citizen")
def my_data():
    return render_template("citizen/my_data.html")


@bp.get("/mine-data/hent")
@role_required("citizen")
def my_data_download():
    """Everything held about the citizen, as a file (the right of access)."""
    data = retention.citizen_export(get_session(), current_user().citizen_id)
    current_app.logger.info("citizen data exported")
    response = current_app.response_class(json.dumps(data, ensure_ascii=False, indent=2),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="mine-data-sygefravaer.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sygemelding", methods=["GET", "POST"])
@role_required("citizen")
def report():
    form = ReportSicknessForm()
    if form.validate_on_submit():
        user = current_user()
        report = SickReport(
            first_absence_day=form.first_absence_day.data,
            employment=Employment(form.employment.data),
            absence_kind=AbsenceKind(form.absence_kind.data),
            partial_hours_per_week=float(form.partial_hours.data) if form.partial_hours.data else None,
            employer_cvr=form.employer_cvr.data or None,
            employer_name=(form.employer_name.data or "").strip() or None,
            expected_return=form.expected_return.data if form.expected_return_known.data == "date" else None,
            email=(form.email.data or "").strip() or None,
        )
        db = get_session()
        try:
            # The residence municipality from the CPR register (the login carries no address).
            case = report_sickness(db, user.citizen_id, "", report, clock.today(),
                                   residence=residence_of_citizen(db, user.citizen_id))
        except CaseAlreadyOpen as exc:
            form.first_absence_day.errors.append(_already_open_message(exc.case, report.first_absence_day))
        else:
            return redirect(url_for("citizen.reported", case_id=case.id), code=303)
    return render_template("citizen/report.html", form=form), (400 if form.errors else 200)


def _already_open_message(case, wanted_day):
    if case.first_absence_day <= wanted_day:
        return _("You already have an open sick leave from %(date)s that covers this date.",
                 date=format_date(case.first_absence_day, "long"))
    return _("You already have an open sick leave from %(date)s. If your sickness started earlier, "
             "please contact the jobcenter.", date=format_date(case.first_absence_day, "long"))


@bp.get("/sag/<int:case_id>/modtaget")
@role_required("citizen")
def reported(case_id: int):
    summary = _own_case(case_id)
    return render_template("citizen/reported.html", summary=summary,
                           plan=deadlines.plan_for(get_session(), summary.case, summary.questionnaire, clock.today()))


@bp.get("/sag/<int:case_id>/oplysningsskema")
@role_required("citizen")
def questionnaire_start(case_id: int):
    summary = _own_case(case_id)
    if summary.questionnaire.status == QuestionnaireStatus.SUBMITTED:
        return redirect(url_for("citizen.questionnaire_receipt", case_id=case_id))
    answers = summary.questionnaire.answers or {}
    for step in STEPS:
        if step.slug not in answers:
            return redirect(url_for("citizen.questionnaire_step", case_id=case_id, slug=step.slug))
    return redirect(url_for("citizen.questionnaire_check", case_id=case_id))


@bp.route("/sag/<int:case_id>/oplysningsskema/<slug>", methods=["GET", "POST"])
@role_required("citizen")
def questionnaire_step(case_id: int, slug: str):
    step = STEP_BY_SLUG.get(slug) or abort(404)
    if request.method == "POST":
        # A step sent reads only the draft (of her own case); the whole case only if the form is shown again.
        questionnaire = questionnaire_of_own_case(get_session(), current_user().citizen_id, case_id) or abort(404)
        if questionnaire.status == QuestionnaireStatus.SUBMITTED:
            return redirect(url_for("citizen.questionnaire_receipt", case_id=case_id))
        form = step.form()
        if form.validate_on_submit():
            try:
                answers = questionnaire_cases.save_step(get_session(), questionnaire, slug, answers_of(form))
            except questionnaire_cases.AlreadySubmitted:  # sent from another tab meanwhile
                return redirect(url_for("citizen.questionnaire_receipt", case_id=case_id))
            if request.form.get("action") == "save_and_leave":
                return redirect(url_for("citizen.overview"), code=303)
            return redirect(_next_after(case_id, slug, answers), code=303)
        page = _own_step(case_id)
    else:
        page = _own_step(case_id)
        if page.questionnaire_status == QuestionnaireStatus.SUBMITTED:
            return redirect(url_for("citizen.questionnaire_receipt", case_id=case_id))
        saved = (page.questionnaire_answers or {}).get(slug) or _already_told(slug, page)
        form = step.form(data=saved or None)
    index = STEPS.index(step)
    submitted = page.questionnaire_status == QuestionnaireStatus.SUBMITTED
    return render_template(
        "citizen/questionnaire_step.html", form=form, step=step, case=page,
        steps_html=step_indicator(STEPS, index + 1, page.questionnaire_answers or {}, case_id),
        back_url=(url_for("citizen.questionnaire_step", case_id=case_id, slug=STEPS[index - 1].slug)
                  if index else url_for("citizen.overview")),
        questionnaire_due=deadlines.questionnaire_deadline(page, submitted, clock.today()),
    ), (400 if form.errors else 200)


def _own_step(case_id: int):
    """The questionnaire step's row (sickness.questionnaire_step_of), only of her own case; its
    header municipality goes to the page's header."""
    page = questionnaire_step_of(get_session(), current_user().citizen_id, case_id) or abort(404)
    name_in_header(page.header_municipality)
    return page


def _already_told(slug: str, case) -> dict | None:
    """What the citizen told us before, so she is not asked twice: the e-mail of her sick report, and
    the conversation she has already asked for (and what about). `case`: questionnaire_step_of's row."""
    if slug == "samtale" and case.conversation_requested_on is not None:
        return {"wants_conversation": "yes", "conversation_topic": case.conversation_request_reason or ""}
    if slug != "om-dig":
        return None
    return {"email": case.citizen_email} if case.citizen_email else None


def _next_after(case_id: int, slug: str, answers: dict) -> str:
    """The next step, or back to check answers when the citizen came from there. A step posted
    before the ones in front of it (the last step first, say) leads to the first unanswered step."""
    missing = [s.slug for s in STEPS if s.slug not in answers]
    if not missing:
        return url_for("citizen.questionnaire_check", case_id=case_id)
    index = [s.slug for s in STEPS].index(slug)
    following = STEPS[index + 1].slug if index + 1 < len(STEPS) else None
    if request.args.get("fra") != "tjek" and following in missing:
        return url_for("citizen.questionnaire_step", case_id=case_id, slug=following)
    return _first_missing(case_id, missing[0])


def _first_missing(case_id: int, slug: str):
    flash(_("You have not answered every part of the form yet. Answer this part, and then you can check "
            "your answers and send the form."), "info")
    return url_for("citizen.questionnaire_step", case_id=case_id, slug=slug)


@bp.route("/sag/<int:case_id>/oplysningsskema/tjek", methods=["GET", "POST"])
@role_required("citizen")
def questionnaire_check(case_id: int):
    summary = _own_case(case_id)
    questionnaire = summary.questionnaire
    if questionnaire.status == QuestionnaireStatus.SUBMITTED:
        return redirect(url_for("citizen.questionnaire_receipt", case_id=case_id))
    answers = questionnaire.answers or {}
    missing = [step for step in STEPS if step.slug not in answers]
    if missing:  # the form is sent from here, so never with a part unanswered
        return redirect(_first_missing(case_id, missing[0].slug))
    form = DeclarationForm()
    if form.validate_on_submit():
        questionnaire_cases.submit(get_session(), questionnaire, clock.today())
        return redirect(url_for("citizen.questionnaire_receipt", case_id=case_id), code=303)
    return render_template("citizen/questionnaire_check.html", form=form, summary=summary,
                           rows=summary_rows(answers),
                           plan=deadlines.plan_for(get_session(), summary.case, questionnaire, clock.today()),
                           ), (400 if form.errors else 200)


@bp.get("/sag/<int:case_id>/oplysningsskema/kvittering")
@role_required("citizen")
def questionnaire_receipt(case_id: int):
    summary = _own_case(case_id)
    if summary.questionnaire.status != QuestionnaireStatus.SUBMITTED:
        return redirect(url_for("citizen.questionnaire_start", case_id=case_id))
    return _receipt(summary, FeedbackForm(formdata=None))


def _receipt(summary, feedback_form, status=200):
    given = feedback.given(get_session(), feedback.receipt_of("questionnaire", summary.questionnaire.id))
    return render_template("citizen/questionnaire_receipt.html", summary=summary,
                           rows=summary_rows(summary.questionnaire.answers or {}),
                           plan=deadlines.plan_for(get_session(), summary.case, summary.questionnaire, clock.today()),
                           feedback_form=None if given else feedback_form), status


@bp.post("/sag/<int:case_id>/oplysningsskema/kvittering")
@role_required("citizen")
def questionnaire_feedback(case_id: int):
    """The receipt's "how was it?": stored with no tie to the citizen; the database remembers only
    that this receipt has had its answer, so the question is not asked, nor stored, twice."""
    summary = _own_case(case_id)
    if summary.questionnaire.status != QuestionnaireStatus.SUBMITTED:
        return redirect(url_for("citizen.questionnaire_start", case_id=case_id))
    form = FeedbackForm()
    if not form.validate_on_submit():
        return _receipt(summary, form, 400)
    feedback.give(get_session(), summary.case.municipality_code, "questionnaire", form.rating.data,
                  form.comment.data, clock.today(), feedback.receipt_of("questionnaire", summary.questionnaire.id))
    return redirect(url_for("citizen.questionnaire_receipt", case_id=case_id, _anchor="feedback"), code=303)


def _own_case(case_id: int):
    summary = case_of(get_session(), current_user().citizen_id, case_id)
    if summary is None:
        abort(404)
    return summary
