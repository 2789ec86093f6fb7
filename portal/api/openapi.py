"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.

Request bodies are the pydantic models' own JSON Schemas; answers are described here, closed
(`additionalProperties: false`), so a field added to an answer without a word here fails the tests
(tests/api: every route is checked against this, and schemathesis calls every operation)."""
from __future__ import annotations

from flask import Flask

from ..models import HandoverStatus
from ..rules import Code, ReasonCode, State, Who
from .oauth import SCOPES, TOKEN_SECONDS
from .problems import MEDIA_TYPE, PROBLEMS, TYPE_PREFIX
from .schemas import DATES, FORMS, MAX_ID, OUTCOMES, Acknowledgement, Outcome

VERSION = "1.0.0"


def _nullable(schema: dict) -> dict:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
FREE_FORM = {"type": "object", "description": "The answers as the form stored them, by step and field."}


def _closed_object(description: str | None = None, **properties) -> dict:
    schema = {"type": "object", "additionalProperties": False, "required": list(properties),
              "properties": properties}
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict:
    reason_codes = [str(code) for code in ReasonCode]
    return {
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details. `type` is about:blank for plain HTTP errors, otherwise "
                           f"{TYPE_PREFIX}<kind>, one of: {', '.join(PROBLEMS)}.",
            "required": ["type", "title", "status"],
            "properties": {
                "type": {"type": "string", "enum": ["about:blank", *(TYPE_PREFIX + kind for kind in PROBLEMS)]},
                "title": STRING, "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": STRING, "instance": STRING,
                "errors": {"type": "array", "items": _closed_object(field=STRING, detail=STRING)},
            },
            "additionalProperties": False,
        },
        "OAuthError": {
            "type": "object", "description": "RFC 6749 section 5.2 (what OAuth client libraries expect).",
            "required": ["error"],
            "properties": {"error": STRING, "error_description": STRING, "error_uri": STRING},
        },
        "Token": _closed_object(
            access_token=STRING, token_type={"type": "string", "enum": ["Bearer"]},
            expires_in={"type": "integer", "const": TOKEN_SECONDS}, scope=STRING),
        "HandoverSummary": _closed_object(
            "A handover in the list: when and why, and who has it. No personal data.",
            **_summary_properties(reason_codes)),
        "HandoverList": _closed_object(
            items={"type": "array", "items": _ref("HandoverSummary")},
            next_cursor={**_nullable(STRING), "description": "Pass as `cursor` for the next page; null on the last."}),
        "Reason": _closed_object(
            "Why the case needs a conversation, with the rule it comes from.",
            code={"type": "string", "enum": reason_codes}, start=DATE, due=DATE, legal_deadline=DATE,
            source={**STRING, "description": "The legal source (law and section, or KL's proposal)."},
            regime=STRING, explanation_da=STRING, explanation_en=STRING,
            obligation={**STRING, "description": "The timeline obligation the reason serves (see obligations)."}),
        "Company": _closed_object("The employer that gave the answer or made the request.",
                                  cvr={**STRING, "description": "CVR number, 8 digits"}, name=STRING),
        "Obligation": _closed_object(
            "One obligation of the case's timeline: who must do what by when, its state today, the rule and its "
            "source. A caseworker's correction (waived or moved, with the reason) is shown as such.",
            code={"type": "string", "enum": [str(c) for c in Code]},
            who={"type": "string", "enum": [str(w) for w in Who]}, date=_nullable(DATE),
            state={"type": "string", "enum": [str(s) for s in State]}, regime=STRING, source=STRING,
            text_da=STRING, text_en=STRING, why_da=_nullable(STRING), why_en=_nullable(STRING),
            met_on=_nullable(DATE), original_date=_nullable(DATE),
            correction={"type": ["object", "null"], "additionalProperties": False,
                        "required": ["kind", "reason", "by", "decided_on", "new_date"],
                        "properties": {"kind": {"type": "string", "enum": ["waive", "move"]}, "reason": STRING,
                                       "by": STRING, "decided_on": DATE, "new_date": _nullable(DATE)}}),
        "Conversation": _closed_object(
            id=INTEGER, status={"type": "string", "enum": ["booked", "held", "cancelled"]}, scheduled_at=DATETIME,
            form={"type": "string", "enum": list(FORMS)}, held_on=_nullable(DATE),
            outcome={"type": ["string", "null"], "enum": [*OUTCOMES, None]},
            recorded_via={**_nullable(STRING), "description": "The case system that reported it, if one did."}),
        "HandoverPackage": _closed_object(
            "Everything needed to take the case over without retyping it. Personal and health data: "
            "needs the cases:read scope, and every read is in the municipality's audit log.",
            handover=_closed_object(
                "As in the list, with the reasons in full.",
                **{**_summary_properties(reason_codes), "reasons": {"type": "array", "items": _ref("Reason")}}),
            case=_closed_object(
                id=INTEGER, status={"type": "string", "enum": ["open", "closed"]}, municipality_code=STRING,
                first_absence_day=DATE, reported_on=DATE, reported_by=STRING, employment=STRING,
                employer={"type": ["object", "null"], "additionalProperties": False, "required": ["cvr", "name"],
                          "properties": {"cvr": STRING, "name": _nullable(STRING)}},
                absence_kind={"type": "string", "enum": ["full", "partial"]},
                partial_hours_per_week=_nullable(NUMBER), expected_return=_nullable(DATE),
                expected_duration=_nullable(STRING), standby_since=_nullable(DATE), standby_group=_nullable(STRING),
                fast_track_requested_on=_nullable(DATE), fast_track_declined_on=_nullable(DATE),
                conversation_requested_on=_nullable(DATE), conversation_request_form=_nullable(STRING),
                conversation_request_reason=_nullable(STRING), first_conversation_held_on=_nullable(DATE),
                recovered_on=_nullable(DATE), closed_on=_nullable(DATE)),
            citizen=_closed_object(cpr=STRING, name=STRING, email=_nullable(STRING)),
            questionnaire={"type": ["object", "null"], "additionalProperties": False,
                           "required": ["status", "reference", "submitted_at", "answers"],
                           "properties": {"status": {"type": "string", "enum": ["draft", "submitted"]},
                                          "reference": _nullable(STRING), "submitted_at": _nullable(DATETIME),
                                          "answers": FREE_FORM}},
            employer=_closed_object(
                answers={"type": "array", "items": _closed_object(
                    company=_ref("Company"), answered_on=DATE, absence_conversation_on=_nullable(DATE),
                    absence_conversation_form=_nullable(STRING), expected_return=_nullable(DATE),
                    adjustments=_nullable(STRING), retention_plan=STRING)},
                fast_track_requests={"type": "array", "items": _closed_object(
                    company=_ref("Company"), requested_on=DATE, answer_due=DATE,
                    status={"type": "string", "enum": ["awaiting", "consented", "declined", "lapsed", "unanswered",
                                                      "continued", "stopped"]},
                    answered_on=_nullable(DATE), employer_answers=FREE_FORM,
                    citizen_answers={"type": ["object", "null"]})}),
            hours=_closed_object(
                weeks={"type": "array", "items": _closed_object(
                    week={**STRING, "description": "ISO week, e.g. 2026-W47"}, normal_hours=NUMBER,
                    worked_hours=NUMBER, absence_hours=NUMBER, planned_hours=_nullable(NUMBER), corrected=BOOLEAN)},
                step_up_plan={"type": ["object", "null"], "additionalProperties": False,
                              "required": ["start_monday", "start_hours", "weekly_increase", "full_hours"],
                              "properties": {"start_monday": DATE, "start_hours": NUMBER,
                                             "weekly_increase": NUMBER, "full_hours": NUMBER}},
                stalled_at=_nullable(STRING)),
            check_ins={"type": "array", "items": _closed_object(due_on=DATE, answered_on=DATE, answers=FREE_FORM)},
            conversations={"type": "array", "items": _ref("Conversation")},
            obligations={"type": "array", "items": _ref("Obligation"),
                         "description": "The case's timeline today: every deadline, from the portal's own rules."},
            timeline={"type": "array", "items": _closed_object(
                at=DATETIME, actor=STRING, kind=STRING, details={"type": "object"})}),
        "OutcomeRecorded": _closed_object(handover=_ref("HandoverSummary"), conversation=_ref("Conversation")),
        "Acknowledgement": Acknowledgement.model_json_schema(),
        "Outcome": Outcome.model_json_schema(),
    }


def _summary_properties(reason_codes: list[str]) -> dict:
    return {
        "id": INTEGER, "case_id": INTEGER, "status": {"type": "string", "enum": [str(s) for s in HandoverStatus]},
        "due": {**DATE, "description": "The earliest due date of its reasons: hold the conversation by then."},
        "overdue": BOOLEAN,
        "reasons": {"type": "array", "items": {"type": "string", "enum": reason_codes}},
        "assigned_to": {**_nullable(STRING), "description": "Who has it: a caseworker, or the case system."},
        "acknowledged_at": _nullable(DATETIME), "external_reference": _nullable(STRING),
        "created_at": DATETIME, "updated_at": DATETIME, "closed_on": _nullable(DATE),
    }


def _problem(description: str, headers: dict | None = None) -> dict:
    answer = {"description": description, "content": {MEDIA_TYPE: {"schema": _ref("Problem")}}}
    if headers:
        answer["headers"] = headers
    return answer


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


UNAUTHORIZED = _problem("No valid access token.", {
    "WWW-Authenticate": {"schema": STRING, "required": True}})
FORBIDDEN = _problem("The token lacks the scope this call needs.")
NOT_FOUND = _problem("No such handover in the client's municipality (another municipality's answers the same).")
TOO_MANY = _problem("Too many calls: wait as Retry-After says.")
HANDOVER_ID = {"name": "handover_id", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "example": 1}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": True,
    "description": "A key of your choosing (a UUID) for this write. Send the same key on a retry to get the first "
                   "answer back without the write happening twice. Kept for 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}


def _write_answers(success: str) -> dict:
    return {
        "200": _json(success, "HandoverSummary" if "acknowledged" in success else "OutcomeRecorded"),
        "400": _problem("The Idempotency-Key is missing or malformed, or the body is not JSON."),
        "401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_FOUND,
        "409": _problem("The handover is closed, or a request with this Idempotency-Key is still running.",
                        {"Retry-After": {"schema": STRING}}),
        "415": _problem("The body is not application/json."),
        "422": _problem("The body is not valid (see `errors`), or the Idempotency-Key was used for another "
                        "request."),
        "429": TOO_MANY,
    }


def description(app: Flask) -> dict:
    security = {"oauth2": list(SCOPES)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sygefravær selvbetjening: API for the municipality's case system",
            "version": VERSION,
            "description": "Handovers of sick-leave cases to the jobcenter, for the municipality's own case "
                           "system: list them, read a case's handover package, acknowledge pick-up and "
                           "report the conversation's outcome. A client sees only its own municipality's "
                           "cases; every call is written to the municipality's audit log.",
        },
        "servers": [{"url": app.config["PORTAL_PUBLIC_URL"]}],
        "components": {
            "securitySchemes": {
                "oauth2": {"type": "oauth2", "description": "Client credentials, one client per municipality.",
                           "flows": {"clientCredentials": {"tokenUrl": "/api/v1/oauth/token", "scopes": SCOPES}}},
                "clientSecret": {"type": "http", "scheme": "basic",
                                 "description": "client_id and client_secret (or send them in the form)."},
            },
            "schemas": _schemas(),
        },
        "paths": {
            "/api/v1/openapi.json": {"get": {
                "operationId": "describeApi", "summary": "This description", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
                    "schema": {"type": "object"}}}}}}},
            "/api/v1/oauth/token": {"post": {
                "operationId": "issueToken", "summary": "An access token (client credentials grant)",
                "security": [{"clientSecret": []}, {}],
                "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                    "type": "object", "required": ["grant_type"],
                    "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                                   "scope": {**STRING, "description": "Space-separated; left out, all the "
                                                                      "client's scopes."},
                                   "client_id": STRING, "client_secret": STRING}}}}},
                "responses": {
                    "200": _json("The token, valid for an hour.", "Token"),
                    "400": {"description": "Not a valid token request (OAuth error); a request the portal refuses "
                                           "before OAuth reads it (a NUL byte) is a problem.",
                            "content": {"application/json": {"schema": _ref("OAuthError")},
                                        MEDIA_TYPE: {"schema": _ref("Problem")}}},
                    "401": {"description": "The client is unknown, revoked or its secret is wrong.",
                            "content": {"application/json": {"schema": _ref("OAuthError")}}},
                    "429": TOO_MANY}}},
            "/api/v1/handovers": {"get": {
                "operationId": "listHandovers", "summary": "The municipality's handovers, soonest due first",
                "security": [{"oauth2": ["handovers:read"]}],
                "parameters": [
                    {"name": "status", "in": "query", "description": "Left out: open and claimed (the live ones).",
                     "schema": {"type": "string", "enum": [str(s) for s in HandoverStatus]}},
                    {"name": "reason", "in": "query", "schema": {"type": "string",
                                                                 "enum": [str(c) for c in ReasonCode]}},
                    {"name": "due_from", "in": "query", "description": f"Due on or after this day ({DATES}).",
                     "schema": DATE},
                    {"name": "due_to", "in": "query", "description": f"Due on or before this day ({DATES}).",
                     "schema": DATE},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}},
                    {"name": "cursor", "in": "query", "description": "next_cursor from the previous page.",
                     "schema": {"type": "string", "maxLength": 200}},
                ],
                "responses": {"200": _json("A page of handovers.", "HandoverList"),
                              "400": _problem("A query parameter or the cursor is not valid."),
                              "401": UNAUTHORIZED, "403": FORBIDDEN, "429": TOO_MANY}}},
            "/api/v1/handovers/{handover_id}": {"get": {
                "operationId": "readHandoverPackage", "summary": "A handover's case package",
                "security": [{"oauth2": ["cases:read"]}], "parameters": [HANDOVER_ID],
                "responses": {"200": _json("The package.", "HandoverPackage"), "401": UNAUTHORIZED,
                              "403": FORBIDDEN, "404": NOT_FOUND, "429": TOO_MANY}}},
            "/api/v1/handovers/{handover_id}/acknowledge": {"post": {
                "operationId": "acknowledgeHandover", "summary": "The case system has picked the handover up",
                "description": "An open handover is taken off the portal's queue in the case system's name; one a "
                               "caseworker already holds stays theirs and is marked as received.",
                "security": [{"oauth2": ["handovers:write"]}], "parameters": [HANDOVER_ID, IDEMPOTENCY_KEY],
                "requestBody": {"required": False, "content": {"application/json": {
                    "schema": _ref("Acknowledgement")}}},
                "responses": _write_answers("The handover, acknowledged.")}},
            "/api/v1/handovers/{handover_id}/outcome": {"post": {
                "operationId": "reportOutcome", "summary": "The conversation was held: its outcome",
                "description": "Closes the handover and stops its deadline, as a caseworker's record in the portal "
                               "would; the case view and the compliance page show it.",
                "security": [{"oauth2": ["handovers:write"]}], "parameters": [HANDOVER_ID, IDEMPOTENCY_KEY],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Outcome")}}},
                "responses": _write_answers("The closed handover and the conversation.")}},
        },
        "security": [security],
    }
