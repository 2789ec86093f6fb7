"""Which channel carries a message, as a table of cases: the pure choice between NemSMS, Digital
Post and paper from what Serviceplatformen says of the citizen (e-mail is never chosen here: it
is the citizen's own extra, queued as its own message)."""
from __future__ import annotations

import pytest

from portal.models import Channel
from portal.notify.channels import NEMSMS_MAX, PostalAddress, Reach, choose_channel

REGISTERED = Reach(digital_post=True)
WITH_NEMSMS = Reach(digital_post=True, nemsms=True)
EXEMPT = Reach(digital_post=False, address=PostalAddress("Bo Eksempel", "Prøvevej", "12", "8000", "Aarhus C"))
SHORT = "Husk at besvare dit oplysningsskema senest 24. november 2026: https://sygefravaer.example.dk/borger"


@pytest.mark.parametrize("kind, reach, notice, channel", [
    # Short reminders: NemSMS where the citizen is registered for it and the notice fits.
    ("questionnaire_due", WITH_NEMSMS, SHORT, Channel.NEMSMS),
    ("check_in_due", WITH_NEMSMS, SHORT, Channel.NEMSMS),
    ("questionnaire_due", WITH_NEMSMS, "x" * NEMSMS_MAX, Channel.NEMSMS),
    ("questionnaire_due", WITH_NEMSMS, "x" * (NEMSMS_MAX + 1), Channel.DIGITAL_POST),  # too long for one
    ("questionnaire_due", WITH_NEMSMS, None, Channel.DIGITAL_POST),
    ("questionnaire_due", REGISTERED, SHORT, Channel.DIGITAL_POST),
    ("check_in_due", REGISTERED, SHORT, Channel.DIGITAL_POST),
    # A warning that benefit may stop, letters, invitations: never a text message.
    ("questionnaire_overdue", WITH_NEMSMS, SHORT, Channel.DIGITAL_POST),
    ("conversation_booked", WITH_NEMSMS, SHORT, Channel.DIGITAL_POST),
    ("minutes_ready", WITH_NEMSMS, SHORT, Channel.DIGITAL_POST),
    ("plan_ready", REGISTERED, SHORT, Channel.DIGITAL_POST),
    # Exempt from Digital Post: paper, whatever the message.
    ("questionnaire_due", EXEMPT, SHORT, Channel.PHYSICAL_MAIL),
    ("questionnaire_overdue", EXEMPT, SHORT, Channel.PHYSICAL_MAIL),
    ("minutes_ready", EXEMPT, SHORT, Channel.PHYSICAL_MAIL),
    ("conversation_cancelled", EXEMPT, None, Channel.PHYSICAL_MAIL),
    # Registered for NemSMS but not for Digital Post (should not happen): the short notice still
    # reaches her phone; a letter goes on paper.
    ("check_in_due", Reach(digital_post=False, nemsms=True), SHORT, Channel.NEMSMS),
    ("plan_ready", Reach(digital_post=False, nemsms=True), SHORT, Channel.PHYSICAL_MAIL),
])
def test_the_channel_for_each_case(kind, reach, notice, channel):
    assert choose_channel(kind, reach, notice) == channel


def test_email_is_never_the_chosen_channel():
    for kind in ("questionnaire_due", "questionnaire_overdue", "check_in_due", "conversation_booked",
                 "conversation_moved", "conversation_cancelled", "minutes_ready", "plan_ready"):
        for reach in (REGISTERED, WITH_NEMSMS, EXEMPT, Reach(digital_post=False)):
            assert choose_channel(kind, reach, SHORT) != Channel.EMAIL
