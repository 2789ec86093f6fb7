"""The citizen's ongoing case: the case page and its self-service steps. Thin views: the form
checks its fields, a use case in portal.cases does the work, the rules decide."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from .. import clock
from ..auth.session import role_required
from ..cases import deadlines, followup
from ..cases import employer as employer_cases
from ..cases import hours as hours_cases
from ..cases import jobcenter as jobcenter_cases
from ..cases.handover import live_handover
from ..cases.jobcenter import conversations_of
from ..cases.next_steps import next_steps_for
from ..db import get_session
from ..forms import ADAPTED, DURATIONS, ConfirmForm, EmployeeFastTrackAnswer, options
from ..letters import documents_of
from ..models import CaseStatus
from ..rules import EXPECTED_WEEKS, FastTrackRefusal, IsoWeek, Plan, expected_too_soon, regime_for, regime_on
from ..rules.hours import HoursProblem, reportable_weeks
from ..standby_list import standby_groups
from ..typed_numbers import ASCII_DIGITS
from .ongoing_forms import (
    CONVERSATION_FORMS,
    BookTimeForm,
    CheckInForm,
    ConversationRequestForm,
    EmployerRelationForm,
    FastTrackForm,
    InvitationAnswerForm,
    PlanForm,
    RecoveryForm,
    SharePlanForm,
    StandbyForm,
    WeekHoursForm,
)
from .views import _own_case, bp

PLAN_WEEKS_AHEAD = 8


def _open_case(case_id: int):
    summary = _own_case(case_id)
    if summary.case.status != CaseStatus.OPEN:
        flash(_("The sick leave is closed, so this cannot be changed."), "info")
        return summary, redirect(url_for("citizen.case", case_id=case_id), code=303)
    return summary, None


def _back_to_case(case_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("citizen.case", case_id=case_id), code=303)


@bp.get("/sag/<int:case_id>")
@role_required("citizen")
def case(case_id: int):
    summary = _own_case(case_id)
    db, today = get_session(), clock.today()
    the_case = summary.case
    plan = deadlines.plan_for(db, the_case, summary.questionnaire, today)
    return render_template(
        "citizen/case.html", summary=summary, case=the_case, plan=plan,
        steps=next_steps_for(db, the_case, today, summary.questionnaire, list(plan.obligations)),
        check_in=followup.check_in_state(db, the_case, today),
        offer=followup.offer_of(db, the_case, today),
        conversation_pending=followup.conversation_pending(the_case),
        handed_over=live_handover(db, the_case.id) is not None,
        history=hours_cases.history(db, the_case, today),
        withdraw_form=ConfirmForm(),
        employer_request=_requester(db, the_case.id),
        relations=[(report, EmployerRelationForm(prefix=f"relation-{report.id}"))
                   for report in employer_cases.unconfirmed_reports(db, the_case.citizen_id)]
        if the_case.status == CaseStatus.OPEN else [],
        conversations=conversations_of(db, the_case.id), forms_labels=dict(CONVERSATION_FORMS),
        can_book=_can_book(db, the_case), follow_up_plan=_plan_for_citizen(db, the_case),
        documents=documents_of(db, the_case),
    )


def _plan_for_citizen(db, the_case):
    """The plan in force with what the page needs to show it, and one choice a company: whether
    that employer may see this version. None without a plan."""
    from ..cases import follow_up_plan as plans
    from ..forms import PLAN_GOALS, PLAN_PARTIES

    plan = plans.current(db, the_case.id)
    if plan is None:
        return None
    shared = plans.shared_with(db, the_case.id, plan.version)
    forms = []
    for cvr, name in plans.employers_of(db, the_case).items():
        form = SharePlanForm(formdata=None, data={"share": "yes" if cvr in shared else "no", "employer": cvr})
        form.share.id = form.share.label.field_id = f"share-{cvr}"  # one page, several forms
        forms.append((name, cvr, form))
    return {"plan": plan, "measures": plans.measures_of(plan), "goals": dict(PLAN_GOALS),
            "parties": dict(PLAN_PARTIES), "share_forms": forms}


@bp.post("/sag/<int:case_id>/plan/deling")
@role_required("citizen")
def share_plan(case_id: int):
    from ..cases import follow_up_plan as plans

    summary, closed = _open_case(case_id)
    if closed:
        return closed
    form, db = SharePlanForm(), get_session()
    employers = plans.employers_of(db, summary.case)
    # A page from before there were several employers sends no company: then it is the only one.
    cvr = form.employer.data or (next(iter(employers)) if len(employers) == 1 else None)
    if not form.validate_on_submit() or cvr not in employers or plans.current(db, case_id) is None:
        flash(_("Choose whether your employer may see it."), "error")
        return redirect(url_for("citizen.case", case_id=case_id, _anchor="plan-heading"), code=303)
    plans.share_with_employer(db, summary.case, cvr, form.share.data == "yes", clock.today())
    return _back_to_case(case_id, _("Your employer can now see the part of the plan about your return to work.")
                         if form.share.data == "yes" else _("Your employer cannot see the plan."))


def _can_book(db, the_case) -> bool:
    """Free times to offer: the case needs a conversation, has none booked, and times are there."""
    from ..cases import self_booking

    if the_case.status != CaseStatus.OPEN or self_booking.booked_conversation(db, the_case.id) is not None:
        return False
    now = clock.now()
    return bool(self_booking.offered(db, the_case, now, self_booking.deadline_for(db, the_case), now.tzinfo, first=1))


@bp.route("/sag/<int:case_id>/samtale/<int:conversation_id>/svar", methods=["GET", "POST"])
@role_required("citizen")
def answer_invitation(case_id: int, conversation_id: int):
    """Answer a booked conversation: coming, another time, or not coming."""
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    db = get_session()
    conversation = next((c for c in conversations_of(db, case_id)
                         if c.id == conversation_id and c.status == "booked"), None)
    if conversation is None:
        abort(404)
    form = InvitationAnswerForm(data={"answer": conversation.answer} if request.method == "GET" else None)
    if form.validate_on_submit():
        reason = form.other_reason.data if form.answer.data == "other_time" else form.not_coming_reason.data
        jobcenter_cases.answer_invitation(db, summary.case, conversation_id, form.answer.data, reason,
                                          form.preferred.data, "citizen")
        return _back_to_case(case_id, {
            "coming": _("Thank you. The jobcenter can see that you are coming."),
            "other_time": _("Thank you. The jobcenter will find another time and tell you."),
            "not_coming": _("Thank you. The jobcenter can see that you cannot come, and contacts you."),
        }[form.answer.data])
    return render_template("citizen/invitation.html", summary=summary, case=summary.case,
                           conversation=conversation, form=form, forms_labels=dict(CONVERSATION_FORMS)), \
        (400 if form.errors else 200)


def _requester(db, case_id: int):
    """The fast-track request waiting for the citizen, with the company that made it."""
    request_ = employer_cases.waiting_request(db, case_id)
    return employer_cases.company_of(db, request_) if request_ else None


@bp.post("/sag/<int:case_id>/arbejdsgiver/<int:report_id>")
@role_required("citizen")
def employer_relation(case_id: int, report_id: int):
    """Confirm or reject a company that reported the citizen sick as her employer."""
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    form = EmployerRelationForm(prefix=f"relation-{report_id}")
    if not form.validate_on_submit():
        flash(_("Choose whether the company is your employer."), "error")
        return redirect(url_for("citizen.case", case_id=case_id), code=303)
    yes = form.is_employer.data == "yes"
    if not employer_cases.answer_relation(get_session(), summary.case.citizen_id, report_id, yes, clock.today()):
        abort(404)
    return _back_to_case(case_id, _("Thank you. The company's report is now part of your sick leave.") if yes
                         else _("Thank you. Nothing from the company reaches your sick leave."))


# Partial hours ------------------------------------------------------------------------------------

def _week_choices(weeks: list[IsoWeek]) -> list:
    # A required select starts with an empty choice (HTML); the page still preselects a real week.
    day = "d. MMM" if get_locale().language == "da" else "d MMM"  # "2. nov." in Danish, "2 Nov" in English
    return options([("", _("Choose the week"))] + [(str(w), _("Week %(week)d: %(start)s to %(end)s", week=w.week,
                                start=format_date(w.monday, day), end=format_date(w.sunday, day + " yyyy")))
                    for w in weeks])


HOURS_MESSAGES = {
    HoursProblem.FUTURE_WEEK: ("week", lambda r: _("You can report a week's hours from its Sunday.")),
    HoursProblem.BEFORE_SICKNESS: ("week", lambda r: _("The week is before your first day of absence.")),
    HoursProblem.LOCKED: ("week", lambda r: _(
        "The week is locked, because it is more than %(days)d days since it ended. "
        "Call the jobcenter to change it.", days=r.hours_correction_days.value)),
    HoursProblem.NORMAL_OUT_OF_RANGE: ("normal_hours", lambda r: _("Enter a number of hours between 0.5 and 80.")),
    HoursProblem.WORKED_MORE_THAN_NORMAL: ("worked_hours", lambda r: _(
        "You cannot have worked more hours than your normal working hours.")),
    HoursProblem.TOO_LITTLE_ABSENCE: ("worked_hours", lambda r: _(
        "This week cannot count as partial sick leave: your absence must be at least %(hours)d hours a "
        "week (%(source)s). If you worked (almost) your full hours, report that you are well instead.",
        hours=r.partial_min_hours_per_week.value, source=r.partial_min_hours_per_week.source)),
}


@bp.route("/sag/<int:case_id>/timer", methods=["GET", "POST"])
@role_required("citizen")
def hours(case_id: int):
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    db, today = get_session(), clock.today()
    regime = regime_on(today)
    weeks = reportable_weeks(summary.case.first_absence_day, today, regime, summary.case.reported_on)
    form = WeekHoursForm()
    form.week.choices = _week_choices(weeks)
    chosen = IsoWeek.parse(request.args.get("uge", ""))
    if request.method == "GET" and weeks and chosen not in weeks:
        form.week.data = str(weeks[0])
    existing = hours_cases.reported_week(db, case_id, chosen) if request.method == "GET" and chosen in weeks else None
    if request.method == "GET" and chosen in weeks:
        form.week.data = str(chosen)
        if existing:
            form.normal_hours.data, form.worked_hours.data = existing.normal_hours, existing.worked_hours
    if request.method == "GET" and existing is None:
        form.normal_hours.data = hours_cases.usual_weekly_hours(db, summary.case)
    if form.validate_on_submit():
        week = IsoWeek.parse(form.week.data)
        try:
            corrected = hours_cases.report_hours(db, summary.case, week, form.normal_hours.data,
                                                 form.worked_hours.data, today)
        except hours_cases.HoursRefused as refused:
            for problem in refused.problems:
                field, message = HOURS_MESSAGES[problem]
                form[field].errors.append(message(regime))
        else:
            return _back_to_hours(case_id, _("Your hours for week %(week)d are corrected.", week=week.week)
                                  if corrected else _("Your hours for week %(week)d are saved.", week=week.week))
    history = hours_cases.history(db, summary.case, today)
    return render_template("citizen/hours.html", summary=summary, form=form, history=history,
                           chart=hours_chart(history), regime=regime), (400 if form.errors else 200)


def hours_chart(history) -> dict | None:
    """Geometry of a small bar chart of hours worked per week against normal hours (and the plan)."""
    rows = history.rows[-12:]
    if not rows:
        return None
    top = max(max(float(r.normal) for r in rows), 1.0)
    width, height, gap = 40, 120, 10
    bars = []
    for index, row in enumerate(rows):
        x = index * (width + gap) + gap
        worked_h = height * float(row.worked) / top
        normal_h = height * float(row.normal) / top
        planned_y = height - height * float(row.planned) / top if row.planned is not None else None
        bars.append({"x": x, "width": width, "worked_y": height - worked_h, "worked_h": worked_h,
                     "normal_y": height - normal_h, "planned_y": planned_y, "row": row})
    return {"bars": bars, "width": len(rows) * (width + gap) + gap, "height": height}


@bp.route("/sag/<int:case_id>/timer/plan", methods=["GET", "POST"])
@role_required("citizen")
def step_up_plan(case_id: int):
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    db, today = get_session(), clock.today()
    this_week = IsoWeek.of(today)
    first = max(IsoWeek.of(summary.case.first_absence_day), this_week.plus(-4))
    weeks = [first.plus(n) for n in range((this_week.monday - first.monday).days // 7 + PLAN_WEEKS_AHEAD + 1)]
    existing = hours_cases.plan_of(db, case_id)
    form = PlanForm(data={"start_week": str(IsoWeek.of(existing.start_monday)), "start_hours": existing.start_hours,
                          "weekly_increase": existing.weekly_increase, "full_hours": existing.full_hours}
                    if existing and request.method == "GET" else None)
    form.start_week.choices = _week_choices(weeks)
    if request.method == "GET" and not form.start_week.data:
        form.start_week.data = str(weeks[0])
    if form.validate_on_submit():
        plan = Plan(IsoWeek.parse(form.start_week.data).monday, form.start_hours.data,
                    form.weekly_increase.data, form.full_hours.data)
        hours_cases.set_plan(db, summary.case, plan, today)
        full_from = plan.full_from()
        return _back_to_hours(case_id, _("Your plan is saved. You reach full hours in week %(week)d (%(date)s).",
                                         week=full_from.week, date=format_date(full_from.monday, "long")))
    return render_template("citizen/plan.html", summary=summary, form=form, existing=existing,
                           regime=regime_on(today)), (400 if form.errors else 200)


def _back_to_hours(case_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("citizen.hours", case_id=case_id), code=303)


# Standby ------------------------------------------------------------------------------------------

@bp.route("/sag/<int:case_id>/standby", methods=["GET", "POST"])
@role_required("citizen")
def standby(case_id: int):
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    form = StandbyForm()
    form.group.choices = options(standby_groups())
    if summary.case.standby_since is None and form.validate_on_submit():
        followup.choose_standby(get_session(), summary.case, form.group.data, clock.today())
        return _back_to_case(case_id, _("You are now on standby. The jobcenter will not contact you."))
    return render_template("citizen/standby.html", summary=summary, form=form, withdraw_form=ConfirmForm(),
                           groups=dict(standby_groups())), (400 if form.errors else 200)


@bp.post("/sag/<int:case_id>/standby/fortryd")
@role_required("citizen")
def withdraw_standby(case_id: int):
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    if not ConfirmForm().validate_on_submit():
        abort(400)
    followup.withdraw_standby(get_session(), summary.case, clock.today())
    return _back_to_case(case_id, _("Standby is withdrawn. The jobcenter may contact you again."))


# Fast track ---------------------------------------------------------------------------------------

@bp.route("/sag/<int:case_id>/fast-track", methods=["GET", "POST"])
@role_required("citizen")
def fast_track(case_id: int):
    summary = _own_case(case_id)
    today = clock.today()
    regime = regime_for(summary.case.first_absence_day, today)
    offer = followup.offer_of(get_session(), summary.case, today)
    form = FastTrackForm()
    if offer.offered and form.validate_on_submit():
        answer = form.expected_duration.data
        if answer == "under_8_weeks" or expected_too_soon(EXPECTED_WEEKS[answer], regime):
            form.expected_duration.errors.append(_(
                "Fast track is for those who do not expect to be back in full within %(weeks)d weeks "
                "(%(source)s). You can ask for a conversation instead.",
                weeks=regime.fast_track_min_expected_weeks.value, source=regime.fast_track_min_expected_weeks.source))
        else:
            followup.request_fast_track(get_session(), summary.case, answer, today)
            plan = deadlines.plan_for(get_session(), summary.case, summary.questionnaire, today)
            return _back_to_case(case_id, _("You have asked for fast track. The jobcenter must hold a conversation "
                                            "with you no later than %(date)s.",
                                            date=format_date(plan.fast_track_conversation_by.due, "long")))
    return render_template("citizen/fast_track.html", summary=summary, form=form, offer=offer, regime=regime,
                           refusals=FastTrackRefusal,
                           plan=deadlines.plan_for(get_session(), summary.case, summary.questionnaire, today),
                           ), (400 if form.errors else 200)


@bp.route("/sag/<int:case_id>/fast-track/arbejdsgiver", methods=["GET", "POST"])
@role_required("citizen")
def employer_fast_track(case_id: int):
    """The employer asked for fast track: the employee answers the same three questions and agrees
    or declines."""
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    db, today = get_session(), clock.today()
    request_ = employer_cases.waiting_request(db, case_id)
    if request_ is None:
        return redirect(url_for("citizen.case", case_id=case_id), code=303)
    form = EmployeeFastTrackAnswer()
    if form.validate_on_submit():
        consent = form.decision.data == "consent"
        employer_cases.answer_employee(db, request_, consent, form.answers(), today)
        if consent:
            plan = deadlines.plan_for(get_session(), summary.case, summary.questionnaire, today)
            return _back_to_case(case_id, _("You have agreed to fast track. The jobcenter must have held a "
                                            "conversation with you no later than %(date)s.",
                                            date=format_date(plan.fast_track_conversation_by.due, "long")))
        return _back_to_case(case_id, _("You have declined fast track. The ordinary follow-up continues."))
    return render_template("citizen/employer_fast_track.html", summary=summary, form=form, request_=request_,
                           requester=employer_cases.company_of(db, request_),
                           regime=regime_on(today), duration_labels=dict(DURATIONS), adapted_labels=dict(ADAPTED),
                           ), (400 if form.errors else 200)


# Ask for a conversation ---------------------------------------------------------------------------

@bp.route("/sag/<int:case_id>/samtale", methods=["GET", "POST"])
@role_required("citizen")
def ask_conversation(case_id: int):
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    today = clock.today()
    pending = followup.conversation_pending(summary.case)
    form = ConversationRequestForm()
    # On standby too: the wish reaches the caseworker, and the page says what it means for standby.
    if not pending and form.validate_on_submit():
        followup.request_conversation(get_session(), summary.case, form.form.data, form.reason.data, today)
        plan = deadlines.plan_for(get_session(), summary.case, summary.questionnaire, today)
        return _back_to_case(case_id, _("We have your request. The jobcenter contacts you no later than %(date)s.",
                                        date=format_date(plan.requested_conversation_by.due, "long")))
    return render_template("citizen/ask_conversation.html", summary=summary, form=form, pending=pending,
                           on_standby=summary.case.standby_since is not None,
                           plan=deadlines.plan_for(get_session(), summary.case, summary.questionnaire, today),
                           ), (400 if form.errors else 200)


# Check-in -----------------------------------------------------------------------------------------

@bp.route("/sag/<int:case_id>/opfoelgning", methods=["GET", "POST"])
@role_required("citizen")
def check_in(case_id: int):
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    db, today = get_session(), clock.today()
    state = followup.check_in_state(db, summary.case, today)
    form = CheckInForm()
    if state.is_due and form.validate_on_submit():
        followup.answer_check_in(db, summary.case, form.answers(), today)
        return _back_to_case(case_id, _("Thank you for your answers."))
    return render_template("citizen/check_in.html", summary=summary, form=form, state=state,
                           regime=regime_for(summary.case.first_absence_day, today)), (400 if form.errors else 200)


# Recovery (raskmelding) ---------------------------------------------------------------------------

@bp.route("/sag/<int:case_id>/raskmelding", methods=["GET", "POST"])
@role_required("citizen")
def recovery(case_id: int):
    summary, closed = _open_case(case_id)
    if closed:
        return closed
    today = clock.today()
    regime = regime_on(today)
    form = RecoveryForm()
    if form.validate_on_submit():
        on: date = form.recovered_on.data
        minimum = regime.partial_min_hours_per_week.value
        if on < summary.case.first_absence_day:
            form.recovered_on.errors.append(_("The date cannot be before your first day of absence, %(date)s.",
                                              date=format_date(summary.case.first_absence_day, "long")))
        elif form.kind.data == "partial" and form.partial_hours.data < minimum:
            form.partial_hours.errors.append(_(
                "Partial sick leave requires at least %(hours)s hours of absence a week. With fewer hours, "
                "report that you are back in full.", hours=minimum))
        else:
            full = form.kind.data == "full"
            followup.report_recovery(get_session(), summary.case, full, on, today,
                                     None if full else form.partial_hours.data)
            return _back_to_case(case_id, _("Thank you. Your sick leave is closed. Welcome back.") if full
                                 else _("Thank you. Your sick leave is now partial. Report your hours week by week."))
    return render_template("citizen/recovery.html", summary=summary, form=form), (400 if form.errors else 200)


@bp.route("/sag/<int:case_id>/samtale/book", methods=["GET", "POST"])
@role_required("citizen")
def book_time(case_id: int):
    """Pick one of the times the jobcenter has published, before the conversation's deadline."""
    from ..cases import self_booking
    from ..web import invitation_settings

    summary, closed = _open_case(case_id)
    if closed:
        return closed
    db, now = get_session(), clock.now()
    zone = now.tzinfo
    deadline = self_booking.deadline_for(db, summary.case)
    booked = self_booking.booked_conversation(db, case_id)
    form = BookTimeForm()
    times = self_booking.offered(db, summary.case, now, deadline, zone)
    form.time.choices = options([(str(t.id), _time_label(t)) for t in times])
    if booked is None and deadline and form.validate_on_submit():
        try:
            if not ASCII_DIGITS.fullmatch(form.time.data):  # isdigit() takes "٣", int() reads it
                raise self_booking.NotOffered()
            self_booking.book(db, summary.case, int(form.time.data), now, zone, invitation_settings(case_id))
            return _back_to_case(case_id, _("Your conversation is booked. You can see it below, and you get "
                                            "an invitation by mail if we have your email address."))
        except self_booking.TimeTaken:
            form.time.errors.append(_("Someone else took that time a moment ago. Choose another time."))
        except (self_booking.NotOffered, self_booking.AlreadyBooked):
            form.time.errors.append(_("That time cannot be booked any more. Choose another time."))
        times = self_booking.offered(db, summary.case, now, deadline, zone)
        form.time.choices = options([(str(t.id), _time_label(t)) for t in times])
    return render_template("citizen/book_time.html", summary=summary, case=summary.case, form=form,
                           times=times, deadline=deadline, booked=booked), (400 if form.errors else 200)


def _time_label(time) -> str:
    pattern = "EEEE d. MMMM 'kl.' HH.mm" if get_locale().language == "da" else "EEEE d MMMM 'at' HH:mm"
    form = dict(CONVERSATION_FORMS).get(time.form, time.form)
    return f"{format_datetime(time.starts_at, pattern)}, {str(form).lower()}"


@bp.get("/sag/<int:case_id>/dokumenter/<kind>/<int:ref>")
@role_required("citizen")
def letter(case_id: int, kind: str, ref: int):
    """A letter of the citizen's own case (invitation, minutes, plan) as a PDF in her language."""
    from ..letters import letter_response

    return letter_response(get_session(), _own_case(case_id).case, kind, ref)
