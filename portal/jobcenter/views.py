"""Thin views for caseworkers; every query is limited to the caseworker's municipality."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel.numbers import format_decimal as babel_decimal
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, ngettext, to_user_timezone
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup

from .. import clock
from ..auth import sessions_page
from ..auth.session import current_user, role_required
from ..cases import employer as employer_cases
from ..cases import jobcenter as cases
from ..cases.facts import case_facts
from ..cases.next_steps import next_steps_for
from ..db import get_session
from ..deadline_labels import OBLIGATION_LABELS
from ..extensions import htmx
from ..forms import ADAPTED, DURATIONS, FEELINGS, RETENTION, YES_NO_UNKNOWN, ConfirmForm, options
from ..i18n import formats_of, page_locale, select_locale, without_danish_glosses
from ..i18n import lazy_gettext as _l
from ..letters import documents_of
from ..municipalities import MUNICIPALITIES, municipality_name
from ..personal_data import decrypt_cpr
from ..questionnaire_forms import summary_rows
from ..rules import Obligation, screen, timeline
from ..standby_list import standby_groups
from ..web import WERKZEUG_QUERY_SAFE, invitation_settings, local_path, public_url
from .export import audit_csv
from .forms import (
    ANSWER_LABELS,
    AUDIT_LABELS,
    EVENT_LABELS,
    FAST_TRACK_STATUS_LABELS,
    FORM_LABELS,
    OUTCOME_LABELS,
    PLAN_GOALS,
    PLAN_MEASURES,
    PLAN_PARTIES,
    QUEUE_TABS,
    REASON_LABELS,
    STATUS_LABELS,
    AssignForm,
    AuditFilterForm,
    BookConversationForm,
    CancelConversationForm,
    CorrectionForm,
    FastTrackDecisionForm,
    FollowUpPlanForm,
    MinutesForm,
    MoveConversationForm,
    PublishTimesForm,
    QueueFilterForm,
    RecordConversationForm,
    SearchForm,
    TransferForm,
    WaitForm,
)

bp = Blueprint("jobcenter", __name__, url_prefix="/jobcenter")


@bp.context_processor
def _labels():
    user = current_user()
    return {**_label_texts(select_locale()), "theme_css": "dkfds.min.css", "uses_htmx": True, "is_waiting": cases.waits,
            "own_municipality": municipality_name(user.municipality) if user else ""}


@lru_cache(maxsize=8)
def _label_texts(locale: str) -> dict:
    """The labels translated once a language, not once a row: a queue page shows a reason and a
    status on each of its 25 rows, and each lazy label translated itself again."""
    labels = {"reason_labels": REASON_LABELS, "status_labels": STATUS_LABELS, "event_labels": EVENT_LABELS,
              "form_labels": FORM_LABELS, "outcome_labels": OUTCOME_LABELS,
              "fast_track_status_labels": FAST_TRACK_STATUS_LABELS, "answer_labels": ANSWER_LABELS}
    texts = {name: {str(key): str(label) for key, label in texts.items()} for name, texts in labels.items()}
    reason_labels = texts["reason_labels"]
    # A queue row's reasons and due date read from these by a lookup, not through a filter each: 25
    # rows a page each called a filter for its reasons and one for its date, each finding the locale again.
    texts["reason_texts"] = _Texts(lambda codes: ", ".join(reason_labels.get(code, code)
                                                           for code in codes.strip("|").split("|")))
    texts["short_dates"] = _Texts(lambda day: babel_dates.format_date(day, "short", locale=formats_of(get_locale())))
    return texts


class _Texts(dict):
    """A language's text of a key ('|standby|long_absence|', a date), made by `make` when first asked
    for and kept (at most KEPT); no person's data: reason codes and calendar dates."""

    KEPT = 4096

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        if len(self) >= self.KEPT:
            self.clear()
        text = self[key] = self.make(key)
        return text


@bp.app_template_filter("count_capped")
@pass_context
def count_capped(context, count: int) -> str:
    """A count that stopped at the cap reads "1.000+": the exact size of a big queue costs a scan."""
    return _count_text(min(count, cases.COUNT_CAP + 1), str(page_locale(context)))


@lru_cache(maxsize=2048)
def _count_text(count: int, locale: str) -> str:  # Babel's number formatting is slow; the counts are few
    return f"{babel_decimal(cases.COUNT_CAP, locale=locale)}+" if count > cases.COUNT_CAP \
        else babel_decimal(count, locale=locale)


