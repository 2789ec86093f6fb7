"""How a typed search term is read, and how names are folded into words: tables of what
caseworkers type. Pure: no Flask, no database."""
from __future__ import annotations

from datetime import date

import pytest

from portal.cases.search import Term, read_term
from portal.cases.workload import Tally, monday_of, week_of
from portal.names import name_tokens
from portal.rules import Reason, ReasonCode


@pytest.mark.parametrize(("typed", "term"), [
    ("610590-4321", Term(cpr="6105904321")),
    ("6105904321", Term(cpr="6105904321")),
    ("  610590 - 4321 ", Term(cpr="6105904321")),          # spaces around the hyphen, as copied from a letter
    ("17", Term(case_number=17, reference="17")),
    ("sag 17", Term(case_number=17, reference="sag 17")),
    ("Sag nr. 17", Term(case_number=17, reference="Sag nr. 17")),
    ("#17", Term(case_number=17, reference="#17")),
    ("KBH-2026-0042", Term(reference="KBH-2026-0042", words=("kbh", "2026", "0042"))),
    ("Lise Testesen", Term(reference="Lise Testesen", words=("lise", "testesen"))),
    ("lis  test", Term(reference="lis test", words=("lis", "test"))),
    ("Ahmed P", Term(reference="Ahmed P", words=("ahmed",))),  # one letter is no word to look for
    ("320290-1234", Term(case_number=None, reference="320290-1234", words=("320290", "1234"))),  # no such day
    ("", None), ("   ", None), ("x", None),
])
def test_read_term(typed, term):
    assert read_term(typed) == term


def test_the_audit_log_learns_how_a_term_was_read_never_the_term():
    assert read_term("610590-4321").kind == "cpr"
    assert read_term("17").kind == "number"
    assert read_term("Lise").kind == "name"


@pytest.mark.parametrize(("name", "tokens"), [
    ("Lise Testesen", ["lise", "testesen"]),
    ("Ahmed Prøvesen", ["ahmed", "prøvesen"]),
    ("Søren Ærø-Åberg", ["søren", "ærø", "aberg"]),     # å loses its ring on both sides of the search
    ("José  GARCÍA", ["jose", "garcia"]),
    ("Anne Anne", ["anne"]),
    ("", []), (None, []),
])
def test_name_tokens(name, tokens):
    assert name_tokens(name) == tokens


def reason(code: ReasonCode, due: date) -> Reason:
    return Reason(code=code, start=due, due=due, legal_deadline=due, source="", regime="2026",
                  explanation_da="", explanation_en="")


def test_the_tally_counts_per_week_late_ones_this_week_and_nothing_past_eight_weeks():
    today = date(2026, 11, 18)                     # a Wednesday in week 47
    tally = Tally(today)
    tally.add("101", [reason(ReasonCode.FIRST_CONVERSATION_DUE, date(2026, 11, 20)),
                      reason(ReasonCode.FOLLOW_UP_DUE, date(2026, 11, 2))])      # late: counted this week
    tally.add("101", [reason(ReasonCode.FIRST_CONVERSATION_DUE, date(2026, 11, 16))])
    tally.add("751", [reason(ReasonCode.STANDBY, date(2027, 1, 10)),            # the last of the 8 weeks
                      reason(ReasonCode.STANDBY, date(2027, 1, 11))])           # the 9th week: not counted
    assert dict(tally.counts) == {
        ("101", date(2026, 11, 16), "first_conversation_due"): 2,
        ("101", date(2026, 11, 16), "follow_up_due"): 1,
        ("751", date(2027, 1, 4), "standby"): 1,
    }


def test_a_week_is_short_of_times_only_for_conversations():
    week = week_of(monday_of(date(2026, 11, 18)), {"first_conversation_due": 3, "standby": 4}, booked=1, free=1)
    assert (week.total, week.conversations_due, week.short, week.iso_week) == (7, 3, 1, 47)
    assert week_of(date(2026, 11, 16), {"fast_track_decision": 2}, booked=0, free=0).short == 0
