"""The employer's pages: thin views over portal.cases.employer. Every page is limited to the
logged-in company's CVR number; another company's id answers 404."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from .. import clock
from ..auth import sessions_page
from ..auth.session import current_user, role_required
from ..cases import employer as cases
from ..cases.residence import residence_at_report
from ..db import get_session
from ..forms import FastTrackQuestions
from ..i18n import lazy_gettext as _l
from ..models import AbsenceKind
from ..rules import EXPECTED_WEEKS, expected_too_soon, regime_for
from .forms import EmployeeSickForm, EmployerQuestionsForm

bp = Blueprint("employer", __name__, url_prefix="/arbejdsgiver")

STATUS_LABELS = {"received": _l("Received"), "answered": _l("Your answers are sent"),
                 "conversation_booked": _l("Conversation booked"),
                 "conversation_held": _l("Conversation held"), "closed": _l("Closed")}
FAST_TRACK_LABELS = {"awaiting": _l("Waiting for the employee's answer"), "consented": _l("The employee agreed"),
                     "declined": _l("The employee declined"), "lapsed": _l("Going ahead (no answer in time)"),
                     "unanswered": _l("No answer in time: the municipality decides"),
                     "continued": _l("The municipality goes on with fast track"),
                     "stopped": _l("The municipality does not go on with fast track")}


@bp.context_processor
def _theme():
    return {"theme_css": "dkfds-virkdk.min.css", "status_labels": STATUS_LABELS,
            "fast_track_labels": FAST_TRACK_LABELS}


def _employer() -> cases.Employer:
    user = current_user()
    return cases.Employer(cvr=user.cvr, org_name=user.org_name or "", subject=user.subject, name=user.name)


def _own_report(report_id: int):
    report = cases.report_of(get_session(), current_user().cvr, report_id)
    if report is None:
        abort(404)
    return report


@bp.get("/")
@role_required("employer")
def overview():
    return render_template("employer/overview.html", rows=cases.reports_of(get_session(), current_user().cvr,
                                                                                clock.today()))


@bp.route("/sygemelding", methods=["GET", "POST"])
@role_required("employer")
def report():
    form = EmployeeSickForm()
    if form.validate_on_submit():
        made = cases.report_employee_sick(
            get_session(), _employer(), form.cpr.data, form.employee_name.data, form.first_absence_day.data,
            AbsenceKind(form.absence_kind.data),
            form.partial_hours.data if form.absence_kind.data == AbsenceKind.PARTIAL.value else None,
            residence_at_report(form.cpr.data), clock.today())
        flash(_("We have received the sick report for %(name)s. The employee is asked to answer the "
                "questionnaire (oplysningsskema).", name=made.employee_name), "success")
        return redirect(url_for("employer.overview"), code=303)
    form.cpr.raw_data = None  # never written back into the page
    form.cpr.data = ""
    return render_template("employer/report.html", form=form), (400 if form.errors else 200)


@bp.route("/indberetning/<int:report_id>/fast-track", methods=["GET", "POST"])
@role_required("employer")
def fast_track(report_id: int):
    report = _own_report(report_id)
    db, today = get_session(), clock.today()
    regime = regime_for(report.first_absence_day, today)
    # From the company's own report alone until the employee has confirmed the employment.
    offer = cases.fast_track_offer_for(db, report, today)
    waiting = cases.waiting_request(db, report.case_id) if report.case_id is not None else None
    form = FastTrackQuestions()
    if offer.offered and not waiting and form.validate_on_submit():
        if form.duration.data == "under_8_weeks" or expected_too_soon(EXPECTED_WEEKS[form.duration.data], regime):
            form.duration.errors.append(_(
                "Fast track is for an employee not expected back in full within %(weeks)d weeks (%(source)s).",
                weeks=regime.fast_track_min_expected_weeks.value, source=regime.fast_track_min_expected_weeks.source))
        else:
            request = cases.request_fast_track(db, _employer(), report, form.answers(), today)
            flash(_("Fast track is requested for %(name)s. The employee is asked to answer by %(date)s.",
                    name=report.employee_name, date=format_date(request.answer_due, "long")), "success")
            return redirect(url_for("employer.overview"), code=303)
    return render_template("employer/fast_track.html", report=report, form=form, offer=offer, waiting=waiting,
                           regime=regime), (400 if form.errors else 200)


@bp.route("/indberetning/<int:report_id>/spoergsmaal", methods=["GET", "POST"])
@role_required("employer")
def questions(report_id: int):
    report = _own_report(report_id)
    form = EmployerQuestionsForm()
    if form.validate_on_submit():
        cases.answer_questions(get_session(), _employer(), report, form.fields(), clock.today())
        flash(_("Thank you. Your answers about %(name)s are sent to the jobcenter.", name=report.employee_name),
              "success")
        return redirect(url_for("employer.overview"), code=303)
    return render_template("employer/questions.html", report=report, form=form,
                           deadlines=cases.report_deadlines(get_session(), report, clock.today()),
                           return_to_work=_shared_plan(report),
                           ), (400 if form.errors else 200)


def _shared_plan(report):
    """The return-to-work part of the plan, when the employee has confirmed this company as her
    employer and has chosen to share it; otherwise nothing, not even whether a plan exists."""
    from ..cases.follow_up_plan import for_employer
    from ..models import EmployerRelation

    if report.case_id is None or report.relation != EmployerRelation.BOUND:
        return None
    return for_employer(get_session(), report.case_id, report.cvr)



@bp.get("/sessioner")
@role_required("employer")
def sessions():
    """Where the person is logged in, as the citizen's page (portal.auth.sessions_page)."""
    return sessions_page.page("employer.end_other_sessions")


@bp.post("/sessioner/afslut")
@role_required("employer")
def end_other_sessions():
    return sessions_page.end_others("employer.sessions")
