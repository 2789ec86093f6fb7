"""The timeline: a case's facts and a date -> every obligation on the case, who must do what by
when, its state on that date, the rule, the regime and the legal source, in Danish and English.

This is the one place a deadline is computed. Screening (the handover reasons), every page, the API
and the reminders read it. Three principles keep the promise that no deadline passes unseen:

- The regime of an obligation follows the case, not the day of the check (`regime_for`).
- The timeline is read *as of* a date: facts dated after `on` are not yet known, so the same facts
  give the history of a case as well as its present.
- An obligation that is overdue and unmet stays overdue until it is met, the case closes or a
  caseworker waives it: a fact that would have made it unnecessary counts only if it was known
  before the deadline passed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from .calendar import add_bank_days, end_of_week, months_before
from .regimes import HalfYear, Regime, regime_for

EXPECTED_WEEKS = {  # an answer of expected duration -> weeks from the day it was given
    "under_2_weeks": 2, "2_4_weeks": 4, "4_8_weeks": 8, "8_13_weeks": 13, "13_26_weeks": 26,
    "over_26_weeks": 52,
}


class Who(StrEnum):
    EMPLOYER = "employer"
    CITIZEN = "citizen"
    EMPLOYER_OR_CITIZEN = "employer_or_citizen"
    MUNICIPALITY = "municipality"


class State(StrEnum):
    UPCOMING = "upcoming"          # not yet time to act
    DUE = "due"                    # time to act, the deadline has not passed
    MET = "met"
    OVERDUE = "overdue"            # the deadline has passed and it is not met
    NOT_REQUIRED = "not_required"  # `why` says why
    WAIVED = "waived"              # a caseworker waived it, with a reason


PENDING = (State.UPCOMING, State.DUE, State.OVERDUE)


class Code(StrEnum):
    EMPLOYER_PERIOD_END = "employer_period_end"
    EMPLOYER_ABSENCE_CONVERSATION = "employer_absence_conversation"
    FAST_TRACK_WINDOW_END = "fast_track_window_end"
    FAST_TRACK_CONSENT = "fast_track_consent"
    FAST_TRACK_DECISION = "fast_track_decision"
    QUESTIONNAIRE_DUE = "questionnaire_due"
    QUESTIONNAIRE_FOLLOW_UP = "questionnaire_follow_up"
    CHECK_IN = "check_in"
    RETURN_CHECK_IN = "return_check_in"
    RETURN_FOLLOW_UP = "return_follow_up"
    FIRST_CONVERSATION = "first_conversation"
    FAST_TRACK_CONVERSATION = "fast_track_conversation"
    REQUESTED_CONVERSATION = "requested_conversation"
    STANDBY_FOLLOW_UP = "standby_follow_up"
    PLAN_FOLLOW_UP = "plan_follow_up"
    FOLLOW_UP = "follow_up"
    FOLLOW_UP_PLAN = "follow_up_plan"
    REASSESSMENT = "reassessment"


class ReasonCode(StrEnum):
    """Why a case is handed over to the jobcenter: the queue filters and the API name these."""

    FAST_TRACK = "fast_track"
    NOT_EMPLOYED = "not_employed"
    LONG_EXPECTED_ABSENCE = "long_expected_absence"
    FIRST_CONVERSATION_DUE = "first_conversation_due"
    CONVERSATION_REQUESTED = "conversation_requested"
    QUESTIONNAIRE_OVERDUE = "questionnaire_overdue"
    STANDBY = "standby"
    REASSESSMENT_DUE = "reassessment_due"
    PLAN_STALLED = "plan_stalled"
    RETURN_PASSED = "return_passed"
    FAST_TRACK_DECISION = "fast_track_decision"
    FOLLOW_UP_DUE = "follow_up_due"


@dataclass(frozen=True)
class Expectation:
    """When a party expects the citizen back, and when it said so. `expected_return` None: the
    party does not know. The newest expectation of each party counts."""

    party: str                     # citizen | employer
    given_on: date
    expected_return: date | None

    @classmethod
    def from_duration(cls, party: str, given_on: date, duration: str | None) -> Expectation:
        weeks = EXPECTED_WEEKS.get(duration or "")
        return cls(party, given_on, given_on + timedelta(weeks=weeks) if weeks else None)


@dataclass(frozen=True)
class Correction:
    """A caseworker's correction of one obligation: waived, or moved to `new_date`. It applies to
    the obligation of that code whose computed date is `for_date`, so it never carries over to a
    later obligation of the same kind."""

    code: str
    for_date: date
    kind: str                      # waive | move
    decided_on: date
    reason: str
    by: str
    new_date: date | None = None


@dataclass(frozen=True)
class CheckInAnswer:
    due_on: date
    answered_on: date


@dataclass(frozen=True)
class HeldConversation:
    held_on: date
    outcome: str                   # self_service | jobcenter | closed


@dataclass(frozen=True)
class CaseFacts:
    """What the portal knows of a case, each fact with the date it happened or became known."""

    first_absence_day: date
    reported_on: date
    employment: str = "employed"               # employed | unemployed | self_employed
    closed_on: date | None = None
    expectations: tuple[Expectation, ...] = ()
    questionnaire_sent_on: date | None = None
    questionnaire_submitted_on: date | None = None
    employer_absence_conversation_on: date | None = None
    fast_track_requested_on: date | None = None    # fast track in force, counted from this request
    fast_track_declined_on: date | None = None
    employer_fast_track_asked_on: date | None = None    # waits for the employee's consent
    employer_fast_track_answered_on: date | None = None
    fast_track_decided_on: date | None = None      # the municipality decided on an unanswered one
    conversation_requested_on: date | None = None
    standby_since: date | None = None
    conversations: tuple[HeldConversation, ...] = ()
    plan_stalled_on: date | None = None
    check_ins: tuple[CheckInAnswer, ...] = ()
    earlier_sickness: tuple[tuple[date, date], ...] = ()  # other cases' absence, first and last day
    corrections: tuple[Correction, ...] = ()
    plan_made_on: date | None = None               # the first version of the follow-up plan (§ 16)


@dataclass(frozen=True)
class Obligation:
    code: Code
    who: Who
    date: date | None              # None: not known yet (`text` says what it depends on)
    state: State
    regime: str
    source: str
    text_da: str
    text_en: str
    opens: date | None = None      # from this day it is time to act
    why_da: str = ""
    why_en: str = ""
    met_on: date | None = None
    reason: ReasonCode | None = None   # the handover reason while the municipality must act
    original_date: date | None = None  # the computed date, when a caseworker moved it
    correction: Correction | None = None
    why_code: str = ""             # what `why` says, for pages that word it for the person reading
    # § 24 only: the last day sickness benefit can be paid without an extension, shown beside the
    # reassessment's date so neither is read as the other.
    benefit_ends_on: date | None = None

    @property
    def pending(self) -> bool:
        return self.state in PENDING

    @property
    def legal_date(self) -> date | None:
        return self.original_date or self.date


class _Known:
    """The facts as known on `on`: a fact dated later has not happened yet."""

    def __init__(self, facts: CaseFacts, on: date):
        self.facts, self.on = facts, on
        self._held: tuple[HeldConversation, ...] | None = None
        self._expectations: tuple[Expectation, ...] | None = None

    def date(self, value: date | None, by: date | None = None) -> date | None:
        limit = self.on if by is None else min(self.on, by)
        return value if value is not None and value <= limit else None

    def held(self) -> tuple[HeldConversation, ...]:
        if self._held is None:  # asked for several times a timeline: sorted once
            self._held = tuple(sorted((c for c in self.facts.conversations if c.held_on <= self.on),
                                      key=lambda c: c.held_on))
        return self._held

    def held_since(self, day: date) -> date | None:
        return next((c.held_on for c in self.held() if c.held_on >= day), None)

    def expectations(self, by: date | None = None) -> tuple[Expectation, ...]:
        if by is None or by >= self.on:  # as known on `on`: asked for several times a timeline, sorted once
            if self._expectations is None:
                self._expectations = self._sorted_expectations(self.on)
            return self._expectations
        return self._sorted_expectations(by)

    def _sorted_expectations(self, limit: date) -> tuple[Expectation, ...]:
        return tuple(sorted((e for e in self.facts.expectations if e.given_on <= limit), key=lambda e: e.given_on))


@dataclass(frozen=True)
class Outlook:
    """The expected return as the parties see it on a day: the newest word of each party counts,
    and between parties the later return (RULES.md: both count, the safe one)."""

    expected_return: date | None
    unknown: bool                  # a party's newest word is "I don't know"
    since: date | None             # when the newest of those words was given

    @classmethod
    def of(cls, expectations: list[Expectation]) -> Outlook:
        newest: dict[str, Expectation] = {}
        for expectation in expectations:
            newest[expectation.party] = expectation
        if not newest:
            return cls(None, True, None)
        returns = [e.expected_return for e in newest.values() if e.expected_return is not None]
        return cls(max(returns) if returns else None,
                   any(e.expected_return is None for e in newest.values()),
                   max(e.given_on for e in newest.values()))

    def weeks_from(self, first_absence_day: date) -> int | None:
        if self.expected_return is None:
            return None
        return max(0, -(-(self.expected_return - first_absence_day).days // 7))


def expected_weeks(facts: CaseFacts, on: date) -> int | None:
    """The weeks of absence from the first absence day the parties expect, as known on `on`."""
    return Outlook.of(_Known(facts, on).expectations()).weeks_from(facts.first_absence_day)


def expected_return(facts: CaseFacts, on: date) -> date | None:
    """The return the timeline reckons with, as known on `on` (None: not known)."""
    return Outlook.of(_Known(facts, on).expectations()).expected_return


def timeline(facts: CaseFacts, on: date, lead_days: int | None = None) -> list[Obligation]:
    """Every obligation of the case as known on `on`, soonest first (unknown dates last)."""
    known = _Known(facts, on)
    regime = regime_for(facts.first_absence_day, facts.first_absence_day)
    lead = regime.handover_lead_days.value if lead_days is None else lead_days
    conversations = [_first_conversation(facts, known, regime, lead), *_follow_ups(facts, known, regime, lead)]
    obligations = [
        *_employer(facts, known, regime),
        *_fast_track(facts, known, regime),
        *_questionnaire(facts, known, regime),
        *_check_ins(facts, known, regime),
        *_return_checks(facts, known, regime),
        *conversations,
        *_requested(facts, known, regime, lead),
        *_standby_follow_up(facts, known, regime, lead, conversations),
        *_follow_up_plan(facts, known, regime),
        _reassessment(facts, known, regime, lead),
    ]
    if facts.closed_on is not None or facts.corrections:  # otherwise neither changes an obligation
        obligations = [_corrected(_closed(o, facts, on), facts, on) for o in obligations]
    return sorted(obligations, key=lambda o: (o.date is None, o.date or date.max, o.code))


def questionnaire_due(facts: CaseFacts, on: date) -> Obligation:
    """timeline's QUESTIONNAIRE_DUE obligation alone, for a page that shows only the questionnaire's
    deadline (its steps): the same as find(timeline(facts, on), Code.QUESTIONNAIRE_DUE), without the
    rest. It reads the first absence day, the questionnaire's days sent and submitted, standby, the
    closing and the corrections; no conversation, check-in or earlier sickness."""
    known = _Known(facts, on)
    regime = regime_for(facts.first_absence_day, facts.first_absence_day)
    obligation = _questionnaire(facts, known, regime)[0]
    if facts.closed_on is not None or facts.corrections:
        obligation = _corrected(_closed(obligation, facts, on), facts, on)
    return obligation


def find(obligations: list[Obligation], code: Code) -> Obligation | None:
    """The newest obligation of a kind (check-ins and follow-ups repeat)."""
    matching = [o for o in obligations if o.code == code]
    return max(matching, key=lambda o: o.opens or o.date or date.min) if matching else None


# How an obligation's state is decided --------------------------------------------------------------

@dataclass(frozen=True)
class _Exemption:
    since: date
    why_da: str
    why_en: str
    code: str = ""


def _state(on: date, due: date | None, opens: date | None, met_on: date | None,
           exemptions: list[_Exemption | None]) -> tuple[State, _Exemption | None]:
    """A fact that makes an obligation unnecessary counts only if it was known by the deadline. An
    obligation that was not required at its deadline stays not required when the step is taken later
    (a conversation held after an exempt first deadline was not held late)."""
    exempt = next((e for e in exemptions if e is not None and e.since <= on and (due is None or e.since <= due)),
                  None)
    if met_on is not None and met_on <= on:
        if exempt is not None and due is not None and met_on > due:
            return State.NOT_REQUIRED, exempt
        return State.MET, None
    if exempt is not None:
        return State.NOT_REQUIRED, exempt
    if due is None:
        return State.UPCOMING, None
    if on > due:
        return State.OVERDUE, None
    if opens is not None and on >= opens:
        return State.DUE, None
    return State.UPCOMING, None


def _make(code: Code, who: Who, due: date | None, regime: Regime, source: str, text: tuple[str, str],
          on: date, *, opens: date | None, met_on: date | None = None,
          exemptions: list[_Exemption | None] = (), reason: ReasonCode | None = None,
          shows_met_on: bool = True) -> Obligation:
    state, exemption = _state(on, due, opens, met_on, list(exemptions))
    return Obligation(code=code, who=who, date=due, state=state, regime=regime.code, source=source,
                      text_da=text[0], text_en=text[1], opens=opens,
                      why_da=exemption.why_da if exemption else "", why_en=exemption.why_en if exemption else "",
                      why_code=exemption.code if exemption else "",
                      met_on=met_on if state == State.MET and shows_met_on else None, reason=reason)


def _not_employed(facts: CaseFacts) -> _Exemption | None:
    if facts.employment == "employed":
        return None
    return _Exemption(facts.first_absence_day, "Borgeren er ikke lønmodtager.", "The citizen is not employed.")


def _standby(facts: CaseFacts, known: _Known) -> _Exemption | None:
    since = known.date(facts.standby_since)
    if since is None:
        return None
    return _Exemption(since, "Borgeren er i standby-ordningen: kommunen følger op uden at kontakte borgeren.",
                      "The citizen is on standby: the municipality follows up without contacting the citizen.",
                      "standby")


# The obligations ----------------------------------------------------------------------------------

def _employer(facts: CaseFacts, known: _Known, regime: Regime) -> list[Obligation]:
    first, on = facts.first_absence_day, known.on
    period = regime.employer_period_days
    period_end = first + timedelta(days=period.value - 1)
    absence = regime.employer_absence_conversation_week
    conversation_by = end_of_week(first, absence.value)
    # The period's end is a date that passes, not a thing done: no "done on" day.
    return [
        _make(Code.EMPLOYER_PERIOD_END, Who.EMPLOYER, period_end, regime, period.source, (
            f"Arbejdsgiveren betaler løn eller sygedagpenge de første {period.value} kalenderdage "
            "(arbejdsgiverperioden). Derefter kan kommunen udbetale sygedagpenge.",
            f"The employer pays salary or sickness benefit for the first {period.value} calendar days "
            "(the employer period). After that the municipality can pay sickness benefit."), on,
            opens=period_end, met_on=period_end + timedelta(days=1), exemptions=[_not_employed(facts)],
            shows_met_on=False),
        _make(Code.EMPLOYER_ABSENCE_CONVERSATION, Who.EMPLOYER, conversation_by, regime, absence.source, (
            f"Arbejdsgiveren holder en fraværssamtale med medarbejderen senest {absence.value} uger efter "
            "første sygedag.",
            f"The employer holds an absence conversation with the employee no later than {absence.value} "
            "weeks after the first day of sickness."), on,
            opens=first, met_on=known.date(facts.employer_absence_conversation_on),
            exemptions=[_not_employed(facts)]),
    ]


def _fast_track(facts: CaseFacts, known: _Known, regime: Regime) -> list[Obligation]:
    first, on = facts.first_absence_day, known.on
    window = regime.fast_track_request_window_weeks
    window_ends = end_of_week(first, window.value)
    asked = known.date(facts.fast_track_requested_on)
    employer_asked = known.date(facts.employer_fast_track_asked_on)
    requested = min((d for d in (asked, employer_asked) if d is not None and d <= window_ends), default=None)
    closed_unused = _Exemption(window_ends + timedelta(days=1), "Der blev ikke bedt om fast track inden for fristen.",
                               "Fast track was not asked for in time.")
    window_text = (
        f"Arbejdsgiveren eller borgeren kan bede om fast track inden for de første {window.value} uger, "
        "hvis borgeren ikke forventes rask inden for 8 uger.",
        f"The employer or the citizen can ask for fast track within the first {window.value} weeks, if "
        "the citizen is not expected to be well within 8 weeks.")
    state, exemption = _state(on, window_ends, first, requested, [_not_employed(facts)])
    if state == State.OVERDUE:  # an option, not a duty: its last day passing is no failure
        state, exemption = State.NOT_REQUIRED, closed_unused
    obligations = [Obligation(
        code=Code.FAST_TRACK_WINDOW_END, who=Who.EMPLOYER_OR_CITIZEN, date=window_ends, state=state,
        regime=regime.code, source=window.source, text_da=window_text[0], text_en=window_text[1], opens=first,
        why_da=exemption.why_da if exemption else "", why_en=exemption.why_en if exemption else "",
        met_on=requested if state == State.MET else None)]

    awaiting_consent = False
    if employer_asked is not None:
        consent = regime.fast_track_consent_bank_days
        answer_by = add_bank_days(employer_asked, consent.value)
        answered = known.date(facts.employer_fast_track_answered_on)
        obligations.append(_make(Code.FAST_TRACK_CONSENT, Who.CITIZEN, answer_by, regime, consent.source, (
            f"Medarbejderen svarer på arbejdsgiverens anmodning om fast track inden for {consent.value} bankdage.",
            f"The employee answers the employer's fast-track request within {consent.value} bank days."), on,
            opens=employer_asked, met_on=answered))
        awaiting_consent = obligations[-1].pending
        if on > answer_by and (answered is None or answered > answer_by):
            days = regime.fast_track_decision_days
            obligations.append(_make(
                Code.FAST_TRACK_DECISION, Who.MUNICIPALITY, answer_by + timedelta(days=days.value), regime,
                days.source, (
                    "Medarbejderen har ikke svaret på arbejdsgiverens anmodning om fast track i tide. Kommunen "
                    "beslutter, om fast track skal fortsætte.",
                    "The employee did not answer the employer's fast-track request in time. The municipality "
                    "decides whether fast track goes on."), on,
                opens=answer_by + timedelta(days=1),
                met_on=min((d for d in (known.date(facts.fast_track_decided_on), answered) if d), default=None),
                reason=ReasonCode.FAST_TRACK_DECISION))

    days = regime.fast_track_conversation_days
    conversation_text = (
        f"Kommunen holder den første samtale senest {days.value // 7} uger efter anmodningen om fast track.",
        f"The municipality holds the first conversation no later than {days.value // 7} weeks after the "
        "fast-track request.")
    if asked is None:
        waiting = awaiting_consent or any(o.code == Code.FAST_TRACK_DECISION and o.pending for o in obligations)
        obligations.append(Obligation(
            code=Code.FAST_TRACK_CONVERSATION, who=Who.MUNICIPALITY, date=None,
            state=State.UPCOMING if waiting else State.NOT_REQUIRED,
            regime=regime.code, source=days.source, text_da=conversation_text[0], text_en=conversation_text[1],
            why_da="" if waiting else "Der er ikke bedt om fast track.",
            why_en="" if waiting else "Fast track has not been asked for."))
        return obligations
    request_regime = regime_for(first, asked)
    days = request_regime.fast_track_conversation_days
    declined = known.date(facts.fast_track_declined_on)
    obligations.append(_make(
        Code.FAST_TRACK_CONVERSATION, Who.MUNICIPALITY, asked + timedelta(days=days.value), request_regime,
        days.source, conversation_text, on, opens=asked, met_on=known.held_since(asked),
        exemptions=[
            _Exemption(first, "Anmodningen kom efter fristen for fast track.",
                       "The request came after the fast-track window.") if asked > window_ends else None,
            _Exemption(declined, "Borgeren har sagt nej til fast track; den almindelige frist gælder.",
                       "The citizen declined fast track; the ordinary deadline applies.")
            if declined and declined >= asked else None,
            _standby(facts, known),
        ],
        reason=ReasonCode.FAST_TRACK))
    return obligations


def _questionnaire(facts: CaseFacts, known: _Known, regime: Regime) -> list[Obligation]:
    on = known.on
    days = regime.questionnaire_answer_days
    text = (f"Borgeren besvarer oplysningsskemaet senest {days.value} dage efter, at det er sendt.",
            f"The citizen answers the questionnaire (oplysningsskema) no later than {days.value} days after "
            "it was sent.")
    sent = known.date(facts.questionnaire_sent_on)
    if sent is None:
        return [_make(Code.QUESTIONNAIRE_DUE, Who.CITIZEN, None, regime, days.source, text, on, opens=None)]
    answer_by = sent + timedelta(days=days.value)
    submitted = known.date(facts.questionnaire_submitted_on)
    obligations = [_make(Code.QUESTIONNAIRE_DUE, Who.CITIZEN, answer_by, regime, days.source, text, on,
                         opens=sent, met_on=submitted, exemptions=[_standby(facts, known)])]
    if obligations[0].state == State.OVERDUE or (obligations[0].state == State.MET and submitted > answer_by):
        follow = regime.overdue_questionnaire_follow_up_days
        obligations.append(_make(
            Code.QUESTIONNAIRE_FOLLOW_UP, Who.MUNICIPALITY, answer_by + timedelta(days=1 + follow.value), regime,
            f"{days.source}; § 21", (
                f"Oplysningsskemaet er ikke besvaret inden for {days.value} dage. Kommunen kontakter borgeren, "
                "før der kan blive tale om at stoppe sygedagpengene.",
                f"The questionnaire was not answered within {days.value} days. The municipality contacts the "
                "citizen before sickness benefit can be stopped."), on,
            opens=answer_by + timedelta(days=1), met_on=submitted, exemptions=[_standby(facts, known)],
            reason=ReasonCode.QUESTIONNAIRE_OVERDUE))
    return obligations


def _check_in_text(regime: Regime) -> tuple[str, str]:
    weeks = regime.check_in_interval_weeks.value
    return (f"Borgeren svarer på en kort opfølgning i selvbetjeningen hver {weeks}. uge.",
            f"The citizen answers a short follow-up in self-service every {weeks} weeks.")


def _check_ins(facts: CaseFacts, known: _Known, regime: Regime) -> list[Obligation]:
    """The check-ins at the regime's cadence: each one met by the first answer after it opened,
    and the next one. An answer before the regular check-in opened (one asked sooner, when an
    expected return passed) moves the cadence on from that answer."""
    if facts.employment != "employed":
        return []
    on, source, text = known.on, regime.check_in_interval_weeks.source, _check_in_text(regime)
    interval = timedelta(weeks=regime.check_in_interval_weeks.value)
    answer_days = timedelta(days=regime.check_in_answer_days.value)
    due, obligations = facts.first_absence_day + interval, []
    for answer in sorted((c for c in facts.check_ins if c.answered_on <= on), key=lambda c: c.answered_on):
        if answer.answered_on >= due:
            obligations.append(_make(Code.CHECK_IN, Who.CITIZEN, due + answer_days, regime, source, text, on,
                                     opens=due, met_on=answer.answered_on))
            due = max(due, answer.due_on) + interval
        else:
            due = max(due, answer.due_on + interval)
    obligations.append(_make(Code.CHECK_IN, Who.CITIZEN, due + answer_days, regime, source, text, on,
                             opens=due, exemptions=[_standby(facts, known)]))
    return obligations


def _return_checks(facts: CaseFacts, known: _Known, regime: Regime) -> list[Obligation]:
    """An expected return that passes while the case is open is asked about at once; unanswered, it
    goes to the jobcenter. Each passed return is one obligation, met by the next word given."""
    on, days = known.on, regime.return_check_days
    history = known.expectations()
    obligations: list[Obligation] = []
    for index in range(len(history)):
        outlook = Outlook.of(history[:index + 1])
        back = outlook.expected_return
        following = history[index + 1].given_on if index + 1 < len(history) else None
        if back is None or outlook.unknown or (following is not None and following <= back):
            continue
        opens, answer_by = back + timedelta(days=1), back + timedelta(days=days.value)
        obligations.append(_make(Code.RETURN_CHECK_IN, Who.CITIZEN, answer_by, regime, days.source, (
            "Den forventede dato for at vende tilbage er passeret. Borgeren fortæller, om hun eller han er rask, "
            "eller hvornår det nu forventes.",
            "The expected return date has passed. The citizen says whether they are well, or when they now "
            "expect to be."), on, opens=opens, met_on=following,
            exemptions=[_standby(facts, known)]))
        if on > answer_by and (following is None or following > answer_by):
            met = min((d for d in (following, known.held_since(opens)) if d), default=None)
            obligations.append(_make(
                Code.RETURN_FOLLOW_UP, Who.MUNICIPALITY, answer_by + timedelta(days=1 + days.value), regime,
                days.source, (
                    "Borgeren er ikke vendt tilbage på den forventede dato og har ikke svaret. Kommunen "
                    "kontakter borgeren.",
                    "The citizen did not return on the expected date and has not answered. The municipality "
                    "contacts the citizen."), on,
                opens=answer_by + timedelta(days=1), met_on=met, exemptions=[_standby(facts, known)],
                reason=ReasonCode.RETURN_PASSED))
    return obligations


def _first_conversation(facts: CaseFacts, known: _Known, regime: Regime, lead: int) -> Obligation:
    first, on = facts.first_absence_day, known.on
    week = regime.first_conversation_week
    deadline = end_of_week(first, week.value)
    exemptions = [_standby(facts, known)]
    exempt_below = regime.conversation_exempt_below_weeks
    if exempt_below.value is not None and facts.employment == "employed":
        # Judged on what was known by the deadline: a later word cannot undo a missed conversation.
        by_deadline = Outlook.of(known.expectations(by=deadline))
        weeks = by_deadline.weeks_from(first)
        if not by_deadline.unknown and weeks is not None and weeks < exempt_below.value:
            # Name only the parties who said so: an employer who gave no word is not credited with one.
            parties = {e.party for e in known.expectations(by=deadline)}
            who_da, who_en = (("Borgeren og arbejdsgiveren forventer", "The citizen and the employer expect")
                              if parties >= {"citizen", "employer"} else
                              ("Arbejdsgiveren forventer", "The employer expects") if parties == {"employer"} else
                              ("Borgeren forventer", "The citizen expects"))
            exemptions.append(_Exemption(
                by_deadline.since,
                f"{who_da} raskmelding inden {exempt_below.value} uger; sagen er "
                "som udgangspunkt fritaget for samtaler.",
                f"{who_en} recovery within {exempt_below.value} weeks; the case is "
                "exempt from conversations as a rule.",
                f"expected_within:{exempt_below.value}:{'+'.join(sorted(parties))}"))
    weeks_now = Outlook.of(known.expectations()).weeks_from(first)
    limit = regime.self_service_max_expected_weeks
    if facts.employment != "employed":
        reason, opens = ReasonCode.NOT_EMPLOYED, facts.reported_on
    elif weeks_now is not None and weeks_now > limit.value:
        reason, opens = ReasonCode.LONG_EXPECTED_ABSENCE, Outlook.of(known.expectations()).since
    else:
        reason, opens = ReasonCode.FIRST_CONVERSATION_DUE, max(facts.reported_on, deadline - timedelta(days=lead))
    text = (f"Kommunen holder den første opfølgningssamtale inden udgangen af uge {week.value} regnet fra første "
            "fraværsdag.",
            f"The municipality holds the first follow-up conversation before the end of week {week.value} from "
            "the first absence day.")
    if reason == ReasonCode.NOT_EMPLOYED:
        text = (text[0] + " Borgeren er ikke lønmodtager, så sagen går straks til jobcentret.",
                text[1] + " The citizen is not employed, so the case goes to the jobcenter at once.")
    elif reason == ReasonCode.LONG_EXPECTED_ABSENCE:
        text = (text[0] + f" Det forventede fravær er over {limit.value} uger, så sagen går straks til jobcentret.",
                text[1] + f" The expected absence is over {limit.value} weeks, so the case goes to the jobcenter "
                "at once.")
    held = [c.held_on for c in known.held()]
    return _make(Code.FIRST_CONVERSATION, Who.MUNICIPALITY, deadline, regime, week.source, text, on,
                 opens=opens, met_on=held[0] if held else None, exemptions=exemptions, reason=reason)


def _requested(facts: CaseFacts, known: _Known, regime: Regime, lead: int) -> list[Obligation]:
    on, obligations = known.on, []
    asked = known.date(facts.conversation_requested_on)
    if asked is not None:
        days = regime.conversation_request_days
        obligations.append(_make(Code.REQUESTED_CONVERSATION, Who.MUNICIPALITY, asked + timedelta(days=days.value),
                                 regime, days.source, (
            f"Borgeren har bedt om en samtale. Kommunen holder den senest {days.value} dage efter.",
            f"The citizen asked for a conversation. The municipality holds it no later than {days.value} days "
            "after."), on, opens=asked, met_on=known.held_since(asked), reason=ReasonCode.CONVERSATION_REQUESTED))
    stalled = known.date(facts.plan_stalled_on)
    if stalled is not None:
        days = regime.conversation_request_days
        weeks = regime.plan_stall_weeks.value
        obligations.append(_make(Code.PLAN_FOLLOW_UP, Who.MUNICIPALITY, stalled + timedelta(days=days.value), regime,
                                 f"{regime.plan_stall_weeks.source}; sygedagpengeloven § 13", (
            f"Borgerens plan for at komme op i tid står stille: timerne er ikke steget i {weeks} uger. Kommunen "
            "taler med borgeren om, hvad der skal til.",
            f"The citizen's plan to step up hours has stalled: the hours have not risen for {weeks} weeks. The "
            "municipality talks to the citizen about what is needed."), on,
            opens=stalled, met_on=known.held_since(stalled), exemptions=[_standby(facts, known)],
            reason=ReasonCode.PLAN_STALLED))
    return obligations


def _standby_follow_up(facts: CaseFacts, known: _Known, regime: Regime, lead: int,
                       conversations: list[Obligation]) -> list[Obligation]:
    """Standby replaces the conversations with a follow-up without contact: by the first
    conversation's deadline, or `lead` days after standby was chosen if that is later. Chosen late,
    it never comes later than a conversation deadline it takes over (§ 13 b, stk. 5)."""
    since = known.date(facts.standby_since)
    if since is None:
        return []
    first_deadline = end_of_week(facts.first_absence_day, regime.first_conversation_week.value)
    due = max(first_deadline, since + timedelta(days=lead))
    if regime.standby_keeps_deadlines.value:
        # Only deadlines that stood when standby was chosen (what opened later, such as a follow-up
        # after a conversation held since, must not move this date once it has passed), and § 13 b's
        # half-year dates, which stand from the first day.
        # Read as known on the day standby was chosen: a word given later (an expected return that
        # exempts the first conversation) must not move a follow-up date that may have passed.
        if known.on > since:
            then = _Known(facts, since)
            conversations = [_first_conversation(facts, then, regime, lead), *_follow_ups(facts, then, regime, lead)]
        taken_over = [o.legal_date for o in conversations
                      if o.legal_date is not None and o.legal_date >= since and not (o.met_on and o.met_on < since)
                      and o.opens is not None and o.opens <= since]
        taken_over += [slot for slot in _half_year_slots(facts, regime).values() if slot >= since]
        due = min([due, *taken_over])
    source = "sygedagpengeloven § 13 b, stk. 5"
    if regime.standby_keeps_deadlines.value:
        source = f"{source}; {regime.standby_keeps_deadlines.source}"
    return [_make(
        Code.STANDBY_FOLLOW_UP, Who.MUNICIPALITY, due, regime, source, (
            "Borgeren har valgt standby-ordningen. Kommunen følger op uden at kontakte borgeren, ud fra "
            "oplysninger fra sygehus og læge.",
            "The citizen chose the standby scheme. The municipality follows up without contacting the "
            "citizen, from the hospital's and the doctor's information."), known.on,
        opens=since, met_on=known.held_since(since), reason=ReasonCode.STANDBY)]


def half_year_end(first_absence_day: date, regime: Regime) -> date:
    """The last day of "det første halve år" (§ 13 b) by the regime's reading of it."""
    weeks = end_of_week(first_absence_day, 26)
    months = months_before(first_absence_day, -6) - timedelta(days=1)
    chosen = regime.half_year_end.value
    return weeks if chosen == HalfYear.WEEKS else months if chosen == HalfYear.MONTHS else min(weeks, months)


