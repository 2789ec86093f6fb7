""""Where you are logged in": every face's list of the person's live sessions, each of which can be
logged out (a forgotten shared computer, a stolen phone). The faces only give it their routes."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import ngettext
from flask_wtf import FlaskForm

from .server_session import end, live_sessions
from .session import current_user


class EndSessionsForm(FlaskForm):
    """A button that logs out another session: the CSRF token is the whole form (the session to end,
    if one, is a hidden field read by the view)."""


def page(end_endpoint: str):
    """The person's open sessions (other browsers and devices), which they can end."""
    user = current_user()
    rows = live_sessions(current_app._get_current_object(), user.role, user.subject)
    return render_template("sessions.html", rows=rows, this_session=session.key, form=EndSessionsForm(),
                           end_url=url_for(end_endpoint))


def end_others(page_endpoint: str):
    """End one other session (by its public id) or, without one, every other session."""
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    user, app = current_user(), current_app._get_current_object()
    chosen = request.form.get("session")
    keys = [row.id for row in live_sessions(app, user.role, user.subject)
            if row.id != session.key and (chosen is None or row.public_id == chosen)]
    ended = end(app, keys, f"ended_by_{user.role}")
    flash(ngettext("%(num)d other session is logged out.", "%(num)d other sessions are logged out.", ended),
          "success")
    return redirect(url_for(page_endpoint), code=303)
