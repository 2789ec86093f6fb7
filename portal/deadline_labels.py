"""The timeline's words for people: a short name for each obligation, its state and who acts, in
both languages. The rules carry the longer texts themselves (they are pure and know no Babel)."""
from __future__ import annotations

from flask import Flask

from .i18n import lazy_gettext as _l
from .rules import Code, State, Who
from .rules.regimes import PORTAL
from .rules.screening import SERVICE_GOAL

OBLIGATION_LABELS = {
    Code.EMPLOYER_PERIOD_END: _l("The employer period ends"),
    Code.EMPLOYER_ABSENCE_CONVERSATION: _l("The employer's absence conversation"),
    Code.FAST_TRACK_WINDOW_END: _l("Last day to ask for fast track"),
    Code.FAST_TRACK_CONSENT: _l("The employee answers the employer's fast-track request"),
    Code.FAST_TRACK_DECISION: _l("The municipality decides on fast track"),
    Code.QUESTIONNAIRE_DUE: _l("The questionnaire (oplysningsskema) is answered"),
    Code.QUESTIONNAIRE_FOLLOW_UP: _l("The municipality follows up on the questionnaire"),
    Code.CHECK_IN: _l("Check-in in self-service"),
    Code.RETURN_CHECK_IN: _l("Expected return date passed: tell us how you are"),
    Code.RETURN_FOLLOW_UP: _l("The municipality follows up on the expected return"),
    Code.FIRST_CONVERSATION: _l("First follow-up conversation (opfølgningssamtale)"),
    Code.FAST_TRACK_CONVERSATION: _l("Fast-track conversation"),
    Code.REQUESTED_CONVERSATION: _l("The conversation the citizen asked for"),
    Code.STANDBY_FOLLOW_UP: _l("Follow-up without contact (standby-ordning)"),
    Code.PLAN_FOLLOW_UP: _l("Conversation about the step-up plan"),
    Code.FOLLOW_UP: _l("Next follow-up conversation"),
    Code.FOLLOW_UP_PLAN: _l("Follow-up plan (opfølgningsplan)"),
    Code.REASSESSMENT: _l("Reassessment (revurdering) before sickness benefit runs out"),
}
STATE_LABELS = {
    State.UPCOMING: _l("Upcoming"), State.DUE: _l("Due now"), State.MET: _l("Done"),
    State.OVERDUE: _l("Overdue"), State.NOT_REQUIRED: _l("Not required"), State.WAIVED: _l("Waived"),
}
STATE_BADGES = {
    State.UPCOMING: "badge-info", State.DUE: "badge-warning", State.MET: "badge-success",
    State.OVERDUE: "badge-error", State.NOT_REQUIRED: "", State.WAIVED: "",
}
WHO_LABELS = {
    Who.EMPLOYER: _l("The employer"), Who.CITIZEN: _l("The citizen"),
    Who.EMPLOYER_OR_CITIZEN: _l("The employer or the citizen"), Who.MUNICIPALITY: _l("The municipality"),
}


