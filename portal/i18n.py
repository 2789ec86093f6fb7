"""Danish by default, English on request; the choice lives in the session."""
from __future__ import annotations

import os
import re
from datetime import date, datetime
from types import SimpleNamespace

import flask_babel
from babel import Locale, support
from babel import dates as babel_dates
from flask import Flask, g, request
from flask import session as _session_proxy
from flask.globals import _cv_app, _cv_request  # Flask's own context variables (flask.globals)
from flask.templating import Environment as FlaskEnvironment
from flask_babel import Domain, format_decimal, get_locale, to_user_timezone
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup, escape

from .extensions import babel

LOCALES = ("da", "en")


def _babel_context() -> SimpleNamespace | None:
    """Flask-Babel's per-request namespace, as its _get_current_context gives it (pinned Flask-Babel
    4.0: g._flask_babel, made on first use; None outside an app context), read from Flask's context
    variable directly. Flask-Babel's own reads g through its proxy three times a call, and a page
    calls it half a dozen times (the locale, the catalogue, each template's overlay)."""
    context = _cv_app.get(None)
    if context is None:
        return None
    namespace = context.g.__dict__.get("_flask_babel")
    if namespace is None:
        namespace = context.g._flask_babel = SimpleNamespace()
    return namespace


# Flask-Babel's get_locale, get_translations, force_locale and refresh find the namespace the same way.
flask_babel._get_current_context = _babel_context


def select_locale() -> str:
    """The session's language; a letter made for a message is in the citizen's (g.portal_locale)."""
    # From Flask's context variables, not the g and session proxies: a page asks this several times.
    app_context, context = _cv_app.get(None), _cv_request.get(None)
    forced = (app_context.g if app_context is not None else g).get("portal_locale")
    if forced in LOCALES:
        return forced
    session = context.session if context is not None else _session_proxy
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    if getattr(session, "store_down", False):
        # The session (and its choice of language) cannot be read: the browser's language is the
        # best guess for the page saying so (errors/503.html).
        return request.accept_languages.best_match(LOCALES) or "da"
    return "da"


# English as it is written in Denmark and in our letters: 04/07/2026, 14:30. Babel's bare "en" is
# American (7/4/26, 2:30 PM), and a reader here takes 7/4 for the 7th of April: a deadline misread.
ENGLISH_FORMATS = Locale("en", "GB")


def babel_locale_name() -> str:
    """The locale Babel formats dates and numbers with; the catalogue is still translations/en."""
    return "en_GB" if select_locale() == "en" else "da"


def formats_of(locale):
    """A letter made under force_locale("en") formats as the pages do."""
    return ENGLISH_FORMATS if locale is not None and locale.language == "en" and not locale.territory else locale


class RequestDomain(Domain):
    """Flask-Babel's message domain, with the request's catalogue found once a request instead of
    once a string (a page translates dozens of strings, and finding the catalogue costs more than
    the translation). Kept in `babel_translations`, which Flask-Babel's refresh() and
    force_locale() reset, so a changed locale is still seen."""

    def get_translations(self):
        ctx = _babel_context()
        translations = getattr(ctx, "babel_translations", None) if ctx is not None else None
        if translations is None:
            translations = super().get_translations()
            if ctx is not None:
                ctx.babel_translations = translations
        return translations


_UNTRANSLATED = support.NullTranslations()


def _catalogue():
    if _cv_app.get(None) is None:  # no app (a parser's unit test, a script): the text as written, as Flask-Babel does
        return _UNTRANSLATED
    return babel.domain_instance.get_translations()


