"""Hostile and random input into every form the portal has (hypothesis): each answer is a page with
field errors, a redirect, or a 4xx; never a 500, and a refused form stores nothing at all.

The forms are found, not listed: every POST route in the URL map, its fields read from the page
that holds its form, so a new form is fuzzed without anyone remembering to add it."""
from __future__ import annotations

import re
from html import unescape

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel, func, select

from portal.db import session_scope

from .test_access_matrix import LISE, METTE, routes
from .test_access_matrix import setup as setup  # noqa: F401 (the fixture: the same world)

HOSTILE = [
    "", " ", "0", "-1", "1e309", "NaN", "inf", "99999999999999999999", "0,5", "37,5", "١٢", "９",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --", "'; DROP TABLE sick_case; --",
    "{{ 7*7 }}", "${7*7}", "%s%s%s%n", "../../etc/passwd", "\x00", "\u202eevil", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😷", "e\u0301",
    "2026-02-30", "2026-13-01", "31.02.2026", "0000-00-00", "9999-12-31", "2026-W99", "2026-W00", "1900-01-01",
    "25:61", "010100-0000", "3213131313", "12345678", "x" * 300, "æøå" * 2000,
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60),
                   st.text(alphabet=st.characters(codec="utf-8"), max_size=20000).map(lambda s: s[:20000]))

# Where each form lives for the role that may send it; POST-only routes are sent from another page.
HOLDERS = {
    "citizen.withdraw_standby": "/borger/sag/{case_id}/standby",
    "jobcenter.book": "/jobcenter/sag/{case_id}",
    "jobcenter.held": "/jobcenter/sag/{case_id}",
    "jobcenter.claim": "/jobcenter/",
    "jobcenter.release": "/jobcenter/",
    "auth.logout": "/",
}
SKIP = {"auth.logout", "auth.keep_alive", "citizen.end_other_sessions",  # end or renew sessions: no fields
        "auth.backchannel_logout"}  # a JWT from the identity provider, tested in test_oidc_profile
# The API's writes take JSON, not forms: schemathesis fuzzes them (tests/api/test_openapi.py).
API_WRITES = {"api.token", "api.acknowledge", "api.outcome"}
SKIP |= API_WRITES


def field_names(html: str) -> list[str]:
    names = re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html)
    return sorted({unescape(n) for n in names} - {"csrf_token", "submission"} -
                  {n for n in names if n.endswith("csrf_token")})


def token_and_key(html: str) -> dict:
    token = re.search(r'name="([\w-]*csrf_token)"[^>]*value="([^"]+)"', html) or \
        re.search(r'"X-CSRFToken": "([^"]+)"', html)
    fields = {"csrf_token": token.groups()[-1]}
    key = re.search(r'name="submission" value="([^"]+)"', html)
    if key:
        fields["submission"] = key.group(1)
    return fields


def row_counts(app) -> dict:
    with app.app_context(), session_scope(app) as db:
        return {table.name: db.exec(select(func.count()).select_from(table)).one()
                for table in SQLModel.metadata.sorted_tables
                if table.name not in ("submitted_form", "audit_entry")}


def hostile_posts(app, client, url: str, holder: str, names: list[str]):
    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.fixed_dictionaries({name: VALUES for name in names}))
    def post_hostile(data):
        note(f"POST {url}")
        page = client.get(holder, follow_redirects=True).get_data(as_text=True)
        before = row_counts(app)
        response = client.post(url, data={**data, **token_and_key(page)})
        assert response.status_code < 500, response.get_data(as_text=True)[:3000]
        if response.status_code >= 400:
            assert row_counts(app) == before, "a refused form stored something"
            body = response.get_data(as_text=True)
            assert "Traceback" not in body
            # What was typed is shown back escaped, never as markup.
            assert "<script>alert(1)</script>" not in body and "<img src=x" not in body

    return post_hostile


@pytest.mark.slow
def test_hostile_input_to_every_form_never_breaks_and_never_half_stores(setup):  # noqa: F811
    app, clients, ids = setup
    owner_of = {"citizen": clients[LISE], "jobcenter": clients[METTE], "employer": clients["hanne"]}
    fuzzed = []
    for rule, method in routes(app):
        if method != "POST" or rule.endpoint in SKIP:
            continue
        url = rule.build({k: v for k, v in ids.items() if k in rule.arguments}, append_unknown=False)[1]
        client = owner_of[rule.endpoint.split(".")[0]]
        holder = HOLDERS.get(rule.endpoint, url).format(**ids)
        names = field_names(client.get(holder, follow_redirects=True).get_data(as_text=True)) or ["anything"]
        fuzzed.append(rule.endpoint)

        hostile_posts(app, client, url, holder, names)()
    every_form = {rule.endpoint for rule, method in routes(app) if method == "POST"} - SKIP
    assert set(fuzzed) == every_form


@settings(max_examples=60, deadline=None, database=None)
@given(side=VALUES, reason=VALUES, status=VALUES, assignee=VALUES)
def _queue_filters(client, side, reason, status, assignee):
    response = client.get("/jobcenter/", query_string={"side": side, "reason": reason, "status": status,
                                                       "assignee": assignee})
    assert response.status_code in (200, 400), response.status_code


def test_hostile_queue_filters_never_break_the_queue(setup):  # noqa: F811
    _app, clients, _ids = setup
    _queue_filters(clients[METTE])