@lru_cache(maxsize=8)
def _week_labels(locale: str) -> dict:
    """The ISO weeks' names in a language ("Uge 49"), for the workload page, which names each of its
    weeks twice: each _("Week %(n)d", n=...) was a translation and a format at render time, and a
    filter's call (and its look-up of the language) cost more than a look-up in this table."""
    return {number: Markup(_("Week %(n)d", n=number)) for number in range(1, 54)}  # nosec B704: a translator's text


@lru_cache(maxsize=8)
def _filter_choices(locale: str) -> dict:
    """The filter's options translated once a language: each lazy label translated itself again
    on every page."""
    fields = {name: getattr(QueueFilterForm, name) for name in ("reason", "status", "assignee")}
    return {name: options((choice.value, str(choice.label)) for choice in field.kwargs["choices"])
            for name, field in fields.items()}


@lru_cache(maxsize=8)
def _tab_labels(locale: str) -> tuple:
    """The tabs' names translated once a language; written unescaped, as the lazy labels wrote
    themselves (a translator's text)."""
    return tuple((value, Markup(str(label))) for value, label in QUEUE_TABS)  # nosec B704


def _query(pairs: list) -> str:
    """The query url_for('jobcenter.queue', **pairs) writes after the queue's address, values of
    None left out (Werkzeug's encoding): url_for built the route again for each of six links a page."""
    items = [(name, value) for name, value in pairs if value is not None]
    return f"?{urlencode(items, safe=WERKZEUG_QUERY_SAFE)}" if items else ""


@bp.get("/")
@role_required("caseworker")
def queue():
    user = current_user()
    form = QueueFilterForm(request.args)
    for name, choices in _filter_choices(select_locale()).items():
        form[name].choices = choices
    form.validate()

    def chosen_value(field):  # a value not among the choices filters nothing
        return None if field.errors else (field.data or None)

    chosen = cases.QueueFilter(reason=chosen_value(form.reason), status=chosen_value(form.status),
                               assignee=chosen_value(form.assignee), due_by=chosen_value(form.due_by),
                               page=request.args.get("side", 1, type=int))
    page = cases.queue(get_session(), user.municipality, user.subject, chosen, clock.today())
    args = {k: v for k, v in request.args.items() if k != "side" and v}
    # An htmx filter gets the list, the tabs, the count and the date field (out of band); going back
    # in the browser (a history restore) and every other request get the whole page.
    partial = htmx and not htmx.boosted and not request.headers.get("HX-History-Restore-Request")
    template = "jobcenter/_queue_update.html" if partial else "jobcenter/queue.html"
    filters = [(key, args[key]) for key in ("reason", "status", "due_by") if key in args]
    # The tabs' and the pages' links keep the filters: the queue's address (templates' url_for, built
    # once) and these queries, as url_for writes them.
    tabs = [(value, label, _query([("assignee", value or None), *filters]))
            for value, label in _tab_labels(select_locale())]
    pages = {n: _query([("side", n), *args.items()]) for n in (page.page - 1, page.page + 1)} if page.pages > 1 else {}
    response = render_template(template, form=form, page=page, filters=filters, today=clock.today(),
                               tabs=tabs, page_queries=pages, count_cap=cases.COUNT_CAP, tab=chosen.assignee or "")
    # A date that is not a date is an error the page shows; htmx swaps only a 2xx answer.
    status = 400 if form.due_by.errors and not partial else 200
    return response, status, {"Vary": "HX-Request, HX-History-Restore-Request"}


@bp.route("/soeg", methods=["GET", "POST"])
@role_required("caseworker")
def search():
    """Find a case by CPR number, name, case number or the case system's number: a POST, so the
    term never travels in a URL; each search is in the audit log."""
    from ..cases import search as finding

    form = SearchForm(prefix="find")
    found = term = None
    if form.validate_on_submit():
        term = finding.read_term(form.term.data)
        if term is None:
            form.term.errors.append(_("Enter at least two letters of a name, or a number."))
        else:
            user = current_user()
            found = finding.find(get_session(), user.municipality, term, user.subject, user.name)
    response = render_template("jobcenter/search.html", form=form, found=found, term=term, today=clock.today())
    return response, (400 if form.errors else 200), {"Cache-Control": "no-store"}


