"""Screening: from the facts of a case and a date, the reasons the case needs the jobcenter.

Each reason says when the case must be handed over (`start`), the deadline it serves (`due`), the
rule and its legal source, in plain Danish and English. `start` is never after `due`: a reason
learnt after its legal deadline has passed is due at once, and `legal_deadline` keeps the date the
law set, so the queue can show how late it is."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .calendar import end_of_week
from .regimes import regime_on

EXPECTED_WEEKS = {  # the questionnaire's answer -> the longest absence it admits, in weeks
    "under_2_weeks": 2, "2_4_weeks": 4, "4_8_weeks": 8, "8_13_weeks": 13, "13_26_weeks": 26,
    "over_26_weeks": 52,
}


class ReasonCode(StrEnum):
    FAST_TRACK = "fast_track"
    NOT_EMPLOYED = "not_employed"
    LONG_EXPECTED_ABSENCE = "long_expected_absence"
    FIRST_CONVERSATION_DUE = "first_conversation_due"
    CONVERSATION_REQUESTED = "conversation_requested"
    QUESTIONNAIRE_OVERDUE = "questionnaire_overdue"
    STANDBY = "standby"
    REASSESSMENT_DUE = "reassessment_due"
    PLAN_STALLED = "plan_stalled"


@dataclass(frozen=True)
class CaseFacts:
    """What the portal knows of a case. Dates are when a thing happened or became known."""

    first_absence_day: date
    reported_on: date
    employment: str = "employed"               # employed | unemployed | self_employed
    is_open: bool = True
    expected_return: date | None = None        # None: the citizen does not know
    expected_duration: str | None = None       # the questionnaire's answer (EXPECTED_WEEKS keys)
    expected_known_on: date | None = None      # when the expectation was given
    employer_expected_weeks: int | None = None
    questionnaire_sent_on: date | None = None
    questionnaire_submitted_on: date | None = None
    fast_track_requested_on: date | None = None
    fast_track_declined_on: date | None = None
    conversation_requested_on: date | None = None
    standby_since: date | None = None
    first_conversation_held_on: date | None = None
    plan_stalled_on: date | None = None         # a step-up plan with no rise (rules.hours)


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    start: date
    due: date
    legal_deadline: date
    source: str
    regime: str
    explanation_da: str
    explanation_en: str


def expected_weeks(facts: CaseFacts) -> int | None:
    """The longest absence anyone expects, in weeks from the first absence day; None if unknown."""
    candidates = []
    if facts.expected_return:
        candidates.append(-(-(facts.expected_return - facts.first_absence_day).days // 7))
    if facts.expected_duration in EXPECTED_WEEKS:
        candidates.append(EXPECTED_WEEKS[facts.expected_duration])
    if facts.employer_expected_weeks is not None:
        candidates.append(facts.employer_expected_weeks)
    return max(candidates) if candidates else None


AT_ONCE = None


def _reason(code, known_on, legal_deadline, lead_days, regime, source, da, en) -> Reason:
    """Handed over `lead_days` before the deadline, or when it became known if that was later;
    AT_ONCE: as soon as it is known."""
    start = known_on if lead_days is AT_ONCE else max(known_on, legal_deadline - timedelta(days=lead_days))
    return Reason(code, start, max(legal_deadline, start), legal_deadline, source, regime.code, da, en)


def screen(facts: CaseFacts, on: date, lead_time_days: int | None = None) -> list[Reason]:
    """The reasons that apply to the case as known on `on`, under the regime in force then,
    soonest deadline first. A reason may start in the future: `needs_handover` tells if it is due."""
    if not facts.is_open:
        return []
    regime = regime_on(on)
    lead = regime.handover_lead_days.value if lead_time_days is None else lead_time_days
    reasons: list[Reason] = []
    on_standby = facts.standby_since is not None and facts.standby_since <= on
    conversation_held = facts.first_conversation_held_on is not None
    first_deadline = end_of_week(facts.first_absence_day, regime.first_conversation_week.value)

    fast_track = facts.fast_track_requested_on
    if fast_track and not (facts.fast_track_declined_on and facts.fast_track_declined_on >= fast_track):
        if not (conversation_held and facts.first_conversation_held_on >= fast_track):
            deadline = fast_track + timedelta(days=regime.fast_track_conversation_days.value)
            reasons.append(_reason(
                ReasonCode.FAST_TRACK, fast_track, deadline, AT_ONCE, regime,
                regime.fast_track_conversation_days.source,
                "Der er bedt om fast track. Kommunen skal holde den første samtale inden for 2 uger "
                "efter anmodningen.",
                "Fast track was requested. The municipality must hold the first conversation within "
                "2 weeks of the request."))

    if facts.employment != "employed" and not conversation_held:
        reasons.append(_reason(
            ReasonCode.NOT_EMPLOYED, facts.reported_on, first_deadline, AT_ONCE, regime,
            "KL's forslag til selvbetjening (seed 004); sygedagpengeloven § 13 b",
            "Borgeren er ikke lønmodtager (ledig eller selvstændig). Sagen hører ikke til i "
            "selvbetjeningen og går straks til jobcentret.",
            "The citizen is not employed (unemployed or self-employed). The case is outside "
            "self-service and goes to the jobcenter at once."))

    weeks = expected_weeks(facts)
    limit = regime.self_service_max_expected_weeks
    if weeks is not None and weeks > limit.value and not conversation_held and not on_standby:
        known = facts.expected_known_on or facts.reported_on
        reasons.append(_reason(
            ReasonCode.LONG_EXPECTED_ABSENCE, known, first_deadline, AT_ONCE, regime, limit.source,
            f"Det forventede fravær er over {limit.value} uger. Sagen kan ikke klares i "
            "selvbetjeningen, og den første opfølgningssamtale skal holdes inden fristen.",
            f"The expected absence is over {limit.value} weeks. The case cannot stay in "
            "self-service, and the first follow-up conversation is due by the deadline."))

    # Under 2019/2025 every case still open at week 8 needs the first conversation; from 2026
    # only when someone expects 26 weeks or more, or nobody knows.
    needs_first = weeks is None or weeks >= limit.value or regime.code != "2026"
    if needs_first and not conversation_held and not on_standby and facts.employment == "employed":
        reasons.append(_reason(
            ReasonCode.FIRST_CONVERSATION_DUE, facts.reported_on, first_deadline, lead, regime,
            regime.first_conversation_week.source,
            f"Sagen er stadig åben. Den første opfølgningssamtale skal holdes inden udgangen af "
            f"uge {regime.first_conversation_week.value} regnet fra første fraværsdag.",
            f"The case is still open. The first follow-up conversation must be held before the end "
            f"of week {regime.first_conversation_week.value} from the first absence day."))

    if facts.conversation_requested_on and not on_standby:
        asked = facts.conversation_requested_on
        if not (conversation_held and facts.first_conversation_held_on >= asked):
            reasons.append(_reason(
                ReasonCode.CONVERSATION_REQUESTED, asked,
                asked + timedelta(days=regime.conversation_request_days.value), AT_ONCE, regime,
                regime.conversation_request_days.source,
                "Borgeren har bedt om en samtale med jobcentret.",
                "The citizen asked for a conversation with the jobcenter."))

    sent = facts.questionnaire_sent_on
    if sent and not facts.questionnaire_submitted_on and not on_standby:
        answer_by = sent + timedelta(days=regime.questionnaire_answer_days.value)
        if on > answer_by:
            overdue_from = answer_by + timedelta(days=1)
            reasons.append(_reason(
                ReasonCode.QUESTIONNAIRE_OVERDUE, overdue_from,
                overdue_from + timedelta(days=regime.overdue_questionnaire_follow_up_days.value),
                AT_ONCE, regime, regime.questionnaire_answer_days.source + "; § 21",
                "Oplysningsskemaet er ikke besvaret inden for 8 dage. Kontakt borgeren, før der "
                "kan blive tale om at stoppe sygedagpengene.",
                "The questionnaire was not answered within 8 days. Contact the citizen before "
                "sickness benefit can be stopped."))

    stalled = facts.plan_stalled_on
    if stalled and not on_standby and not (conversation_held and facts.first_conversation_held_on >= stalled):
        reasons.append(_reason(
            ReasonCode.PLAN_STALLED, stalled, stalled + timedelta(days=regime.conversation_request_days.value),
            AT_ONCE, regime, regime.plan_stall_weeks.source + "; sygedagpengeloven § 13",
            f"Borgerens plan for at komme op i tid står stille: timerne er ikke steget i "
            f"{regime.plan_stall_weeks.value} uger. Tal med borgeren om, hvad der skal til.",
            f"The citizen's plan to step up hours has stalled: the hours have not risen for "
            f"{regime.plan_stall_weeks.value} weeks. Talk to the citizen about what is needed."))

    if on_standby:
        since = facts.standby_since
        deadline = max(first_deadline, since + timedelta(days=lead))
        reasons.append(_reason(
            ReasonCode.STANDBY, since, deadline, AT_ONCE, regime, "sygedagpengeloven § 13 b, stk. 5",
            "Borgeren har valgt standby-ordningen. Jobcentret følger op uden at kontakte borgeren, "
            "ud fra oplysninger fra sygehus og læge.",
            "The citizen chose the standby scheme. The jobcenter follows up without contacting "
            "the citizen, from the hospital's and doctor's information."))

    reassessment = end_of_week(facts.first_absence_day, regime.reassessment_week.value)
    reasons.append(_reason(
        ReasonCode.REASSESSMENT_DUE, facts.reported_on, reassessment, lead, regime,
        regime.reassessment_week.source,
        f"Sygedagpengene kan som udgangspunkt udbetales i {regime.reassessment_week.value} uger. "
        "Sagen skal revurderes, før perioden udløber.",
        f"Sickness benefit is paid for {regime.reassessment_week.value} weeks as a rule. The case "
        "must be reassessed before the period runs out."))

    return sorted(reasons, key=lambda r: (r.due, r.code))


def active_reasons(reasons: list[Reason], on: date) -> list[Reason]:
    return [r for r in reasons if r.start <= on]


def needs_handover(reasons: list[Reason], on: date) -> bool:
    return bool(active_reasons(reasons, on))


def handover_due(reasons: list[Reason]) -> date | None:
    return min((r.due for r in reasons), default=None)
