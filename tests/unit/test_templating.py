"""A template's {{ value }} writes what Jinja's own escape() wrote (portal.templating), for every
kind of value a page writes, and the error of a template still names its line."""
from __future__ import annotations

from datetime import date

import pytest
from jinja2 import DictLoader, Environment, TemplateRuntimeError, Undefined
from markupsafe import Markup, escape

from portal.templating import OutputCodeGenerator, PortalTemplate, output_escape


class Html:
    def __repr__(self):
        return "Html()"

    def __html__(self):
        return "<b>safe</b>"


class Shown:
    def __repr__(self):
        return "Shown()"

    def __str__(self):
        return "<i>'a' & \"b\"</i>"


VALUES = ["", "plain", "<script>alert('x') & \"y\"</script>", Markup("<b>marked</b> &amp;"), 0, 4242, -1.5,
          None, True, date(2026, 11, 16), Html(), Shown(), Undefined(), "æøå – “quoted”", ["<a>", 1]]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_same_text_as_escape(value):
    assert output_escape(value) == str(escape(value))


def environments():
    templates = {"page.html": ("<p>{{ value }}</p><p>{{ value ~ '<x>' }}</p><p>{{ value|e }}</p>"
                               "{% macro m(v) %}<m>{{ v }}</m>{% endmacro %}{{ m(value) }}"
                               "{% set block %}<s>{{ value }}</s>{% endset %}{{ block }}"
                               "{% autoescape false %}<r>{{ value }}</r>{% endautoescape %}"
                               "{% filter upper %}<u>{{ value }}</u>{% endfilter %}{% include 'part.html' %}"),
                 "part.html": "<i>{{ value }}</i>", "page.txt": "{{ value }}",
                 "broken.html": "<p>\n{{ value }}\n{{ fails() }}</p>"}
    plain = Environment(loader=DictLoader(templates), autoescape=lambda name: name.endswith(".html"))
    fast = Environment(loader=DictLoader(templates), autoescape=lambda name: name.endswith(".html"))
    fast.code_generator_class = OutputCodeGenerator
    return plain, fast


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("name", ["page.html", "page.txt"])
def test_a_template_renders_as_with_jinjas_escape(value, name):
    plain, fast = environments()
    if name == "page.html" and isinstance(value, Undefined):
        value = ""  # `~` and |e on an Undefined are Jinja's business, the same either way
    assert fast.get_template(name).render(value=value) == plain.get_template(name).render(value=value)
    assert "output_escape" in fast.compile(fast.loader.get_source(fast, name)[0], name, raw=True) \
        or name == "page.txt"


def test_an_error_names_the_templates_line():
    def fails():
        raise TemplateRuntimeError("no")

    def template_lines(environment):
        with pytest.raises(TemplateRuntimeError) as raised:
            environment.get_template("broken.html").render(value=1, fails=fails)
        return [(entry.frame.code.raw.co_name, entry.lineno) for entry in raised.traceback
                if entry.frame.code.raw.co_filename == "<template>"]

    plain, fast = environments()
    assert template_lines(fast) == template_lines(plain) == [("top-level template code", 2)]


def test_an_import_takes_the_kept_module_unless_the_page_brings_globals_of_its_own():
    """PortalTemplate: `{% import %}` answers what Jinja's own template answers: the kept module for a
    page with the environment's globals, a module of its own for a page with a global the macros'
    template lacks (its macros see that page's value), also for globals added after the first import."""
    templates = {"macros.html": "{% macro shown() %}{{ extra|default('none') }}{% endmacro %}",
                 "page.html": "{% import 'macros.html' as m %}{{ m.shown() }}"}
    environment = Environment(loader=DictLoader(templates))
    environment.template_class = PortalTemplate
    environment.globals["site"] = "portal"
    page = environment.get_template("page.html")
    assert page.render() == "none"
    macros = environment.get_template("macros.html")
    kept = macros._get_default_module(page.new_context({}))
    assert macros._get_default_module(page.new_context({})) is kept
    own = environment.get_template("page.html", globals={"extra": "own"})
    assert own.render() == "own"
    assert macros._get_default_module(own.new_context({})) is not kept
    environment.globals["later"] = 1
    environment.cache.clear()
    assert environment.get_template("page.html").render() == "none"
