"""What every response shares: CSRF (forms and htmx), rate limits, and the security headers."""
from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, current_app, url_for
from flask.globals import _cv_app, _cv_request  # Flask's own context variables (flask.globals)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from jinja2 import pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import limits, submissions
from .api.problems import answers_with_problems, is_api_request, problem
from .extensions import csrf, htmx
from .forms import aria

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")  # what Werkzeug parses into request.form
WERKZEUG_QUERY_SAFE = "!$'()*,/:;?@"  # werkzeug.urls._urlencode's safe characters (Werkzeug 3.1)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def local_path(target: str | None, fallback: str) -> str:
    """`target` if it stays on this site, else `fallback`: a `next` parameter must never send a
    citizen to another site (an open redirect)."""
    if not target:
        return fallback
    parsed = urlsplit(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return fallback
    return target


class DatabaseId(IntegerConverter):
    """<int:…> in every route takes only ids the database can hold (PostgreSQL's integer): a larger
    number is no page, 404, instead of an error from the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=2_147_483_647, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on the portal's configured address (PORTAL_PUBLIC_URL), never on the Host
    header a request came with: a forged Host must not steer a login return or a link in a letter."""
    return current_app.config["PORTAL_PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def invitation_settings(case_id: int):
    """What an invitation mail needs from the configuration: the zone, the organizer's address
    (the jobcenter's sender address) and the link to the citizen's case."""
    from email.utils import parseaddr

    from .notify.reminders import Invitations

    return Invitations(timezone=current_app.config["PORTAL_TIMEZONE"],
                       organizer=parseaddr(current_app.config["PORTAL_MAIL_FROM"])[1],
                       link=public_url("citizen.case", case_id=case_id))


def content_security_policy(config: dict) -> str:
    """No inline script or style anywhere (htmx is told not to inject its indicator style and not
    to evaluate, see base.html). Forms post only to the portal, and logout redirects on to the
    identity providers, so their origins are allowed as form targets."""
    origins = sorted({"{0.scheme}://{0.netloc}".format(urlsplit(p.issuer))
                      for p in config["PORTAL_OIDC"].values()})
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            f"frame-ancestors 'none'; form-action 'self' {' '.join(origins)}").strip()


def _csrf_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token")  # Flask-WTF's own salt


_SIGNED_CSRF_TOKENS: dict[tuple[str, str], str] = {}
_SIGNED_CSRF_TOKENS_KEPT = 8192


def remember_signed_csrf_token(secret_key: str, raw_token: str, signed: str) -> str:
    """Keep the first signed form of a session's token; every later page hands out that same one."""
    if len(_SIGNED_CSRF_TOKENS) >= _SIGNED_CSRF_TOKENS_KEPT:
        _SIGNED_CSRF_TOKENS.clear()  # any signed form stays valid, so forgetting costs one signing
    return _SIGNED_CSRF_TOKENS.setdefault((secret_key, raw_token), signed)


def signed_csrf_token(secret_key: str, raw_token: str) -> str:
    """Flask-WTF's signed form of a session's CSRF token, as its generate_csrf makes it. With
    WTF_CSRF_TIME_LIMIT None the token's timestamp is never checked, so it is signed once per token
    rather than once per page: signing (JSON, zlib, HMAC) cost a tenth of an empty page's CPU."""
    signed = _SIGNED_CSRF_TOKENS.get((secret_key, raw_token))
    if signed is None:
        signed = remember_signed_csrf_token(
            secret_key, raw_token, _csrf_serializer(secret_key).dumps(raw_token))
    return signed


def template_url_for(built: dict):
    """Templates' url_for. A link with no values (the layout's menu, footer and forms: twenty a page)
    is the same for every person, so it is built once per script root; one with values (an id, a
    `next`, _external) is built each time."""
    def url_for_in_template(endpoint: str, **values) -> str:
        # The request context read once from Flask's context variable: twenty links a page each read
        # it through two proxies (has_request_context, request) before.
        context = _cv_request.get(None)
        if values or endpoint.startswith(".") or context is None:
            return url_for(endpoint, **values)
        key = (context.request.script_root, endpoint)
        found = built.get(key)
        if found is None:
            found = built[key] = url_for(endpoint)
        return found

    return url_for_in_template


def template_link(built: dict):
    """The `portal_link` filter DirectLinks turns a template's url_for into: `url_for('main.index')`
    and `url_for(endpoint)` (no values), and `url_for('auth.login', face='citizen')` (values that are
    literals of the template, never the request's or a person's), built once per script root, as
    url_for_in_template builds a link with no values. `pairs` are the literal values' names and values."""
    @pass_context  # never folded into the template at compile time (Jinja folds a plain filter of literals)
    def link(_template_context, endpoint: str, *pairs) -> str:
        context = _cv_request.get(None)
        if endpoint.startswith(".") or context is None:
            return url_for(endpoint, **dict(zip(pairs[::2], pairs[1::2], strict=True)))
        key = (context.request.script_root, endpoint, *pairs) if pairs else (context.request.script_root, endpoint)
        found = built.get(key)
        if found is None:
            found = built[key] = url_for(endpoint, **dict(zip(pairs[::2], pairs[1::2], strict=True)))
        return found

    return link


def template_language_url(link):
    """The header's language link: url_for('main.switch_language', code=code, next=path), as
    Werkzeug builds it (the path part built once per script root by `link`, the query encoded as
    werkzeug.urls._urlencode does), without building the route for every page: 15 us a page to 5."""
    def language_url(code: str, next_path: str | None) -> str:
        base = link(None, "main.switch_language", "code", code)
        if next_path is None:
            return base
        return f"{base}?{urlencode([('next', next_path)], safe=WERKZEUG_QUERY_SAFE)}"

    return language_url


class DirectLinks(Extension):
    """At compile time, a template's `url_for('endpoint')`, `url_for(name)` and `url_for('endpoint',
    key='literal', ...)` become the `portal_link` filter, and `asset('literal')` the `portal_asset`
    filter. Jinja calls a global function through Context.call (which inspects it for pass_context
    and friends each time, some 2 us) but a filter directly, and a page has two dozen links. Values
    that are not literals, names starting with "_" (_external, _anchor) and blueprint-relative
    endpoints (".x") stay url_for calls. Errors (an unknown endpoint) are raised as before."""

    FILTERS = {"url_for": "portal_link", "asset": "portal_asset"}

    def filter_stream(self, stream):
        tokens = list(stream)
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            found = None
            if (token.type == "name" and token.value in self.FILTERS and index + 1 < len(tokens)
                    and tokens[index + 1].type == "lparen" and not (out and out[-1].type in ("dot", "pipe"))):
                found = self._literal_call(tokens, index + 2, token.value)
            if found is None:
                out.append(token)
                index += 1
                continue
            first, pairs, end = found
            line = token.lineno
            out += [Token(line, "lparen", "("), first, Token(line, "pipe", "|"),
                    Token(line, "name", self.FILTERS[token.value])]
            if pairs:
                out.append(Token(line, "lparen", "("))
                for position, (name, value) in enumerate(pairs):
                    if position:
                        out.append(Token(line, "comma", ","))
                    out += [Token(line, "string", name), Token(line, "comma", ","), value]
                out.append(Token(line, "rparen", ")"))
            out.append(Token(line, "rparen", ")"))
            index = end
        return out

    @staticmethod
    def _literal_call(tokens, start: int, function: str):
        """(first argument token, [(name, literal value token)], index after the call) for a call
        whose first argument is a string (or, for url_for alone, a bare name) and whose other
        arguments are name=literal; None for anything else."""
        if start >= len(tokens):
            return None
        first = tokens[start]
        if not (first.type == "string" or (function == "url_for" and first.type == "name")):
            return None
        if first.type == "string" and first.value.startswith("."):
            return None
        pairs, index = [], start + 1
        while index < len(tokens) and tokens[index].type == "comma":
            if function != "url_for" or index + 3 >= len(tokens):
                return None
            name, assign, value = tokens[index + 1], tokens[index + 2], tokens[index + 3]
            if (name.type != "name" or name.value.startswith("_") or assign.type != "assign"
                    or value.type not in ("string", "integer")):
                return None
            pairs.append((name.value, value))
            index += 4
        if index >= len(tokens) or tokens[index].type != "rparen":
            return None
        if first.type == "name" and pairs:  # a variable endpoint with values: built each time, as before
            return None
        return first, pairs, index + 1


def template_csrf_token(field_name: str):
    """Templates' csrf_token(): the token this request already holds in g (the session's signed
    token, put there before the view by _reuse_signed_csrf_token), read without Flask-WTF's
    generate_csrf, which reads the config, g and the session through their proxies each call (twice a
    logged-in page). Without one, generate_csrf makes it, as before."""
    def csrf_token() -> str:
        context = _cv_app.get(None)
        found = context.g.__dict__.get(field_name) if context is not None else None
        return found if found else generate_csrf()

    return csrf_token


def _csrf_by_method(app: Flask) -> None:
    """Flask-WTF's before_request hook asks whether the view is exempt (looking the view up and
    formatting its name) before it asks whether the method needs a token at all: every GET paid for
    the first question. The method is asked first here; for the methods it checks nothing changes."""
    hooks = app.before_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        if getattr(hook, "__module__", "") == "flask_wtf.csrf" and hook.__name__ == "csrf_protect":
            def csrf_protect(check=hook):
                if _cv_request.get().request.method in app.config["WTF_CSRF_METHODS"]:
                    return check()
                return None

            hooks[index] = csrf_protect
            return


def _csrf_token_in_templates(app: Flask) -> None:
    """Flask-WTF puts generate_csrf both in Jinja's globals and in every page's context (a context
    processor); one global is enough, and it is the quick one."""
    app.jinja_env.globals["csrf_token"] = template_csrf_token(app.config["WTF_CSRF_FIELD_NAME"])
    processors = app.template_context_processors[None]
    processors[:] = [processor for processor in processors
                     if getattr(processor, "__module__", "") != "flask_wtf.csrf"]


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId
    built: dict = {}
    app.jinja_env.globals["url_for"] = template_url_for(built)
    app.jinja_env.filters["portal_link"] = template_link(built)
    app.jinja_env.add_extension(DirectLinks)
    app.jinja_env.globals["language_url"] = template_language_url(app.jinja_env.filters["portal_link"])
    if app.config["PORTAL_TRUSTED_PROXIES"]:
        hops = app.config["PORTAL_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    csrf.init_app(app)
    _csrf_by_method(app)
    _csrf_token_in_templates(app)
    htmx.init_app(app)
    limits.init_app(app)
    submissions.init_app(app)  # after CSRF and the rate limits: only a genuine form claims its key
    app.jinja_env.globals["aria"] = aria
    app.jinja_env.globals["submission_key"] = lambda: secrets.token_urlsafe(18)
    policy = content_security_policy(app.config)
    always = [("Content-Security-Policy", policy), ("X-Content-Type-Options", "nosniff"),
              ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
              ("Permissions-Policy", PERMISSIONS_POLICY), ("Cross-Origin-Opener-Policy", "same-origin"),
              ("Cross-Origin-Resource-Policy", "same-origin")]
    if app.config["PORTAL_ENV"] == "production":
        always.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

    @app.before_request
    def _refuse_nul_bytes():
        # No keyboard types a NUL byte, and PostgreSQL cannot store one: refuse it at the door.
        # A page asked for JSON answers as it answers any bad input: a problem naming the fields.
        # Only what can hold one is parsed: a query string with %00 (or a raw NUL) in it, a form body.
        # The request is read from Flask's context variable once (each proxy read cost a microsecond).
        request = _cv_request.get().request
        query = request.query_string
        sent = [request.args] if b"%00" in query or b"\x00" in query else []
        if request.mimetype in FORM_TYPES:
            sent.append(request.form)
        fields = sorted({key for values in sent for key, value in values.items(multi=True) if "\x00" in value})
        if not fields:
            return None
        if answers_with_problems() and not is_api_request():
            detail = _("Remove the control character (NUL) and try again.")
            return problem(400, "invalid-request", detail,
                           errors=[{"field": name[:100], "detail": detail} for name in fields])
        abort(400)

    @app.before_request
    def _reuse_signed_csrf_token():
        raw_token = _cv_request.get().session.get("csrf_token")
        if raw_token and app.config["WTF_CSRF_TIME_LIMIT"] is None:
            _cv_app.get().g.csrf_token = signed_csrf_token(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key,
                                                           raw_token)

    @app.after_request
    def _remember_a_newly_signed_csrf_token(response: Response) -> Response:
        # A session's first form gets its token from Flask-WTF, signed this second; keep that one,
        # or the next page would sign it again with a later timestamp and hand out a second token.
        signed = _cv_app.get().g.get("csrf_token")  # g first: a static file never opens the session
        if not signed or app.config["WTF_CSRF_TIME_LIMIT"] is not None:
            return response
        raw_token = _cv_request.get().session.get("csrf_token")
        secret_key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        if raw_token and (secret_key, raw_token) not in _SIGNED_CSRF_TOKENS:
            # A login renews the session's token after g got the old one: keep only a true pair.
            try:
                pair = _csrf_serializer(secret_key).loads(signed) == raw_token
            except BadData:
                pair = False
            if pair:
                remember_signed_csrf_token(secret_key, raw_token, signed)
        return response

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # What a view set itself stands; the rest is added. The names are read once, not once a header.
        present = {name.lower() for name in response.headers.keys()}
        for name, value in always:
            if name.lower() not in present:
                response.headers.add(name, value)
        # Pages with personal data must not be kept by the browser or a shared proxy.
        if "cache-control" not in present and response.mimetype == "text/html":
            response.headers.add("Cache-Control", "no-store")
        return response