def _half_year_slots(facts: CaseFacts, regime: Regime) -> dict[int, date]:
    """§ 13 b: the latest day of each conversation the first half-year asks for, numbered from 2 (the
    first conversation is 1): spread evenly from the first conversation's deadline to the half-year's
    last day, so each has its own date inside the half-year and a late one cannot push the rest out."""
    count = regime.half_year_conversations.value
    if count is None or count < 2:
        return {}
    first_by = end_of_week(facts.first_absence_day, regime.first_conversation_week.value)
    last = half_year_end(facts.first_absence_day, regime)
    span = max(0, (last - first_by).days)
    return {number: first_by + timedelta(days=span * (number - 1) // (count - 1)) for number in range(2, count + 1)}


def _follow_ups(facts: CaseFacts, known: _Known, regime: Regime, lead: int) -> list[Obligation]:
    """While the jobcenter keeps the case: the next conversation at the regime's cadence after the
    last one, and within the first half-year no later than § 13 b's own date for it. The half-year's
    conversations not yet reached are obligations too, each with its own date."""
    on, held = known.on, known.held()
    if not held:
        return []
    first_held = held[0].held_on
    slots = _half_year_slots(facts, regime)
    count = regime.half_year_conversations

    def recovery_only(conversation_regime: Regime, due: date) -> _Exemption | None:
        within = conversation_regime.recovery_only_within_weeks
        if within.value is None or facts.employment != "employed":
            return None
        outlook = Outlook.of(known.expectations(by=due))
        if outlook.unknown or outlook.expected_return is None or \
                outlook.expected_return > end_of_week(first_held, within.value):
            return None
        return _Exemption(
            max(outlook.since, first_held),
            f"Borgeren forventes tilbage inden udgangen af uge {within.value} efter den første samtale; "
            "der følges kun op på raskmelding (§ 13 f).",
            f"The citizen is expected back by the end of week {within.value} after the first conversation; "
            "only recovery is followed up (§ 13 f).")

    def follow_up(number: int, conversation_regime: Regime, due: date, opens: date, met_on: date | None,
                  after_last: bool) -> Obligation:
        interval = conversation_regime.follow_up_interval_weeks
        if number in slots:
            source = f"{count.source}; {interval.source}"
            text = (f"Jobcentret har sagen. Det er samtale nr. {number} af mindst {count.value} inden for det første "
                    f"halve år, og den holdes senest {interval.value} uger efter den forrige.",
                    f"The jobcenter has the case. This is conversation {number} of at least {count.value} within "
                    f"the first half-year, held no later than {interval.value} weeks after the previous one.")
        else:
            source = interval.source
            text = (f"Jobcentret har sagen og holder næste opfølgningssamtale senest {interval.value} uger efter den "
                    "sidste.",
                    f"The jobcenter has the case and holds the next follow-up conversation no later than "
                    f"{interval.value} weeks after the last one.")
        if not after_last:
            text = (text[0] + " Den forrige samtale er ikke holdt endnu; fristen flytter sig ikke af den grund.",
                    text[1] + " The previous conversation is not held yet; that does not move this deadline.")
        return _make(Code.FOLLOW_UP, Who.MUNICIPALITY, due, conversation_regime, source, text, on,
                     opens=opens, met_on=met_on,
                     exemptions=[_standby(facts, known), recovery_only(conversation_regime, due)],
                     reason=ReasonCode.FOLLOW_UP_DUE)

    obligations = []
    for index, conversation in enumerate(held):
        if conversation.outcome != "jobcenter":
            continue
        number = index + 2
        conversation_regime = regime_for(facts.first_absence_day, conversation.held_on)
        due = conversation.held_on + timedelta(weeks=conversation_regime.follow_up_interval_weeks.value)
        if number in slots:
            due = min(due, slots[number])
        following = held[index + 1].held_on if index + 1 < len(held) else None
        obligations.append(follow_up(number, conversation_regime, due,
                                     max(conversation.held_on, due - timedelta(days=lead)), following, True))
    if held[-1].outcome == "jobcenter":
        # The half-year's later conversations: their dates stand whether or not the next one is held.
        for number in range(len(held) + 2, (count.value or 0) + 1):
            due = slots[number]
            obligations.append(follow_up(number, regime, due, max(held[-1].held_on, due - timedelta(days=lead)),
                                         None, False))
    produced = {index + 2 for index, conversation in enumerate(held) if conversation.outcome == "jobcenter"}
    for back in range(1, len(held)):
        if held[back].outcome == "jobcenter" or held[back - 1].outcome != "jobcenter":
            continue
        # The case went back to self-service at this conversation. The half-year's conversations whose
        # dates had passed by then were owed, and a later fact does not undo a passed deadline; one
        # held afterwards meets them late.
        afterwards = held[back + 1].held_on if back + 1 < len(held) else None
        for number in range(back + 2, (count.value or 0) + 1):
            due = slots.get(number)
            if due is None or due >= held[back].held_on or number in produced:
                continue
            produced.add(number)
            obligations.append(follow_up(number, regime, due,
                                         max(held[back - 1].held_on, due - timedelta(days=lead)), afterwards, False))
    return obligations


def _follow_up_plan(facts: CaseFacts, known: _Known, regime: Regime) -> list[Obligation]:
    """Sygedagpengeloven § 16: at the first conversation the municipality decides whether a follow-up
    plan is needed; when the jobcenter keeps the case it is, made at the latest right after the
    second follow-up conversation (Ankestyrelsen, seed 001). It is due with the second conversation's
    deadline, held or not (an overdue second conversation must not hide it), or on the day that
    conversation was held if that came first."""
    held = known.held()
    if not any(conversation.outcome == "jobcenter" for conversation in held):
        return []
    candidates = [held[1].held_on] if len(held) >= 2 else []
    if regime.plan_due_with_second_deadline.value and held[0].outcome == "jobcenter":
        first_regime = regime_for(facts.first_absence_day, held[0].held_on)
        second_by = held[0].held_on + timedelta(weeks=first_regime.follow_up_interval_weeks.value)
        slot = _half_year_slots(facts, regime).get(2)
        candidates.append(min(second_by, slot) if slot else second_by)
    due = min(candidates) if candidates else None
    return [_make(Code.FOLLOW_UP_PLAN, Who.MUNICIPALITY, due, regime, "sygedagpengeloven § 16", (
        "Kommunen udarbejder en opfølgningsplan med fokus på at fastholde arbejdet og vende tilbage, senest i "
        "umiddelbar forlængelse af anden opfølgningssamtale. Borgeren får en kopi.",
        "The municipality makes a follow-up plan focused on keeping the job and returning to work, at the "
        "latest right after the second follow-up conversation. The citizen gets a copy."), known.on,
        opens=held[0].held_on, met_on=known.date(facts.plan_made_on))]


def reassessment_day(first_absence_day: date, earlier_sickness: tuple[tuple[date, date], ...],
                     regime: Regime, extra_days: int = 0) -> date:
    """The last day before benefit has been paid for the regime's weeks within its window of
    months (§ 24), counting every day of this sickness and of earlier sickness in the window.
    `extra_days` further days: the first day *more than* the weeks have been paid is 1."""
    limit = regime.reassessment_week.value * 7 + extra_days
    if not earlier_sickness:  # what the loop below finds at once: the limit's last day
        return first_absence_day + timedelta(days=max(0, limit - 1))
    months = regime.reassessment_window_months.value
    # The earlier sickness can at most bring the day forward by all of its days.
    day = first_absence_day + timedelta(days=max(0, limit - 1 - sum((end - start).days + 1
                                                                     for start, end in earlier_sickness)))
    while True:
        window_start = months_before(day, months) + timedelta(days=1)
        earlier = sum(max(0, (min(end, first_absence_day - timedelta(days=1)) - max(start, window_start)).days + 1)
                      for start, end in earlier_sickness)
        if (day - first_absence_day).days + 1 + earlier >= limit:
            return day
        day += timedelta(days=1)


def benefit_end_day(facts: CaseFacts, regime: Regime) -> date:
    """§ 24: the last day sickness benefit can be paid without an extension (§ 27). The limit takes
    effect at the end of the month in which more than the regime's weeks within its window have been
    paid, and the first days of the sickness (the employer period; two weeks for others) do not count
    (the guidance, afsnit 5.2-5.3). Later than the reassessment, which counts every day and is due
    before the period can run out."""
    uncounted = (regime.benefit_end_uncounted_days if facts.employment == "employed"
                 else regime.benefit_end_uncounted_days_not_employed).value
    over = reassessment_day(facts.first_absence_day + timedelta(days=uncounted), facts.earlier_sickness, regime,
                            extra_days=1)
    return months_before(over.replace(day=1), -1) - timedelta(days=1)


def _reassessment(facts: CaseFacts, known: _Known, regime: Regime, lead: int) -> Obligation:
    week = regime.reassessment_week
    due = reassessment_day(facts.first_absence_day, facts.earlier_sickness, regime)
    opens = max(facts.reported_on, due - timedelta(days=lead))
    counted = due != end_of_week(facts.first_absence_day, week.value)
    text = (f"Sygedagpenge kan som udgangspunkt udbetales i {week.value} uger inden for "
            f"{regime.reassessment_window_months.value} måneder. Kommunen revurderer sagen, før perioden udløber.",
            f"Sickness benefit is paid for {week.value} weeks within {regime.reassessment_window_months.value} "
            "months as a rule. The municipality reassesses the case before the period runs out.")
    if counted:
        text = (text[0] + " Tidligere sygdom i perioden er talt med.",
                text[1] + " Earlier sickness in the period is counted.")
    text = (text[0] + " Datoen er fristen for kommunens revurdering, ikke den dag sygedagpengene stopper.",
            text[1] + " The date is the deadline of the municipality's reassessment, not the day sickness benefit "
            "stops.")
    ends = regime.benefit_end_uncounted_days
    return replace(_make(Code.REASSESSMENT, Who.MUNICIPALITY, due, regime, f"{week.source}; {ends.source}", text,
                         known.on, opens=opens, met_on=known.held_since(opens), reason=ReasonCode.REASSESSMENT_DUE),
                   benefit_ends_on=benefit_end_day(facts, regime))


# Closure and corrections --------------------------------------------------------------------------

def _closed(obligation: Obligation, facts: CaseFacts, on: date) -> Obligation:
    """A closed case needs nothing more; what was overdue when it closed stays overdue (it was missed)."""
    closed = facts.closed_on
    if closed is None or closed > on or not obligation.pending:
        return obligation
    if obligation.date is not None and obligation.date < closed:
        return obligation
    return replace(obligation, state=State.NOT_REQUIRED, why_da="Sagen er lukket.", why_en="The case is closed.")


def _corrected(obligation: Obligation, facts: CaseFacts, on: date) -> Obligation:
    corrections = [c for c in facts.corrections
                   if c.code == obligation.code and c.for_date == obligation.date and c.decided_on <= on]
    if not corrections or obligation.state == State.MET or obligation.date is None:
        return obligation
    correction = max(corrections, key=lambda c: c.decided_on)
    if correction.kind == "waive":
        return replace(obligation, state=State.WAIVED, correction=correction,
                       why_da=correction.reason, why_en=correction.reason)
    moved = correction.new_date
    shift = moved - obligation.date
    opens = obligation.opens + shift if obligation.opens else None
    state = obligation.state
    if state in PENDING:
        state = State.OVERDUE if on > moved else State.DUE if opens and on >= opens else State.UPCOMING
    return replace(obligation, date=moved, opens=opens, state=state, original_date=obligation.date,
                   correction=correction, why_da=correction.reason, why_en=correction.reason)
