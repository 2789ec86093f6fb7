"""The public deadline calculator's form: read from the query string, so a result can be linked."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import Optional

from ..forms import DanishDateField
from ..i18n import lazy_gettext as _l


class DeadlineCalculatorForm(FlaskForm):
    class Meta:
        csrf = False  # a GET calculation changes nothing

    first_absence_day = DanishDateField(_l("First day of absence (1. fraværsdag)"), validators=[Optional()],
                                        description=_l("The first day the employee was away because of sickness."))
    fast_track_requested_on = DanishDateField(_l("Date fast track was asked for (optional)"), validators=[Optional()])
    questionnaire_sent_on = DanishDateField(_l("Date the questionnaire (oplysningsskema) was sent (optional)"),
                                            validators=[Optional()])
    expected_return = DanishDateField(_l("Expected first day back at work (optional)"), validators=[Optional()])
    on = DanishDateField(_l("Show the deadlines as on (optional)"), validators=[Optional()],
                         description=_l("Leave it empty for today."))
