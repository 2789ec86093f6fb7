"""Templates' url_for and asset calls with literal arguments, compiled into filters
(portal.web.DirectLinks), render exactly what the calls did."""
from __future__ import annotations

import pytest
from flask import render_template
from werkzeug.routing import BuildError

from tests.conftest import with_templates

TEMPLATES = {
    "links.html": (
        "<a href=\"{{ url_for('main.index') }}\">{{ url_for('auth.login', face='citizen') }}</a>"
        "{% for endpoint in ['main.contact', 'main.deadlines'] %}{{ url_for(endpoint) }}{% endfor %}"
        "{{ url_for('main.switch_language', code='en', next='/a?b=1&c=<2>') }}"
        "{{ url_for('main.index', _external=True) }}{{ url_for('jobcenter.release', handover_id=0) }}"
        "{% set name = 'htmx/htmx.min.js' %}{{ asset('css/portal.css') }}{{ asset('vendor/' ~ name) }}"
        "{% set url = url_for('main.privacy_choice') %}{{ url }}"),
    "unknown.html": "{{ url_for('main.no_such_page') }}",
}


@pytest.fixture
def app(make_app):
    return with_templates(make_app(), TEMPLATES)


def rendered(app, name: str, script_root: str = "") -> str:
    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        return render_template(name)


def without_direct_links(app) -> None:
    env = app.jinja_env
    for key in [key for key in env.extensions if key.endswith("DirectLinks")]:
        del env.extensions[key]
    env.__dict__.pop("portal_overlays", None)
    env.cache.clear()


@pytest.mark.parametrize("script_root", ["", "/portal"])
def test_links_render_as_the_calls_did(app, script_root):
    direct = rendered(app, "links.html", script_root)
    assert f'<a href="{script_root}/">' in direct
    without_direct_links(app)
    assert direct == rendered(app, "links.html", script_root)


def test_a_literal_link_is_a_filter_not_a_call(app):
    code = app.jinja_env.compile(TEMPLATES["links.html"], "links.html", raw=True)
    assert "t_" in code and "portal_link" in code and "portal_asset" in code
    assert "'auth.login', 'face', 'citizen'" in code
    assert "_external=True" in code  # left a call
    assert "'vendor/'" in code and "context.call" in code  # an expression stays a call


def test_an_unknown_endpoint_still_fails(app):
    with pytest.raises(BuildError):
        rendered(app, "unknown.html")


def test_a_link_built_once_is_kept_for_its_own_script_root(app):
    assert '<a href="/">' in rendered(app, "links.html")
    assert '<a href="/portal/">' in rendered(app, "links.html", "/portal")
    assert '<a href="/">' in rendered(app, "links.html")


@pytest.mark.parametrize("path", ["/", "/jobcenter/?assignee=me", "/borger/sag/12?a=1&b=2", "/søg?q=æ ø+å%20#x",
                                  "/a/'!$()*,;:@~", ""])
@pytest.mark.parametrize("script_root", ["", "/portal"])
def test_the_language_link_is_what_url_for_builds(app, path, script_root):
    from flask import url_for

    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        language_url = app.jinja_env.globals["language_url"]
        for code in ("da", "en"):
            assert language_url(code, path) == url_for("main.switch_language", code=code, next=path)
            assert language_url(code, None) == url_for("main.switch_language", code=code)
