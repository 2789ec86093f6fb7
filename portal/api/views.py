"""Thin views of the API: read the request, call the use case, answer JSON. Who may call what is
the token's scopes; which cases they see is the client's municipality (portal.cases.case_system)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import ValidationError

from .. import clock
from ..cases import case_system
from ..db import get_session
from ..limits import address, api_caller, api_limit, api_refused_limit, limiter, login_limit, refused_api_call
from ..personal_data import decrypt_cpr
from ..rules import ReasonCode
from . import oauth
from .connection import api_connection
from .idempotency import idempotent
from .oauth import require_token
from .openapi import description
from .problems import problem
from .schemas import (
    MAX_ID,
    Acknowledgement,
    HandoverQuery,
    Outcome,
    conversation_json,
    decode_cursor,
    encode_cursor,
    field_errors,
    handover_summary,
    package_json,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# One limit for every call of a token, in place of the forms' limit; the token endpoint is limited
# by address, as the login is.
limiter.limit(api_limit, key_func=api_caller)(bp)
limiter.limit(api_refused_limit, key_func=address, deduct_when=refused_api_call)(bp)


@bp.get("/openapi.json")
def openapi():
    return jsonify(description(current_app))


@bp.post("/oauth/token")
@limiter.limit(login_limit, key_func=address)
def token():
    response = current_app.extensions["portal.oauth_server"].create_token_response()
    if response.status_code != 200:
        oauth.audit_refused_token(response.status_code)
    return response


@bp.get("/handovers")
@require_token("handovers:read")
def handovers():
    try:
        query = HandoverQuery.model_validate(request.args.to_dict())
        after = decode_cursor(query.cursor) if query.cursor is not None else None
    except ValidationError as error:
        return problem(400, "invalid-request", "A query parameter is not valid.", errors=field_errors(error))
    except ValueError:
        return problem(400, "invalid-cursor", "Start again without a cursor, or use next_cursor as it was given.")
    if query.reason is not None and query.reason not in set(ReasonCode):
        return problem(400, "invalid-request", "A query parameter is not valid.",
                       errors=[{"field": "reason", "detail": f"Input should be one of {', '.join(ReasonCode)}"}])
    page = case_system.handovers(api_connection(), _client().municipality_code, case_system.HandoverFilter(
        status=query.status, reason=query.reason, due_from=query.due_from, due_to=query.due_to,
        after=after, limit=query.limit))
    today = clock.today()
    return jsonify({"items": [handover_summary(h, today) for h in page.rows],
                    "next_cursor": encode_cursor(page.next_after) if page.next_after else None})


@bp.get("/handovers/<int:handover_id>")
@require_token("cases:read")
def handover_package(handover_id: int):
    # The handover is read with the case file, in one statement (not through _handover).
    package = case_system.package(api_connection(), handover_id, _client().municipality_code, clock.today()) \
        if handover_id <= MAX_ID else None
    if package is None:
        return _not_found()
    if not isinstance(package, case_system.HandoverPackage):  # its case has moved away since: no case file here
        g.api_case_id = package.case_id
        return _not_found()
    g.api_case_id = package.handover.case_id  # for the audit log
    return jsonify(package_json(package, decrypt_cpr(package.file.citizen.cpr_encrypted), clock.today()))


@bp.post("/handovers/<int:handover_id>/acknowledge")
@require_token("handovers:write")
@idempotent
def acknowledge(handover_id: int):
    handover = _handover(handover_id)
    if handover is None:
        return _not_found()
    body = _body(Acknowledgement, optional=True)
    if not isinstance(body, Acknowledgement):
        return body
    try:
        handover = case_system.acknowledge(get_session(), handover, _caller(), body.external_reference,
                                           body.caseworker_name)
    except case_system.HandoverClosed:
        return _closed()
    return jsonify(handover_summary(handover, clock.today()))


@bp.post("/handovers/<int:handover_id>/outcome")
@require_token("handovers:write")
@idempotent
def outcome(handover_id: int):
    handover = _handover(handover_id)
    if handover is None:
        return _not_found()
    body = _body(Outcome)
    if not isinstance(body, Outcome):
        return body
    try:
        conversation = case_system.report_outcome(get_session(), handover, _caller(), body.held_on, body.outcome,
                                                  body.form, body.conversation_id, clock.today())
    except case_system.HandoverClosed:
        return _closed()
    except case_system.OutcomeRefused as refused:
        return problem(422, "invalid-request", "The outcome cannot be recorded.",
                       errors=[{"field": k, "detail": v} for k, v in refused.problems.items()])
    return jsonify({"handover": handover_summary(handover, clock.today()),
                    "conversation": conversation_json(conversation)})


def _client():
    return g.api_client


def _caller() -> case_system.CaseSystem:
    return case_system.CaseSystem(_client().client_id, _client().name)


def _handover(handover_id: int):
    if handover_id > MAX_ID:
        return None
    handover = case_system.handover_of(get_session(), handover_id, _client().municipality_code)
    if handover is not None:
        g.api_case_id = handover.case_id  # for the audit log
    return handover


def _not_found():
    # Another municipality's handover answers exactly as one that does not exist.
    return problem(404, None, "No handover with this id in your municipality.")


def _closed():
    return problem(409, "handover-closed", "The conversation is recorded and the handover closed.")


def _body(model, optional: bool = False):
    """The JSON body read by `model`, or the problem to answer with."""
    raw = request.get_data()
    if not raw.strip() and optional:
        return model()
    if request.mimetype != "application/json":
        return problem(415, "unsupported-media-type", "Send the body with Content-Type: application/json.")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            return problem(400, "malformed-json", "The body could not be read as JSON.")
        return problem(422, "invalid-request", "The body is not valid.", errors=field_errors(error))
