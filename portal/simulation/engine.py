"""The year, day by day, through the portal's own use cases on a separate database.

Each simulated day: the clock is pinned (PORTAL_TODAY, portal.clock); citizens and employers report
sick and act (portal.cases.sickness, employer, questionnaire, followup); the timer's sweep runs as
`flask sweep` runs it (mark_unanswered, handover.sweep, reminders.queue_due); what the queue shows is
read and the invariant checked; citizens book published times (self_booking); on working days the
caseworkers hold the day's conversations (jobcenter.record_conversation), publish times
(self_booking.publish) and take the queue in due order within their capacity (claim, book). Reading
the database to decide who acts is the simulation's; every write is a use case's."""
from __future__ import annotations

import bisect
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import String, cast, event
from sqlmodel import Session, select

from .. import clock
from ..cases import employer as employer_cases
from ..cases import follow_up_plan, followup, jobcenter, self_booking
from ..cases import questionnaire as questionnaire_cases
from ..cases.employer import Employer
from ..cases.facts import case_facts, facts_of, histories_of
from ..cases.handover import questionnaire_of, sweep
from ..cases.jobcenter import register_caseworker
from ..cases.residence import Residence
from ..cases.sickness import SickReport, report_sickness
from ..models import (
    AbsenceKind,
    CaseStatus,
    Citizen,
    Conversation,
    EmployerReport,
    Employment,
    Handover,
    HandoverStatus,
    Questionnaire,
    QuestionnaireStatus,
    SickCase,
)
from ..notify.reminders import Invitations, queue_due
from ..personal_data import cpr_hash, encrypt_cpr
from ..rules import ReasonCode, active_reasons, is_bank_day, screen, timeline
from . import population
from .population import Script

EMPLOYERS = (("12345674", "Simuleret Byg A/S"), ("27560830", "Simuleret Pleje ApS"),
             ("10150817", "Simuleret Lager I/S"))
PUBLISH_AHEAD = 6         # working days of free times the team keeps published
SELF_BOOKING_DAYS = 3     # the caseworker waits this long for a citizen who books herself ...
BOOK_NOW_WITHIN = 7       # ... unless the deadline is this close
CHOOSES_AMONG = 3         # a citizen who books herself picks one of the first times offered
FIRST_SLOT = (9, 0)       # the day's first conversation; then every 45 minutes (self_booking.MINUTES_APART)
DECISION_CONTINUES = 0.7  # the caseworker goes on with an unanswered fast track
NO_CONVERSATION = (ReasonCode.FAST_TRACK_DECISION, ReasonCode.QUESTIONNAIRE_OVERDUE)  # done without a time


@dataclass(frozen=True)
class Settings:
    cases: int = 2000                 # a year's sick reports
    caseworkers: int = 4
    conversations_per_week: int = 15  # each caseworker
    seed: int = 1
    start: date = date(2027, 1, 4)
    days: int = 365
    municipality: str = "101"
    reminders: bool = True


@dataclass
class Violation:
    case_id: int
    obligation: str
    deadline: date
    first_seen: date | None
    found_on: date


@dataclass
class Episode:
    """A handover that needed a conversation: first day it was in the queue needing one, its deadline."""
    released: date
    due: date