def _translated(string: str, **variables) -> str:
    text = _catalogue().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's lazy_gettext (the same LazyString), translated with the request's catalogue as
    found once a request (RequestDomain), without Flask-Babel looking its domain and catalogue up
    again through the app at each use: a form page reads a dozen labels and choices."""
    return LazyString(_translated, string, **variables)


# Jinja's own `_` resolves `gettext` and calls it through two wrappers, and Flask-Babel's looks the
# catalogue up through three more: 19 µs a string here, and a page has 50. These do what Jinja's
# newstyle gettext does (the text is a format string, its values escaped on an HTML page) in one
# call, with the catalogue the context processor put in the template's context.
@pass_context
def template_gettext(context, string: str, **variables):
    text = (context.get("portal_catalogue") or _catalogue()).ugettext(string)
    if not variables:
        text = text % variables  # "%%" still reads "%", as in Jinja's
        return Markup(text) if context.eval_ctx.autoescape else text  # nosec B704: a translator's text
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704


@pass_context
def template_ngettext(context, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    text = (context.get("portal_catalogue") or _catalogue()).ungettext(singular, plural, num)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704


class ConstantTranslations(Extension):
    """At compile time, `_("literal")` (or gettext) with no values becomes the catalogue's text, as
    template_gettext would return it (the text % {}, marked safe): a page has dozens of them, and
    each call through Jinja's Context.call cost more than the translation. Only in a template that
    escapes HTML and has no {% autoescape %} block (where template_gettext answers Markup); anything
    else (values, a variable, a text that does not format) stays a call at render time."""

    def filter_stream(self, stream):
        catalogue = getattr(self.environment, "portal_catalogue", None)
        tokens = list(stream)
        autoescape = self.environment.autoescape
        escapes = autoescape(stream.name) if callable(autoescape) else autoescape
        if catalogue is None or not escapes or any(t.type == "name" and t.value == "autoescape" for t in tokens):
            return tokens
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if (token.type == "name" and token.value in ("_", "gettext") and index + 3 < len(tokens)
                    and tokens[index + 1].type == "lparen" and tokens[index + 2].type == "string"
                    and tokens[index + 3].type == "rparen" and not (out and out[-1].type in ("dot", "pipe"))):
                try:
                    text = catalogue.ugettext(tokens[index + 2].value) % {}
                except (TypeError, ValueError, KeyError):
                    text = None
                if text is not None:
                    line = token.lineno
                    out += [Token(line, "lparen", "("), Token(line, "string", text), Token(line, "pipe", "|"),
                            Token(line, "name", "safe"), Token(line, "rparen", ")")]
                    index += 4
                    continue
            out.append(token)
            index += 1
        return out


class TranslatingEnvironment(FlaskEnvironment):
    """Flask's Jinja environment with one overlay a catalogue (Danish, English): a template is
    compiled once for each language with its constant texts translated in (ConstantTranslations).
    Which overlay follows the catalogue the request's gettext uses (the session's language, or a
    letter's forced one); outside a request the templates translate at render time, as before."""

    portal_catalogue = None  # set on an overlay: the catalogue its templates were translated with
    OVERLAYS_KEPT = 16

    def _for_catalogue(self):
        if self.portal_catalogue is not None or _babel_context() is None:
            return self
        catalogue = _catalogue()
        overlays = self.__dict__.setdefault("portal_overlays", {})
        found = overlays.get(id(catalogue))
        if found is None or found[0] is not catalogue:
            if len(overlays) >= self.OVERLAYS_KEPT:
                overlays.clear()
            overlay = self.overlay(extensions=[ConstantTranslations])
            overlay.portal_catalogue = catalogue
            found = overlays[id(catalogue)] = (catalogue, overlay)
        return found[1]

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 (Jinja's own signature)
        environment = self._for_catalogue()
        if environment is self:
            return super().get_template(name, parent, globals)
        return environment.get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):  # noqa: A002
        environment = self._for_catalogue()
        if environment is self:
            return super().select_template(names, parent, globals)
        return environment.select_template(names, parent, globals)


_PLAIN_DATES: dict = {}
PLAIN_DATES_KEPT = 8192


def _plain_date(day: date, style: str, locale) -> str:
    """Memoised by the locale's parts, the ones Babel's Locale compares and hashes by: as a key the
    Locale itself was hashed and compared in Python (a new object each request), 1.4 µs a date."""
    key = (day, style, locale.language, locale.territory, locale.script, locale.variant, locale.modifier)
    text = _PLAIN_DATES.get(key)
    if text is None:
        if len(_PLAIN_DATES) >= PLAIN_DATES_KEPT:
            _PLAIN_DATES.clear()
        text = _PLAIN_DATES[key] = babel_dates.format_date(day, style, locale=locale)
    return text


def _date(day, style: str, locale=None) -> str:
    """A calendar date in the page's language; memoised, as a queue page formats dozens of them
    and Babel is slow at it. A datetime is shown in Flask-Babel's time zone (Europe/Copenhagen)."""
    if isinstance(day, datetime):
        return babel_dates.format_date(to_user_timezone(day), style, locale=formats_of(locale or get_locale()))
    return _plain_date(day, style, formats_of(locale or get_locale()))


def page_locale(context):
    """The Babel locale the template's context was made with (once a page): Flask-Babel's
    get_locale() looks it up through the request each time, 25 dates a queue page."""
    return context.get("portal_babel_locale") or get_locale()


@pass_context
def _date_long(context, day):
    return _date(day, "long", page_locale(context)) if day else ""


@pass_context
def _date_short(context, day):
    return _date(day, "short", page_locale(context)) if day else ""


@pass_context
def _datetime_short(context, moment):
    return babel_dates.format_datetime(to_user_timezone(moment), "short", locale=formats_of(page_locale(context))) \
        if moment else ""