def _back():
    return redirect(local_path(request.form.get("next"), url_for("jobcenter.queue")), code=303)


@bp.post("/overdragelse/<int:handover_id>/giv")
@role_required("caseworker")
def assign(handover_id: int):
    """Give the case to a colleague of the team (or to oneself)."""
    user, db = current_user(), get_session()
    _require_handover(handover_id)
    form = AssignForm(prefix="assign")
    form.colleague.choices = options(_colleague_choices(db, user.municipality))
    if not form.validate_on_submit():
        flash(_("Choose a colleague to give the case to."), "error")
        return _back()
    try:
        colleague = cases.assign(db, handover_id, user.municipality, form.colleague.data, form.holder.data or None,
                                 user.subject, user.name)
    except cases.AssignRefused:
        flash(_("The case was changed by someone else in the meantime. Look again and try once more."), "error")
        return _back()
    flash(_("The case is given to %(name)s, who finds it under My cases.", name=colleague.name), "success")
    return _back()


def _colleague_choices(db, municipality: str) -> list[tuple[str, str]]:
    return [("", _("Choose a colleague"))] + [(c.subject, c.name) for c in cases.colleagues(db, municipality)]


@bp.post("/sag/<int:case_id>/vent")
@role_required("caseworker")
def wait(case_id: int):
    file = _case_file(case_id)
    live = _live(file)
    if live is None:
        abort(404)
    form = WaitForm(prefix="wait")
    form.deadline = live.due
    if not form.validate_on_submit():
        return _render_case(file, wait_form=form, status=400)
    user = current_user()
    try:
        cases.wait(get_session(), live.id, user.municipality, form.until.data, form.reason.data, clock.today(),
                   user.subject, user.name)
    except cases.WaitRefused:
        form.until.errors.append(_("The case must be back before its deadline: choose an earlier day."))
        return _render_case(file, wait_form=form, status=400)
    flash(_("The case is on hold until %(date)s and is back in the queue that day.",
            date=format_date(form.until.data, "long")), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id), code=303)


@bp.post("/sag/<int:case_id>/vent/slut")
@role_required("caseworker")
def end_wait(case_id: int):
    file = _case_file(case_id)
    live = _live(file)
    form = ConfirmForm()
    if live is not None and form.validate_on_submit() and cases.end_wait(get_session(), live.id,
                                                                         current_user().municipality,
                                                                         current_user().subject):
        flash(_("The case is no longer on hold: it is back in the queue."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id), code=303)


@bp.post("/sag/<int:case_id>/flyt-kommune")
@role_required("caseworker")
def transfer(case_id: int):
    """The citizen moved: the case goes to the new municipality with its history."""
    from ..cases.transfer import NoLongerYours, TransferRefused
    from ..cases.transfer import transfer as move_case

    file = _case_file(case_id)
    user = current_user()
    form = TransferForm(prefix="move_to")
    form.to.choices = options(_municipality_choices(user.municipality))
    if not form.validate_on_submit():
        return _render_case(file, transfer_form=form, status=400)
    try:
        move_case(get_session(), file.case, form.to.data, form.reason.data, clock.today(), user.subject, user.name,
                  invitation_settings(case_id))
    except TransferRefused:
        form.to.errors.append(_("The case cannot move there. Choose another municipality."))
        return _render_case(file, transfer_form=form, status=400)
    except NoLongerYours:
        flash(_("Someone else moved or closed the case a moment ago. It no longer belongs to your "
                "municipality, so it was not moved."), "error")
        return redirect(url_for("jobcenter.queue"), code=303)
    flash(_("The case is moved to %(name)s. It is in their queue with its whole history, and no longer in yours.",
            name=municipality_name(form.to.data)), "success")
    return redirect(url_for("jobcenter.queue"), code=303)


def _municipality_choices(own: str) -> list[tuple[str, str]]:
    return [("", _("Choose the municipality"))] + sorted(
        ((code, name) for code, name in MUNICIPALITIES.items() if code != own), key=lambda c: c[1])


def _live(file):
    return next((h for h in file.handovers if h.status != "closed"), None)