@dataclass
class Outcome:
    settings: Settings
    end: date
    obligations: list[dict]               # one row an obligation with a date by the end
    queue: list[dict]                     # one row a day
    weeks: list[dict]                     # one row a week: slots published, conversations held
    violations: list[Violation]
    episodes: list[Episode]
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _fast_sqlite(app: Flask) -> None:
    """A throwaway database: no fsync per commit (the use cases commit once each, as in a request)."""
    engine = app.extensions["portal.engine"]
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _unsafe_but_fast(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()

    engine.dispose()


def run(app: Flask, settings: Settings, progress=None) -> Outcome:
    _fast_sqlite(app)
    with app.app_context(), Session(app.extensions["portal.engine"], expire_on_commit=False) as db:
        return _Simulation(app, db, settings, progress).run()


class _Simulation:
    def __init__(self, app: Flask, db: Session, settings: Settings, progress):
        self.app, self.db, self.s, self.progress = app, db, settings, progress
        self.rng = random.Random(settings.seed)  # nosec B311 (a simulation, nothing secret)
        self.zone = ZoneInfo(app.config["PORTAL_TIMEZONE"])
        self.end = settings.start + timedelta(days=settings.days - 1)
        count = round(settings.cases * settings.days / 365)
        self.reports: dict[date, list[Script]] = defaultdict(list)
        for number, day in enumerate(population.report_days(self.rng, settings.start, settings.days, count)):
            self.reports[day].append(population.draw(self.rng, number, day))
        self.scripts: dict[int, Script] = {}
        self.report_ids: dict[int, int] = {}          # case -> the employer's report
        self.agenda: dict[date, list[tuple[str, int]]] = defaultdict(list)
        self.workers = [(f"sim-caseworker-{n + 1}", f"Sagsbehandler {n + 1}") for n in range(settings.caseworkers)]
        self.names = dict(self.workers)
        self.free: list[tuple[datetime, int, str]] = []   # untaken published times, soonest first
        self.free_ids: set[int] = set()
        self.booked: dict[int, tuple[int, date, str]] = {}  # case -> (conversation, day, caseworker)
        self.on_day: dict[date, list[int]] = defaultdict(list)
        self.first_seen: dict[tuple[int, str, str], date] = {}
        self.read_version: dict[int, object] = {}
        self.handover_seen: dict[int, date] = {}
        self.nothing_to_do: dict[int, tuple] = {}      # handover -> (codes, due) found with nothing pending
        self.episodes: dict[int, Episode] = {}
        self.violations: list[Violation] = []
        self.queue_rows: list[dict] = []
        self.weeks: dict[date, Counter] = defaultdict(Counter)
        self.counts: Counter = Counter()
        self.published_until: date | None = None
        self.link = ""

    # The run ---------------------------------------------------------------------------------------

    def run(self) -> Outcome:
        started = time.perf_counter()
        from ..web import public_url

        with self.app.test_request_context():
            self.link = public_url("citizen.overview")
        for subject, name in self.workers:
            register_caseworker(self.db, subject, self.s.municipality, name)
        day = self.s.start
        while day <= self.end:
            self.app.config["PORTAL_TODAY"] = day.isoformat()
            self.day(day)
            self.db.expunge_all()  # the identity map would hold every case of the year
            if self.progress and (day - self.s.start).days % 30 == 29:
                self.progress(day, time.perf_counter() - started)
            day += timedelta(days=1)
        obligations = self.final_check()
        return Outcome(settings=self.s, end=self.end, obligations=obligations, queue=self.queue_rows,
                       weeks=[{"week": week, **counter} for week, counter in sorted(self.weeks.items())],
                       violations=self.violations, episodes=list(self.episodes.values()), counts=self.counts,
                       seconds=time.perf_counter() - started)

    def day(self, today: date) -> None:
        for script in self.reports.pop(today, []):
            self.report(script, today)
        for action, case_id in self.agenda.pop(today, []):
            case = self.db.get(SickCase, case_id)
            if case is not None and case.status == CaseStatus.OPEN:
                getattr(self, action)(case, today)
        # The timer's sweep, as `flask sweep` runs the parts that concern cases.
        employer_cases.mark_unanswered(self.db, today)
        sweep(self.db, today)
        if self.s.reminders:
            self.counts["reminders queued"] += queue_due(self.db, today, self.link)
        live = self.look_at_queue(today)
        self.citizens_book(live, today)
        working = is_bank_day(today)
        if working:
            self.hold_conversations(today)
            self.publish(today)
            self.work_the_queue(live, today)
        self.measure(live, today, working)

    # Citizens and employers ------------------------------------------------------------------------

    def later(self, day: date, action: str, case_id: int) -> None:
        if day <= self.end:
            self.agenda[day].append((action, case_id))

    def report(self, script: Script, today: date) -> None:
        residence = Residence(self.s.municipality, True, clock.now())
        kind = AbsenceKind.PARTIAL if script.partial_hours else AbsenceKind.FULL
        if script.by_employer:
            cvr, org = EMPLOYERS[script.number % len(EMPLOYERS)]
            employer = Employer(cvr, org, f"sim-employer-{cvr}", "Simuleret Arbejdsgiver")
            report = employer_cases.report_employee_sick(
                self.db, employer, script.cpr, f"Simuleret Borger {script.number}", script.first_absence_day, kind,
                Decimal(str(script.partial_hours)) if script.partial_hours else None, residence, today)
            case_id = report.case_id
            self.report_ids[case_id] = report.id
        else:
            citizen = Citizen(cpr_hash=cpr_hash(script.cpr), cpr_encrypted=encrypt_cpr(script.cpr),
                              name=f"Simuleret Borger {script.number}")
            self.db.add(citizen)
            self.db.commit()
            cvr, org = EMPLOYERS[script.number % len(EMPLOYERS)] if script.employment == "employed" else (None, None)
            weeks = population.EXPECTED_WEEKS[script.expected_duration]
            case = report_sickness(self.db, citizen.id, self.s.municipality, SickReport(
                first_absence_day=script.first_absence_day, employment=Employment(script.employment),
                absence_kind=kind, partial_hours_per_week=script.partial_hours, employer_cvr=cvr, employer_name=org,
                expected_return=today + timedelta(weeks=weeks)), today, residence=residence)
            case_id = case.id
        self.counts["cases reported"] += 1
        self.scripts[case_id] = script
        if script.questionnaire_day:
            self.later(max(today, script.questionnaire_day), "answer_questionnaire", case_id)
        if script.employer_answer_day and case_id in self.report_ids:
            self.later(script.employer_answer_day, "employer_answers", case_id)
        if script.citizen_fast_track_day:
            self.later(script.citizen_fast_track_day, "citizen_asks_fast_track", case_id)
        if script.employer_fast_track_day and case_id in self.report_ids:
            self.later(script.employer_fast_track_day, "employer_asks_fast_track", case_id)
        back = script.last_sick_day + timedelta(days=1)
        self.later(max(today + timedelta(days=1), back + timedelta(days=self.rng.randint(0, 2))), "recover", case_id)
        self.later(today + timedelta(days=1), "check_in", case_id)

    def answer_questionnaire(self, case: SickCase, today: date) -> None:
        questionnaire = questionnaire_of(self.db, case.id)
        if questionnaire is None or questionnaire.status == QuestionnaireStatus.SUBMITTED:
            return
        script = self.scripts[case.id]
        # The steps whose answers the screening reads; a step left unanswered counts as "no".
        steps = [("din-sygdom", {"expected_duration": script.expected_duration})]
        if script.standby:
            steps.append(("standby", {"standby": "yes"}))
        if script.wants_conversation:
            steps.append(("samtale", {"wants_conversation": "yes"}))
        for step, answers in steps:
            questionnaire_cases.save_step(self.db, questionnaire, step, answers)
        questionnaire_cases.submit(self.db, questionnaire, today)
        self.counts["questionnaires submitted"] += 1

    def _employer(self, case_id: int) -> tuple[Employer, EmployerReport]:
        report = self.db.get(EmployerReport, self.report_ids[case_id])
        return Employer(report.cvr, report.org_name, report.reported_by, report.reporter_name), report

    def employer_answers(self, case: SickCase, today: date) -> None:
        script = self.scripts[case.id]
        employer, report = self._employer(case.id)
        employer_cases.answer_questions(self.db, employer, report, {
            "absence_conversation_on": min(script.absence_conversation_on, today), "absence_conversation_form":
            "in_person", "expected_return": max(today, script.last_sick_day + timedelta(days=self.rng.randint(-3, 7))),
            "adjustments": None, "retention_plan": "no"}, today)
        self.counts["employer answers"] += 1

    def citizen_asks_fast_track(self, case: SickCase, today: date) -> None:
        try:
            followup.request_fast_track(self.db, case, "13_26_weeks", today)
            self.counts["fast track asked by citizens"] += 1
        except followup.NotAllowed:
            self.db.rollback()

    def employer_asks_fast_track(self, case: SickCase, today: date) -> None:
        employer, report = self._employer(case.id)
        try:
            employer_cases.request_fast_track(self.db, employer, report, {
                "functions": "Tunge løft", "duration": "13_26_weeks", "adapted": "no", "adapted_how": ""}, today)
        except employer_cases.NotAllowed:
            self.db.rollback()
            return
        self.counts["fast track asked by employers"] += 1
        consent = self.scripts[case.id].consent
        if consent is not None:
            # Calendar days, not bank days: her answer is behaviour, and the deadline is the timeline's.
            self.later(today + timedelta(days=self.rng.randint(0, 2)), f"employee_{consent}", case.id)

    def _answer_employer(self, case: SickCase, today: date, consent: bool) -> None:
        request = employer_cases.waiting_request(self.db, case.id)
        if request is not None:
            employer_cases.answer_employee(self.db, request, consent, {}, today)

    def employee_yes(self, case: SickCase, today: date) -> None:
        self._answer_employer(case, today, True)

    def employee_no(self, case: SickCase, today: date) -> None:
        self._answer_employer(case, today, False)

    def check_in(self, case: SickCase, today: date) -> None:
        """The citizen opens her page: a check-in that is due is answered (the reliable ones on the day),
        and the next one is looked up on the portal, not computed here."""
        state = followup.check_in_state(self.db, case, today)
        if state.due_on is None:
            return
        if not state.is_due:
            self.later(state.due_on, "check_in", case.id)
            return
        script = self.scripts[case.id]
        if self.rng.random() >= script.check_in_reliability:
            self.later(today + timedelta(days=self.rng.randint(3, 10)), "check_in_late", case.id)
            return
        self.check_in_late(case, today)

    def check_in_late(self, case: SickCase, today: date) -> None:
        state = followup.check_in_state(self.db, case, today)
        if not state.is_due:
            if state.due_on is not None:
                self.later(state.due_on, "check_in", case.id)
            return
        back = self.scripts[case.id].last_sick_day + timedelta(days=1)
        answers = {"feeling": "same", "can_work_partly": "no", "wants_conversation": "no",
                   "expected_return": back.isoformat() if back > today else None}
        if back <= today:
            answers["expected_duration"] = "under_2_weeks"
        followup.answer_check_in(self.db, case, answers, today)
        self.counts["check-ins answered"] += 1
        state = followup.check_in_state(self.db, case, today)
        if state.due_on is not None:
            self.later(max(state.due_on, today + timedelta(days=1)), "check_in", case.id)

    def recover(self, case: SickCase, today: date) -> None:
        followup.report_recovery(self.db, case, True, min(today, self.scripts[case.id].last_sick_day
                                                           + timedelta(days=1)), today)
        self.counts["recoveries"] += 1

    # What the queue shows, and the invariant ------------------------------------------------------

    def look_at_queue(self, today: date) -> list:
        """The live handovers in due order. Every reason in them is remembered with the first day it
        was in the queue; a reason seen for the first time after its deadline has passed unseen."""
        rows = self.db.exec(
            select(Handover.id, Handover.case_id, Handover.due, Handover.reason_codes, Handover.assignee,
                   Handover.updated_at, cast(Handover.reasons, String).label("reasons"))
            .where(Handover.status != HandoverStatus.CLOSED, Handover.municipality_code == self.s.municipality)
            .order_by(Handover.due, Handover.id)).all()
        for row in rows:
            self.handover_seen.setdefault(row.id, today)
            if self.read_version.get(row.id) == row.updated_at:
                continue
            self.read_version[row.id] = row.updated_at
            for reason in json.loads(row.reasons):
                key = (row.case_id, reason["obligation"], reason["legal_deadline"])
                if key not in self.first_seen:
                    self.first_seen[key] = today
                    deadline = date.fromisoformat(reason["legal_deadline"])
                    if today > deadline:
                        self.violations.append(Violation(row.case_id, reason["obligation"], deadline, today, today))
        return rows

    def final_check(self) -> list[dict]:
        """Every case's timeline as of the last day: each obligation's outcome for the report, and
        every late one of the municipality's checked against the queue's memory."""
        out, after = [], 0
        while True:
            cases = self.db.exec(select(SickCase).where(SickCase.id > after).order_by(SickCase.id).limit(500)).all()
            if not cases:
                return out
            questionnaires = {q.case_id: q for q in self.db.exec(
                select(Questionnaire).where(Questionnaire.case_id.in_([c.id for c in cases])))}
            histories = histories_of(self.db, cases)
            for case in cases:
                facts = facts_of(case, questionnaires.get(case.id), histories[case.id])
                for obligation in timeline(facts, self.end):
                    row = _classify(obligation, case, self.end)
                    if row is not None and row["days_late"] > 0 and not _pending_after(facts, obligation):
                        # Read on the last day as met late, but not required when its deadline passed (a
                        # later conversation "meets" an obligation standby had made unnecessary): not late.
                        self.counts["met later, not required at the deadline"] += 1
                        row = None
                    if row is None:
                        continue
                    out.append(row)
                    if obligation.reason is not None and row["days_late"] > 0:
                        key = (case.id, str(obligation.code), obligation.legal_date.isoformat())
                        seen = self.first_seen.get(key)
                        found = {(v.case_id, v.obligation, v.deadline.isoformat()) for v in self.violations}
                        if (seen is None or seen > obligation.legal_date) and key not in found:
                            self.violations.append(Violation(case.id, str(obligation.code), obligation.legal_date,
                                                             seen, self.end))
            after = cases[-1].id
            self.db.expunge_all()

    # Self-booking and the caseworkers ----------------------------------------------------------------

    def citizens_book(self, live: list, today: date) -> None:
        now = clock.now()
        for row in live:
            script = self.scripts.get(row.case_id)
            if script is None or not script.self_books or row.case_id in self.booked \
                    or self.nothing_to_do.get(row.id) == (row.reason_codes, row.due) \
                    or today - self.handover_seen[row.id] >= timedelta(days=SELF_BOOKING_DAYS):
                continue  # booked, nothing pending, or she has left it to the caseworker
            case = self.db.get(SickCase, row.case_id)
            if case.standby_since is not None or case.status != CaseStatus.OPEN:
                continue
            # She picks one of the first three times the booking page lists.
            times = self_booking.offered(self.db, case, now, self_booking.deadline_for(self.db, case), self.zone,
                                         first=CHOOSES_AMONG)
            if not times:
                continue
            chosen = times[min(len(times) - 1, self.rng.randint(0, CHOOSES_AMONG - 1))]
            try:
                conversation = self_booking.book(self.db, case, chosen.id, now, self.zone, Invitations())
            except (self_booking.TimeTaken, self_booking.AlreadyBooked, self_booking.NotOffered):
                continue
            self._taken(chosen.id)
            self._booked(row, conversation, chosen.caseworker, today)
            self.counts["conversations booked by citizens"] += 1
            if row.assignee is None:
                jobcenter.claim(self.db, row.id, self.s.municipality, chosen.caseworker, self.names[chosen.caseworker])

    def _booked(self, row, conversation: Conversation, caseworker: str, today: date) -> None:
        day = conversation.scheduled_at.astimezone(self.zone).date() if conversation.scheduled_at.tzinfo \
            else conversation.scheduled_at.date()
        self.booked[row.case_id] = (conversation.id, day, caseworker)
        self.on_day[day].append(row.case_id)
        self.episodes.setdefault(row.id, Episode(self.handover_seen.get(row.id, today), row.due))

    def _taken(self, free_time_id: int) -> None:
        self.free_ids.discard(free_time_id)

    def hold_conversations(self, today: date) -> None:
        for case_id in self.on_day.pop(today, []):
            conversation_id, _, caseworker = self.booked.pop(case_id, (None, None, None))
            if conversation_id is None:
                continue
            case = self.db.get(SickCase, case_id)
            conversation = self.db.get(Conversation, conversation_id)
            if case.status != CaseStatus.OPEN or conversation is None or conversation.status != "booked":
                continue
            if self.rng.random() < population.NO_SHOW and case.standby_since is None:
                jobcenter.cancel_conversation(self.db, case, conversation_id, "Borgeren kom ikke.", today, caseworker)
                self.counts["no-shows"] += 1
                continue
            script = self.scripts[case_id]
            remaining = (script.last_sick_day - today).days
            keeps = (case.standby_since is not None or remaining > 56
                     or (case.employment != "employed" and remaining > 0))
            outcome = "jobcenter" if keeps else "self_service"
            jobcenter.record_conversation(self.db, case, conversation_id, today, outcome, caseworker)
            self.weeks[_monday(today)]["held"] += 1
            self.counts["conversations held"] += 1
            if outcome == "jobcenter" and case.follow_up_plan_made_on is None:
                follow_up_plan.save(self.db, case, "full_return", None, script.last_sick_day + timedelta(days=1),
                                    None, [], None, caseworker, self.names[caseworker], today)

    def publish(self, today: date) -> None:
        """Each caseworker keeps PUBLISH_AHEAD working days of times published: their weekly
        conversations spread over the working days."""
        day = self.published_until or today
        ahead = self._working_days_after(today, PUBLISH_AHEAD)
        while day < ahead:
            day += timedelta(days=1)
            if not is_bank_day(day):
                continue
            slots = _slots(self.s.conversations_per_week, day.weekday())
            for subject, name in self.workers:
                left, first = slots, datetime.combine(day, datetime.min.time().replace(hour=FIRST_SLOT[0]), self.zone)
                while left > 0:
                    count = min(left, self_booking.MAX_IN_A_ROW)
                    for made in self_booking.publish(self.db, self.s.municipality, subject, name, first, "in_person",
                                                     count=count):
                        bisect.insort(self.free, (made.starts_at if made.starts_at.tzinfo else
                                                  made.starts_at.replace(tzinfo=self.zone), made.id, subject))
                        self.free_ids.add(made.id)
                    first += timedelta(minutes=self_booking.MINUTES_APART * count + 30)
                    left -= count
                self.weeks[_monday(day)]["slots"] += slots
        self.published_until = max(day, ahead)

    def _working_days_after(self, today: date, count: int) -> date:
        day = today
        while count:
            day += timedelta(days=1)
            count -= is_bank_day(day)
        return day

    def _earliest_free(self, after: date) -> tuple[datetime, int, str] | None:
        while self.free and (self.free[0][1] not in self.free_ids or self.free[0][0].date() <= after):
            self.free.pop(0)  # taken, or on a day that has begun
        return self.free[0] if self.free else None

    def work_the_queue(self, live: list, today: date) -> None:
        """In due order: what each case needs, within the time the team has published."""
        full = False  # every published time is taken: only what needs no conversation is still done
        for row in live:
            if row.case_id in self.booked or self.nothing_to_do.get(row.id) == (row.reason_codes, row.due):
                continue
            if full and not any(f"|{code}|" in row.reason_codes for code in NO_CONVERSATION):
                continue
            case = self.db.get(SickCase, row.case_id)
            if case is None or case.status != CaseStatus.OPEN:
                continue
            reasons = active_reasons(screen(case_facts(self.db, case), today), today)  # what the case page shows
            codes = {reason.code for reason in reasons}
            if not codes:
                self.nothing_to_do[row.id] = (row.reason_codes, row.due)
                continue
            holder = row.assignee
            if ReasonCode.FAST_TRACK_DECISION in codes:
                holder = holder or self._claim(row, self.workers[row.id % len(self.workers)][0])
                employer_cases.decide_fast_track(self.db, case, self.rng.random() < DECISION_CONTINUES,
                                                 "Simuleret beslutning", today, f"caseworker:{holder}")
                self.counts["fast-track decisions"] += 1
                continue
            if codes == {ReasonCode.QUESTIONNAIRE_OVERDUE}:
                # The caseworker calls or writes; the citizen answers the questionnaire that day.
                holder = holder or self._claim(row, self.workers[row.id % len(self.workers)][0])
                self.counts["questionnaire contacts"] += 1
                self.answer_questionnaire(case, today)
                continue
            script = self.scripts.get(case.id)
            waiting_for_her = (script is not None and script.self_books and case.standby_since is None
                               and today - self.handover_seen.get(row.id, today) < timedelta(days=SELF_BOOKING_DAYS)
                               and (row.due - today).days > BOOK_NOW_WITHIN)
            if waiting_for_her:
                continue
            free = self._earliest_free(today)
            if free is None:
                full = True  # the rest wait in the queue, in due order
                continue
            starts_at, free_time_id, caseworker = free
            if holder is None:
                self._claim(row, caseworker)
            self.free_ids.discard(free_time_id)
            self_booking.withdraw(self.db, free_time_id, self.s.municipality)
            standby = "Opfølgning uden kontakt (standby)." if case.standby_since is not None else None
            conversation = jobcenter.book_conversation(self.db, case, starts_at, "in_person", caseworker, Invitations(),
                                                       standby_reason=standby)
            self._booked(row, conversation, caseworker, today)
            self.counts["conversations booked by caseworkers"] += 1

    def _claim(self, row, subject: str) -> str:
        jobcenter.claim(self.db, row.id, self.s.municipality, subject, self.names[subject])
        return subject

    def measure(self, live: list, today: date, working: bool) -> None:
        self.queue_rows.append({
            "day": today, "live": len(live), "unassigned": sum(1 for row in live if row.assignee is None),
            "not_booked": sum(1 for row in live if row.case_id not in self.booked
                              and self.nothing_to_do.get(row.id) != (row.reason_codes, row.due)),
            "overdue": sum(1 for row in live if row.due < today), "working_day": working})


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _slots(per_week: int, weekday: int) -> int:
    """A week's conversations spread over Monday to Friday (12 a week: 2, 3, 2, 3, 2)."""
    if weekday > 4:
        return 0
    return (weekday + 1) * per_week // 5 - weekday * per_week // 5


SKIPPED = ("employer_period_end", "fast_track_window_end")   # dates that pass, not duties


def _pending_after(facts, obligation) -> bool:
    """Whether the obligation was still owed the day after its deadline, as the timeline read it then."""
    from ..rules import State

    day_after = obligation.legal_date + timedelta(days=1)
    return any(o.code == obligation.code and o.legal_date == obligation.legal_date and o.state == State.OVERDUE
               for o in timeline(facts, day_after))


def _classify(obligation, case: SickCase, end: date) -> dict | None:
    """An obligation whose deadline has come by the end: met on time, met late, or unmet (late until
    the case closed, or until the end)."""
    from ..rules import State

    if str(obligation.code) in SKIPPED or obligation.date is None or obligation.date > end:
        return None
    deadline = obligation.legal_date
    if obligation.state == State.MET:
        met = obligation.met_on or deadline
        late = max(0, (met - deadline).days)
        status = "late" if late else "on_time"
    elif obligation.state == State.OVERDUE:
        until = min(end, case.closed_on) if case.closed_on else end
        late, status = max(1, (until - deadline).days), "unmet"
    else:
        return None
    return {"case_id": case.id, "kind": str(obligation.code), "who": str(obligation.who),
            "deadline": deadline, "status": status, "days_late": late}
