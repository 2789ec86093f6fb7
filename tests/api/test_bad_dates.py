"""Dates outside the portal's range (1990-01-01 to 2100-12-31, portal.rules.calendar) in the API
(issue 27): a problem naming the field, as the forms and the calculator refuse them; never a 500."""
from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import PROBLEM, CaseSystem

OUTSIDE = "the date must be from 1990-01-01 to 2100-12-31"


@pytest.mark.parametrize("field", ["due_from", "due_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "9999-01-01", "2101-01-01", "1989-12-31", "0001-01-01"])
def test_a_query_date_outside_the_portals_dates_is_a_400_naming_it(world, field, day):
    app, _case, _handover = world
    answer = CaseSystem(app).get("/api/v1/handovers", query_string={field: day})
    assert answer.status_code == 400 and answer.mimetype == PROBLEM
    [error] = answer.get_json()["errors"]
    assert error["field"] == field and OUTSIDE in error["detail"]


@pytest.mark.parametrize("held_on", ["9999-12-31", "2101-01-01", "1989-12-31"])
def test_an_outcome_held_outside_the_portals_dates_is_refused_naming_held_on(world, held_on):
    app, _case, handover_id = world
    answer = CaseSystem(app).post(f"/api/v1/handovers/{handover_id}/outcome",
                                  json={"held_on": held_on, "outcome": "closed", "form": "phone"})
    assert answer.status_code == 422 and answer.mimetype == PROBLEM  # the API's answer to a body it cannot take
    [error] = answer.get_json()["errors"]
    assert error["field"] == "held_on" and OUTSIDE in error["detail"]


def test_a_cursor_with_a_date_in_year_9999_is_not_one_the_api_gave_out(world):
    app, _case, _handover = world
    forged = base64.urlsafe_b64encode(json.dumps(["9999-12-31", 1]).encode()).decode().rstrip("=")
    answer = CaseSystem(app).get("/api/v1/handovers", query_string={"cursor": forged})
    assert answer.status_code == 400 and answer.get_json()["type"].endswith(":invalid-cursor")


DATE_TEXT = st.one_of(st.dates().map(date.isoformat), st.sampled_from(["9999-12-31", "0001-01-01", "2100-12-31",
                                                                        "1990-01-01", "9999-99-99", ""]),
                      st.text(alphabet="0123456789-", max_size=12))


def test_no_date_in_the_api_gives_a_500(world):
    app, _case, handover_id = world
    api = CaseSystem(app)

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(due_from=DATE_TEXT, due_to=DATE_TEXT, held_on=DATE_TEXT)
    def call(due_from, due_to, held_on):
        listed = api.get("/api/v1/handovers", query_string={"due_from": due_from, "due_to": due_to})
        assert listed.status_code in (200, 400), listed.status_code
        # A date the API refuses: the handover stays open for the next example.
        outcome = api.post(f"/api/v1/handovers/{handover_id}/outcome",
                           json={"held_on": held_on, "outcome": "closed", "form": "phone",
                                 "conversation_id": 2_147_483_647})
        assert outcome.status_code in (200, 409, 422), outcome.status_code

    call()
