"""Sygefravær selvbetjening: the self-service portal for citizens on short sick leave."""
from __future__ import annotations

import os

from flask import Flask

from .config import check_production, from_environment


class Portal(Flask):
    """Flask, with ensure_sync's answer kept for each function. Flask asks it of every hook, context
    processor and view on every request (two dozen a page), and inspect's iscoroutinefunction
    unwraps each one every time. The portal has no async function; one added later is still wrapped
    each time, as Flask does."""

    SYNC_KEPT = 1024

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._known_sync: set = set()

    def ensure_sync(self, func):
        try:
            if func in self._known_sync:
                return func
        except TypeError:  # not hashable: asked every time
            return super().ensure_sync(func)
        found = super().ensure_sync(func)
        if found is func and len(self._known_sync) < self.SYNC_KEPT:
            self._known_sync.add(func)
        return found


def create_app(config: dict | None = None) -> Flask:
    """The app factory. Each part registers itself; this function only lists them in order."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Portal(__name__, instance_path=os.path.join(root, "instance"),
                 template_folder=os.path.join(root, "templates"),
                 static_folder=os.path.join(root, "static"))
    from .i18n import TranslatingEnvironment
    from .templating import OutputCodeGenerator, PortalTemplate

    app.jinja_environment = TranslatingEnvironment  # before anything makes app.jinja_env
    app.jinja_env.code_generator_class = OutputCodeGenerator  # before any template is compiled
    app.jinja_env.template_class = PortalTemplate
    app.config.update(from_environment(app.instance_path))
    app.config.update(config or {})
    check_production(app.config)
    # Every deadline follows the regimes with this municipality's own readings (or the safe defaults).
    from .rules.regimes import use_regimes, with_readings

    use_regimes(with_readings(app.config.get("PORTAL_READINGS") or {}))
    os.makedirs(app.instance_path, exist_ok=True)

    from . import (
        api,
        assets,
        auth,
        citizen,
        cli,
        db,
        deadline_labels,
        employer,
        errors,
        flashes,
        i18n,
        jobcenter,
        main,
        municipality_profiles,
        ops,
        web,
    )
    from .notify import archive

    for part in (ops, municipality_profiles, db, i18n, deadline_labels, assets, web, auth, flashes, main, citizen,
                 employer, jobcenter, api, errors, archive, cli):
        part.init_app(app)
    return app