@bp.get("/arbejdsbyrde")
@role_required("caseworker")
def workload():
    """The team's coming weeks: what is due by reason, beside what is booked, without JavaScript."""
    from ..cases.workload import workload as weeks_ahead

    figures = weeks_ahead(get_session(), current_user().municipality, clock.today(),
                          current_app.config["PORTAL_TIMEZONE"])
    counted_at = figures.counted_at and _sweep_time(figures.counted_at, str(get_locale()),
                                                    current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return render_template("jobcenter/workload.html", figures=figures, today=clock.today(),
                           six_days=timedelta(days=6), counted_at=counted_at,
                           week_labels=_week_labels(select_locale()))


@lru_cache(maxsize=32)
def _sweep_time(moment: datetime, locale: str, timezone: str) -> str:
    """When the sweep counted, as the datetime_short filter writes it, once a sweep and language: the
    time zone's lookup and Babel's formatting cost the workload page 0.07 ms. A sweep's time, no
    person's data; the time zone (Flask-Babel's, the app's setting) is part of the key."""
    return babel_dates.format_datetime(to_user_timezone(moment), "short", locale=formats_of(get_locale()))


@bp.post("/overdragelse/<int:handover_id>/tag")
@role_required("caseworker")
def claim(handover_id: int):
    user = current_user()
    _require_handover(handover_id)
    if cases.claim(get_session(), handover_id, user.municipality, user.subject, user.name):
        flash(_("You have taken the case."), "success")
    else:
        flash(_("Another caseworker took the case first."), "error")
    return redirect(local_path(request.form.get("next"), url_for("jobcenter.queue")), code=303)


@bp.post("/overdragelse/<int:handover_id>/frigiv")
@role_required("caseworker")
def release(handover_id: int):
    user = current_user()
    _require_handover(handover_id)
    if cases.release(get_session(), handover_id, user.municipality, user.subject):
        flash(_("The case is back in the queue."), "success")
    return redirect(local_path(request.form.get("next"), url_for("jobcenter.queue")), code=303)


def _require_handover(handover_id: int) -> None:
    """Another municipality's handover answers 404, as if it did not exist."""
    if not cases.handover_exists(get_session(), handover_id, current_user().municipality):
        abort(404)


def _case_file(case_id: int):
    user = current_user()
    file = cases.open_case_file(get_session(), case_id, user.municipality, user.subject, user.name, clock.today())
    if file is None:
        abort(404)
    return file


@bp.get("/sag/<int:case_id>")
@role_required("caseworker")
def case(case_id: int):
    return _render_case(_case_file(case_id))


def _correctable(obligations: list[Obligation]) -> list[Obligation]:
    return [o for o in obligations if o.pending and o.date and o.who in cases.CORRECTABLE_BY]


def _correction_choices(obligations: list[Obligation]) -> list[tuple[str, str]]:
    return [("", _("Choose a deadline"))] + [
        (f"{o.code}|{o.date.isoformat()}",
         f"{without_danish_glosses(OBLIGATION_LABELS.get(o.code, o.code))} ({format_date(o.date, 'short')})")
        for o in _correctable(obligations)]


def _conversation_forms(file, failed=None) -> dict:
    """Each conversation's own forms, named by its id so two on one page never share a field id; the
    one that failed validation keeps what was typed and its errors."""
    forms = {}
    for conversation in file.conversations:
        cid = conversation.id
        forms[cid] = {"move": MoveConversationForm(prefix=f"move{cid}", formdata=None),
                      "cancel": CancelConversationForm(prefix=f"cancel{cid}", formdata=None),
                      "minutes": MinutesForm(prefix=f"minutes{cid}", formdata=None, data={
                          "talked": conversation.minutes_talked, "agreed": conversation.minutes_agreed,
                          "next_follow_up_on": conversation.next_follow_up_on})}
    if failed:
        kind, cid, form = failed
        forms.setdefault(cid, {})[kind] = form
    return forms


def _render_case(file, book_form=None, record_form=None, correction_form=None, decision_form=None, status=200,
                 failed=None, wait_form=None, transfer_form=None):
    today = clock.today()
    db = get_session()
    user = current_user()
    live = _live(file)
    assign_form = AssignForm(prefix="assign", formdata=None, data={"holder": live.assignee if live else ""})
    assign_form.colleague.choices = options(_colleague_choices(db, user.municipality))
    transfer_form = transfer_form or TransferForm(prefix="move_to", formdata=None)
    transfer_form.to.choices = options(_municipality_choices(user.municipality))
    facts = case_facts(db, file.case, file.questionnaire)
    obligations = timeline(facts, today)
    correction_form = correction_form or CorrectionForm(prefix="fix")
    correction_form.obligation.choices = options(_correction_choices(obligations))
    employer_information = employer_cases.employer_information(db, file.case.id)
    return render_template(
        "jobcenter/case.html", file=file, book_form=book_form or BookConversationForm(prefix="book"),
        record_form=record_form or RecordConversationForm(prefix="held"), correction_form=correction_form,
        decision_form=decision_form or FastTrackDecisionForm(prefix="decide"),
        cpr=decrypt_cpr(file.citizen.cpr_encrypted),
        answers=summary_rows(file.questionnaire.answers or {}) if file.questionnaire else [],
        reasons=screen(facts, today), obligations=obligations, today=today,
        steps=next_steps_for(db, file.case, today, file.questionnaire, obligations),
        decision_due=any(o.code == "fast_track_decision" and o.pending for o in obligations),
        standby_groups=dict(standby_groups()),
        employer_answers=employer_information[0], employer_requests=employer_information[1],
        duration_labels=dict(DURATIONS), adapted_labels=dict(ADAPTED), retention_labels=dict(RETENTION),
        check_in_labels={"feeling": dict(FEELINGS), "yes_no": dict(YES_NO_UNKNOWN)},
        conversation_forms=_conversation_forms(file, failed), follow_up_plan=_current_plan(db, file.case.id),
        plan_goals=dict(PLAN_GOALS), plan_parties=dict(PLAN_PARTIES), documents=documents_of(db, file.case),
        live=live, assign_form=assign_form, wait_form=wait_form or WaitForm(prefix="wait", formdata=None),
        transfer_form=transfer_form, one_day=timedelta(days=1),
        waiting=bool(live) and cases.waits(live.waiting_until, live.due, today),
        conversations_open=bool(failed) or bool(record_form and record_form.errors),
    ), status


@bp.post("/sag/<int:case_id>/samtale")
@role_required("caseworker")
def book(case_id: int):
    file = _case_file(case_id)
    form = BookConversationForm(prefix="book")
    if not form.validate_on_submit():
        return _render_case(file, book_form=form, status=400)
    local = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    try:
        cases.book_conversation(get_session(), file.case, datetime.combine(form.day.data, form.at.data, local),
                                form.form.data, current_user().subject, invitation_settings(file.case.id),
                                standby_reason=form.standby_reason.data, details=form.details.data,
                                agenda=form.agenda.data, bring=form.bring.data)
    except cases.StandbyReasonMissing:
        form.standby_reason.errors.append(_("The citizen is on standby. Write why the citizen should be contacted "
                                            "all the same, or do not book."))
        return _render_case(file, book_form=form, status=400)
    flash(_("The conversation is booked."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id), code=303)


@bp.post("/sag/<int:case_id>/frist")
@role_required("caseworker")
def correct(case_id: int):
    """Waive a deadline or move it, with a reason (the Ombudsman: caseworkers must be able to
    correct the system's calculation)."""
    file = _case_file(case_id)
    db, today, user = get_session(), clock.today(), current_user()
    form = CorrectionForm(prefix="fix")
    form.obligation.choices = options(_correction_choices(timeline(case_facts(db, file.case, file.questionnaire),
                                                                   today)))
    if not form.validate_on_submit():
        return _render_case(file, correction_form=form, status=400)
    code, for_date = form.obligation.data.split("|")
    try:
        cases.correct_obligation(db, file.case, code, date.fromisoformat(for_date), form.kind.data,
                                 form.reason.data, today, user.subject, user.name, form.new_date.data)
    except cases.CorrectionRefused:
        form.new_date.errors.append(_("Choose another date than the one the rules give."))
        return _render_case(file, correction_form=form, status=400)
    flash(_("The deadline is corrected. The reason is kept in the case."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id, _anchor="deadlines-heading"), code=303)


@bp.post("/sag/<int:case_id>/fast-track-beslutning")
@role_required("caseworker")
def decide_fast_track(case_id: int):
    file = _case_file(case_id)
    form = FastTrackDecisionForm(prefix="decide")
    if not form.validate_on_submit():
        return _render_case(file, decision_form=form, status=400)
    user = current_user()
    if employer_cases.decide_fast_track(get_session(), file.case, form.decision.data == "continue",
                                        form.reason.data.strip(), clock.today(), f"caseworker:{user.subject}"):
        flash(_("The decision on fast track is recorded."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id), code=303)


@bp.post("/sag/<int:case_id>/samtale/<int:conversation_id>/afholdt")
@role_required("caseworker")
def held(case_id: int, conversation_id: int):
    file = _case_file(case_id)
    form = RecordConversationForm(prefix="held")
    if not form.validate_on_submit():
        return _render_case(file, record_form=form, status=400)
    if cases.record_conversation(get_session(), file.case, conversation_id, form.held_on.data,
                                 form.outcome.data, current_user().subject):
        flash(_("The conversation is recorded as held."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id), code=303)


@bp.post("/sag/<int:case_id>/samtale/<int:conversation_id>/flyt")
@role_required("caseworker")
def move(case_id: int, conversation_id: int):
    file = _case_file(case_id)
    form = MoveConversationForm(prefix=f"move{conversation_id}")
    if not form.validate_on_submit():
        return _render_case(file, failed=("move", conversation_id, form), status=400)
    local = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    try:
        cases.move_conversation(get_session(), file.case, conversation_id,
                                datetime.combine(form.day.data, form.at.data, local), form.form.data,
                                current_user().subject, invitation_settings(case_id))
    except cases.ConversationNotOpen:
        abort(404)
    flash(_("The conversation is moved. The citizen gets the new time by mail and on her or his page."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id), code=303)


@bp.post("/sag/<int:case_id>/samtale/<int:conversation_id>/aflys")
@role_required("caseworker")
def cancel(case_id: int, conversation_id: int):
    file = _case_file(case_id)
    form = CancelConversationForm(prefix=f"cancel{conversation_id}")
    if not form.validate_on_submit():
        return _render_case(file, failed=("cancel", conversation_id, form), status=400)
    try:
        cases.cancel_conversation(get_session(), file.case, conversation_id, form.reason.data, clock.today(),
                                  current_user().subject, invitation_settings(case_id))
    except cases.ConversationNotOpen:
        abort(404)
    flash(_("The conversation is cancelled. The citizen is told by mail and on her or his page."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id), code=303)


@bp.post("/sag/<int:case_id>/samtale/<int:conversation_id>/referat")
@role_required("caseworker")
def minutes(case_id: int, conversation_id: int):
    file = _case_file(case_id)
    form = MinutesForm(prefix=f"minutes{conversation_id}")
    if not form.validate_on_submit():
        return _render_case(file, failed=("minutes", conversation_id, form), status=400)
    user = current_user()
    try:
        cases.write_minutes(get_session(), file.case, conversation_id, form.talked.data, form.agreed.data,
                            form.next_follow_up_on.data, user.subject, user.name,
                            public_url("citizen.case", case_id=case_id))
    except cases.ConversationNotOpen:
        abort(404)
    flash(_("The minutes are saved. The citizen can read them on her or his page."), "success")
    return redirect(url_for("jobcenter.case", case_id=case_id, _anchor=f"conversation-{conversation_id}"), code=303)


def _audit_filter():
    form = AuditFilterForm(request.args)
    form.action.choices = options([("", _("Everything"))] + [(k, str(v)) for k, v in AUDIT_LABELS.items()])
    valid = form.validate()
    chosen = cases.AuditFilter(
        case_id=form.case.data if valid else None, person=(form.person.data or None) if valid else None,
        actor=(form.actor.data or None) if valid else None, action=(form.action.data or None) if valid else None,
        date_from=form.date_from.data if valid else None, date_to=form.date_to.data if valid else None)
    return form, chosen


@bp.get("/revisionslog")
@role_required("caseworker")
def audit():
    """The audit log for review: paged and filtered (case, person, actor, what, dates); a filter that
    is not valid says so and shows everything."""
    form, chosen = _audit_filter()
    page = cases.audit_log(get_session(), current_user().municipality, chosen, request.args.get("side", 1, type=int))
    args = {k: v for k, v in request.args.items() if k != "side" and v}
    return render_template("jobcenter/audit.html", audit_labels=AUDIT_LABELS, form=form, page=page, args=args,
                           ), (400 if form.errors else 200)


@bp.get("/revisionslog.csv")
@role_required("caseworker")
def audit_export():
    """Every entry the filters select, as a spreadsheet file; the export itself is logged."""
    form, chosen = _audit_filter()
    user, db = current_user(), get_session()
    page = cases.audit_log(db, user.municipality, chosen, page_size=None)
    rows = [[entry.at.isoformat(timespec="seconds"), entry.actor_name, entry.actor,
             str(AUDIT_LABELS.get(entry.action, entry.action)), entry.action, entry.case_id or "", name or "",
             entry.detail or ""] for entry, name in page.entries]
    cases.record_audit(db, user.municipality, user.subject, user.name, "audit_exported",
                       f"{page.total} rows; " + "&".join(f"{k}={v}" for k, v in request.args.items() if v))
    body = audit_csv([_("When (UTC)"), _("Who"), _("Identifier"), _("What"), _("Action code"), _("Case"),
                      _("Citizen"), _("Detail")], rows)
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="revisionslog.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


# The readings of unclear law a deadline follows (portal/rules/regimes.py, docs/RULES-CHOICES.md).
READING_LABELS = {
    "in_force_from": _l("The day the rules start"),
    "applies_by": _l("Which cases the rules govern"),
    "first_conversation_week": _l("First conversation by the end of week"),
    "follow_up_interval_weeks": _l("Weeks between follow-up conversations"),
    "half_year_conversations": _l("Conversations within the first half-year, the first one counted"),
    "half_year_end": _l("Where the first half-year ends"),
    "fast_track_decision_days": _l("Days to decide on an unanswered fast-track request"),
    "benefit_end_uncounted_days": _l("First days not counted towards the benefit's end (employed)"),
    "benefit_end_uncounted_days_not_employed": _l("First days not counted towards the benefit's end (others)"),
    "standby_keeps_deadlines": _l("Standby chosen late never moves a deadline later"),
    "plan_due_with_second_deadline": _l("The follow-up plan is due with the second conversation's deadline"),
}
# A reading whose value is a choice, not a number, shows the choice in words.
READING_VALUE_LABELS = {
    "first_absence_day": _l("sickness that began on or after that day"),
    "obligation_arose": _l("obligations that arose on or after that day"),
    "earlier": _l("the earlier of the end of week 26 and the day before 6 calendar months"),
    "weeks": _l("the end of week 26"),
    "months": _l("the day before the same date 6 calendar months later"),
}


@bp.get("/overholdelse")
@role_required("caseworker")
def compliance():
    from ..cases.compliance import compliance as figures
    from ..rules.regimes import active_regimes

    readings = [(regime, name, param) for regime in active_regimes() for name, param in regime.readings()]
    return render_template("jobcenter/compliance.html", reading_labels=READING_LABELS, readings=readings,
                           reading_value_labels=READING_VALUE_LABELS,
                           figures=figures(get_session(), current_user().municipality, clock.today()))


@bp.get("/tilbagemeldinger")
@role_required("caseworker")
def feedback():
    """What citizens answered to "how was it?" on their receipts, for this municipality."""
    from ..cases.feedback import summary
    from ..forms import RATING_CHOICES

    ratings = dict(RATING_CHOICES)
    figures = summary(get_session(), current_user().municipality, clock.today())
    return render_template("jobcenter/feedback.html", ratings=ratings, figures=figures,
                           rating_rows=[(ratings[rating], count) for rating, count in figures.counts.items()])


@bp.route("/ledige-tider", methods=["GET", "POST"])
@role_required("caseworker")
def free_times():
    """Publish times citizens can book themselves, and see which are taken."""
    from ..cases import self_booking

    db, user = get_session(), current_user()
    local = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    form = PublishTimesForm(prefix="time")
    if form.validate_on_submit():
        made = self_booking.publish(db, user.municipality, user.subject, user.name,
                                    datetime.combine(form.day.data, form.at.data, local), form.form.data,
                                    form.details.data, form.count.data)
        flash(ngettext("%(num)d free time is published.", "%(num)d free times are published.", len(made)), "success")
        return redirect(url_for("jobcenter.free_times"), code=303)
    return render_template("jobcenter/free_times.html", form=form,
                           times=self_booking.published(db, user.municipality, clock.now())), \
        (400 if form.errors else 200)


@bp.post("/ledige-tider/<int:free_time_id>/slet")
@role_required("caseworker")
def withdraw_free_time(free_time_id: int):
    from ..cases import self_booking

    form = ConfirmForm()
    if form.validate_on_submit() and self_booking.withdraw(get_session(), free_time_id, current_user().municipality):
        flash(_("The free time is withdrawn."), "success")
    else:
        flash(_("The time could not be withdrawn: it is booked, or already gone."), "error")
    return redirect(url_for("jobcenter.free_times"), code=303)


@bp.route("/sag/<int:case_id>/plan", methods=["GET", "POST"])
@role_required("caseworker")
def plan(case_id: int):
    """Make or change the follow-up plan (§ 16): each save is a new version; earlier ones stay."""
    from ..cases import follow_up_plan as plans

    file = _case_file(case_id)
    db, user = get_session(), current_user()
    latest = plans.current(db, case_id)
    employers = plans.employers_of(db, file.case)
    form = FollowUpPlanForm(prefix="plan", data=_plan_data(latest, employers) if latest and request.method == "GET"
                            else None)
    _name_the_employers(form, employers)
    if file.case.status == "open" and form.validate_on_submit():
        measures = [_measure(plans, what.data.strip(), who.data, by.data, employers)
                    for what, who, by in form.measure_rows() if (what.data or "").strip()]
        saved = plans.save(db, file.case, form.goal.data, form.goal_text.data, form.return_by.data,
                           form.adjustments.data, measures, form.next_follow_up_on.data, user.subject, user.name,
                           clock.today(), public_url("citizen.case", case_id=case_id))
        flash(_("Version %(version)d of the follow-up plan is saved. The citizen can read it.", version=saved.version),
              "success")
        return redirect(url_for("jobcenter.case", case_id=case_id, _anchor="plan-heading"), code=303)
    return render_template("jobcenter/plan.html", file=file, case=file.case, form=form,
                           versions=plans.versions(db, case_id), measures_of=plans.measures_of,
                           goals=dict(PLAN_GOALS), parties=dict(PLAN_PARTIES)), (400 if form.errors else 200)


def _current_plan(db, case_id: int):
    from ..cases.follow_up_plan import current, measures_of

    plan = current(db, case_id)
    return (plan, measures_of(plan)) if plan else None


def _name_the_employers(form, employers: dict[str, str]) -> None:
    """An employer's measure belongs to one company, which alone will see it. With one employer
    that is "the employer"; with several, each company is a choice of its own."""
    if len(employers) < 2:
        return
    parties = [(value, label) for value, label in PLAN_PARTIES if value != "employer"] + [
        (f"employer:{cvr}", _("The employer %(company)s (CVR %(cvr)s)", company=name, cvr=cvr))
        for cvr, name in employers.items()]
    for _what, who, _by in form.measure_rows():
        who.choices = options([("", _("Choose"))] + parties)


def _measure(plans, what: str, who: str, by, employers: dict[str, str]):
    if who.startswith("employer:"):
        return plans.Measure(what, "employer", by, who.split(":", 1)[1])
    only = next(iter(employers)) if who == "employer" and len(employers) == 1 else None
    return plans.Measure(what, who, by, only)


def _plan_data(plan, employers: dict[str, str]) -> dict:
    from ..cases.follow_up_plan import measures_of

    data = {"goal": plan.goal, "goal_text": plan.goal_text, "return_by": plan.return_by,
            "adjustments": plan.adjustments, "next_follow_up_on": plan.next_follow_up_on}
    for n, measure in enumerate(measures_of(plan)[:PLAN_MEASURES], start=1):
        who = f"employer:{measure.cvr}" if measure.cvr and len(employers) > 1 else measure.who
        data.update({f"measure_{n}_what": measure.what, f"measure_{n}_who": who, f"measure_{n}_by": measure.by})
    return data


@bp.get("/sag/<int:case_id>/dokumenter/<kind>/<int:ref>")
@role_required("caseworker")
def letter(case_id: int, kind: str, ref: int):
    """The same letters the citizen has, in the caseworker's language."""
    from ..letters import letter_response

    return letter_response(get_session(), _case_file(case_id).case, kind, ref)


@bp.get("/sessioner")
@role_required("caseworker")
def sessions():
    """Where the person is logged in, as the citizen's page (portal.auth.sessions_page)."""
    return sessions_page.page("jobcenter.end_other_sessions")


@bp.post("/sessioner/afslut")
@role_required("caseworker")
def end_other_sessions():
    return sessions_page.end_others("jobcenter.sessions")
