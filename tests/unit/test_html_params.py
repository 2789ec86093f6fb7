"""The portal's html_params (portal/forms.py) writes what WTForms' own writes, only faster."""
import importlib.util

import pytest
from markupsafe import Markup
from wtforms.widgets import core

import portal.forms as forms


def wtforms_own():
    """WTForms' html_params from a fresh copy of its module, which the portal has not touched."""
    spec = importlib.util.find_spec("wtforms.widgets.core")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.html_params



@pytest.mark.parametrize("attributes", [
    {"name": "text1", "id": "f", "class_": "text"},
    {"checked": True, "readonly": False, "name": "t", "abc": 'a "quoted" <b>'},
    {"data_attr": "user.name", "aria_labeledby": "name"},
    {"aria-describedby": "a b", "aria-invalid": "true", "value": Markup('a"b&amp;')},
    {"value": 3, "for_": "&", "other": None},
    {},
])
def test_the_same_attributes_as_wtforms(attributes):
    ours, theirs = forms.html_params(**attributes), wtforms_own()(**attributes)
    assert ours == theirs
    assert isinstance(ours, Markup)


def test_the_copy_is_wtforms_own():
    assert wtforms_own() is not forms.html_params


def test_every_widget_uses_it():
    assert core.html_params is forms.html_params
    assert core.Input.html_params is forms.html_params
    assert core.Button.html_params is forms.html_params