@pass_context
def _datetime_long(context, moment):
    """A booking in a sentence, as the citizen's dates are written: "25. november 2026 kl. 10.00"."""
    if not moment:
        return ""
    from flask_babel import gettext

    locale = formats_of(page_locale(context))
    local = to_user_timezone(moment)
    return gettext("%(date)s at %(time)s", date=babel_dates.format_date(local, "long", locale=locale),
                   time=babel_dates.format_time(local, "short", locale=locale))


@pass_context
def _iso_date_long(context, text):
    return _date(date.fromisoformat(text), "long", page_locale(context)) if text else ""


# The official Danish terms an English page keeps beside its own words, so a reader can match them
# to the letters and the law. Marked with lang="da" (WCAG 3.1.2), so a screen reader says them in Danish.
DANISH_TERMS = re.compile(
    r"\b(?:delvis raskmelding|delvis sygemelding|1\. fraværsdag|"
    r"(?:sygedagpengeloven|bekendtgørelse(?: nr\. \d+ af [\d.]+)?|lov nr\. \d+ af [\d.]+)"
    r"(?:,? §§? ?\d+ ?[a-z]?(?:, stk\. \d+)?(?:, nr\. \d+)?)?|"
    r"sygedagpenge|oplysningsskema(?:et)?|opfølgningssamtale|opfølgningsplan(?:en)?|opfølgning|fraværssamtale|"
    r"standby-ordning|"
    r"raskmelding|sygemelding|lønmodtager|erstatningspersonnummer|databeskyttelsesforordningen|databeskyttelsesloven|"
    r"lov om tilgængelighed af offentlige organers websteder og mobilapplikationer)(?![\w-])", re.IGNORECASE)
_TAG = re.compile(r"(<[^>]*>)")


def mark_danish_terms(text):
    """Wrap the Danish terms in a text of an English page in <span lang="da">; tags are left alone."""
    if text is None or text == "" or select_locale() == "da":
        return text
    html = str(escape(text))
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # the even parts are text, the odd ones tags
        parts[index] = DANISH_TERMS.sub(lambda term: f'<span lang="da">{term.group(0)}</span>', parts[index])
    return Markup("".join(parts))  # nosec B704 (every text part was escaped above)


_DANISH_GLOSS = re.compile(r"\s*\(([^()]*)\)")


def without_danish_glosses(text: str) -> str:
    """For text that cannot carry markup (a select's options): on an English page, drop a Danish
    term given in brackets, "The questionnaire (oplysningsskema)", since no lang can mark it there."""
    if select_locale() == "da":
        return text
    return _DANISH_GLOSS.sub(lambda gloss: "" if DANISH_TERMS.fullmatch(gloss.group(1).strip()) else gloss.group(0),
                             str(text))


def written_in_danish(text):
    """Free text the jobcenter wrote (an agenda, minutes, a plan): caseworkers write in Danish, so on
    an English page it is marked as Danish (WCAG 3.1.2)."""
    if not text or select_locale() == "da":
        return text
    return Markup('<span lang="da">{}</span>').format(text)


def alert_label(kind: str) -> Markup:
    """What an alert's icon (a CSS mask, static/css/portal.css) says, for a screen reader: the icon is
    drawn by ::before with no text, so the kind is spoken from this visually hidden text instead."""
    from flask_babel import gettext

    labels = {"info": gettext("Information"), "success": gettext("Success"), "warning": gettext("Warning"),
              "error": gettext("Error")}
    return Markup('<span class="sr-only">{}: </span>').format(labels.get(kind, labels["info"]))


def init_app(app: Flask) -> None:
    root = os.path.dirname(app.instance_path)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(root, "translations"))
    babel.init_app(app, locale_selector=babel_locale_name)
    babel.domain_instance = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    app.jinja_env.filters["date_long"] = _date_long
    app.jinja_env.filters["iso_date_long"] = _iso_date_long
    app.jinja_env.filters["date_short"] = _date_short
    app.jinja_env.filters["datetime_short"] = _datetime_short
    app.jinja_env.filters["datetime_long"] = _datetime_long
    app.jinja_env.filters["da_terms"] = mark_danish_terms
    app.jinja_env.globals["alert_label"] = alert_label
    app.jinja_env.filters["danish"] = written_in_danish
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""

    @app.context_processor
    def _locale():
        # The catalogue and the Babel locale, found once a page for the filters and gettext above.
        return {"current_locale": select_locale(), "locales": LOCALES, "portal_catalogue": _catalogue(),
                "portal_babel_locale": get_locale(),
                "current_path": _cv_request.get().request.full_path.rstrip("?")}