# The citizen's and the employer's own pages address the reader ("du"/"you", "I"/"you"): the rules'
# texts speak of "borgeren" for the caseworker, so these pages take their words from here instead.
AUDIENCE_LABELS = {
    "citizen": {
        Code.FAST_TRACK_CONSENT: _l("You answer your employer's fast-track request"),
        Code.REQUESTED_CONVERSATION: _l("The conversation you asked for"),
    },
    "employer": {
        Code.EMPLOYER_ABSENCE_CONVERSATION: _l("Your absence conversation with your employee"),
        Code.FAST_TRACK_CONSENT: _l("Your employee answers your fast-track request"),
    },
}
AUDIENCE_WHO_LABELS = {
    "citizen": {Who.EMPLOYER: _l("Your employer"), Who.CITIZEN: _l("You"),
                Who.EMPLOYER_OR_CITIZEN: _l("You or your employer")},
}
AUDIENCE_TEXTS = {
    "citizen": {
        Code.EMPLOYER_PERIOD_END: _l(
            "The employer period ends. After it, sickness benefit comes from the municipality."),
        Code.EMPLOYER_ABSENCE_CONVERSATION: _l("Your employer holds a conversation with you about your absence."),
        Code.FAST_TRACK_WINDOW_END: _l(
            "You or your employer can ask for fast track until this date, if you do not expect to be well "
            "within 8 weeks."),
        Code.FAST_TRACK_CONSENT: _l("You answer whether you agree to your employer's request for fast track."),
        Code.FAST_TRACK_DECISION: _l("The municipality decides whether your case goes on fast track."),
        Code.QUESTIONNAIRE_DUE: _l("You answer the questionnaire the municipality sent you."),
        Code.QUESTIONNAIRE_FOLLOW_UP: _l("If you have not answered the questionnaire, the municipality contacts you."),
        Code.CHECK_IN: _l("You answer a short follow-up in self-service."),
        Code.RETURN_CHECK_IN: _l(
            "Your expected return date has passed: tell us whether you are well, or when you now expect to "
            "be back."),
        Code.RETURN_FOLLOW_UP: _l("If you are not back and have not answered, the municipality contacts you."),
        Code.FIRST_CONVERSATION: _l("The municipality holds the first follow-up conversation with you."),
        Code.FAST_TRACK_CONVERSATION: _l("On fast track, the municipality holds a conversation with you early."),
        Code.REQUESTED_CONVERSATION: _l("You asked for a conversation: the municipality holds it by this date."),
        Code.STANDBY_FOLLOW_UP: _l("You are on standby: the municipality follows up without contacting you."),
        Code.PLAN_FOLLOW_UP: _l(
            "Your hours have not risen for some weeks: the municipality talks with you about what it takes."),
        Code.FOLLOW_UP: _l("The municipality holds the next follow-up conversation with you."),
        Code.FOLLOW_UP_PLAN: _l("The municipality makes a follow-up plan with you, and you get a copy."),
        Code.REASSESSMENT: _l(
            "Before your sickness benefit runs out, the municipality assesses whether it can be extended."),
    },
    "employer": {
        Code.EMPLOYER_PERIOD_END: _l(
            "Your employer period ends. After it, sickness benefit comes from the municipality."),
        Code.EMPLOYER_ABSENCE_CONVERSATION: _l("You hold a conversation with your employee about the absence."),
        Code.FAST_TRACK_WINDOW_END: _l(
            "You or your employee can ask for fast track until this date, if your employee is not expected "
            "to be well within 8 weeks."),
    },
}


# Why a step is not needed, said to the citizen or the employer on their own pages. The caseworker's
# reason for waiving stays on the caseworker's page: it is an internal note.
AUDIENCE_WHY = {
    ("citizen", "standby"): _l("You are in the standby scheme (standby-ordning), so the jobcenter follows up on "
                               "your case without calling you in."),
    ("citizen", State.WAIVED): _l("The jobcenter has decided that this is not needed in your case."),
    ("citizen", State.NOT_REQUIRED): _l("This is not needed in your case."),
    ("employer", State.WAIVED): _l("The jobcenter has decided that this is not needed in this case."),
    ("employer", State.NOT_REQUIRED): _l("This is not needed in this case."),
}


def audience_why(audience: str, obligation) -> str:
    """Why a step the reader sees is not needed, in their words; '' when it is needed."""
    if obligation.state not in (State.WAIVED, State.NOT_REQUIRED):
        return ""
    return (AUDIENCE_WHY.get((audience, obligation.why_code)) or AUDIENCE_WHY.get((audience, obligation.state))
            or "")


# The portal's own words in a rule's source, which is otherwise the law's Danish: English pages
# translate these and keep the rest marked as Danish.
PORTAL_PHRASES = {
    SERVICE_GOAL: _l("the portal's service goal"),
    "portalens praksis": _l("the portal's practice"),
    "portalens læsning: reglerne, der gjaldt, da sygdommen begyndte":
        _l("the portal's reading: the rules in force when the illness began"),
    "portalens sikre læsning: reglerne, der gjaldt på første fraværsdag":
        _l("the portal's safe reading: the rules in force on the first day of absence"),
    "portalens sikre læsning af ": _l("the portal's safe reading of "),
    ": sygdom fra 1. juli 2026": _l(": illness from 1 July 2026"),
    PORTAL: _l("the portal (the safe reading)"),
}


def source_parts(text: str) -> list[tuple[str, bool]]:
    """The source cut into (text, is_danish) parts, the portal's own phrases translated."""
    parts = [(text, True)]
    for phrase, translated in PORTAL_PHRASES.items():
        if phrase not in text:
            continue
        cut = []
        for part, danish in parts:
            if not danish:
                cut.append((part, danish))
                continue
            for i, piece in enumerate(part.split(phrase)):
                if i:
                    cut.append((str(translated), False))
                if piece:
                    cut.append((piece, True))
        parts = cut
    return parts


def init_app(app: Flask) -> None:
    @app.context_processor
    def _deadline_labels():
        return {"obligation_labels": OBLIGATION_LABELS, "obligation_state_labels": STATE_LABELS,
                "obligation_state_badges": STATE_BADGES, "obligation_who_labels": WHO_LABELS,
                "audience_labels": AUDIENCE_LABELS, "audience_who_labels": AUDIENCE_WHO_LABELS,
                "audience_texts": AUDIENCE_TEXTS, "source_parts": source_parts,
                "audience_why": audience_why}
