"""The extension objects, created unbound; create_app binds them."""
from authlib.integrations.flask_client import OAuth
from flask_babel import Babel
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
htmx = HTMX()
oauth = OAuth()
