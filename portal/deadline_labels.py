"""The timeline's words for people: a short name for each obligation, its state and who acts, in
both languages. The rules carry the longer texts themselves (they are pure and know no Babel)."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from .rules import Code, State, Who

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


def init_app(app: Flask) -> None:
    @app.context_processor
    def _deadline_labels():
        return {"obligation_labels": OBLIGATION_LABELS, "obligation_state_labels": STATE_LABELS,
                "obligation_state_badges": STATE_BADGES, "obligation_who_labels": WHO_LABELS}
