"""The extension objects, created unbound; create_app binds them. (The OAuth registry is made per
app in portal.auth.oidc instead: each app may point at its own issuers, e.g. in tests.)"""
from flask_babel import Babel
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
htmx = HTMX()
