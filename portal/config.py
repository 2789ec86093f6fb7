"""Settings from PORTAL_* environment variables, with defaults that are safe on a laptop.

Every default here serves development: an SQLite file under instance/, the bundled development
identity provider, in-memory rate limits. `check_production` refuses to start a production
instance that still carries any of the development-only parts.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

# Development-only values (bandit B105): check_production refuses every one of them.
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # nosec B105
DEV_CPR_HASH_KEY = "dev-only-cpr-hash-key"
# A valid Fernet key that is public in this repository: fine for a laptop, refused in production.
DEV_CPR_ENCRYPTION_KEY = "ZGV2LW9ubHktY3ByLWVuY3J5cHRpb24ta2V5LTMyYiE="
DEV_IDP_ISSUER = "http://127.0.0.1:5001"
DEV_CLIENT_ID = "portal-dev"
DEV_CLIENT_SECRET = "portal-dev-secret"  # nosec B105
DEV_SF_CVR = "11111111"  # the sender of Digital Post written to files on a laptop
POST_SENDERS = ("serviceplatformen", "file")
REGISTERS = ("serviceplatformen", "local")
# SF1520 PersonBaseDataExtended (version 5) on Serviceplatformen's test and production systems.
SF1520_TEST_URL = "https://exttest.serviceplatformen.dk/service/CPR/PersonBaseDataExtended/5"
SF1520_PRODUCTION_URL = "https://prod.serviceplatformen.dk/service/CPR/PersonBaseDataExtended/5"

FACES = ("citizen", "employer", "caseworker")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"PORTAL_{name}")
    return default if value in (None, "") else value


def _int(name: str, default: str) -> int:
    """A whole number, or the configuration error that names the setting (not a bare ValueError)."""
    value = _env(name, default)
    try:
        return int(value.strip())
    except ValueError:
        raise UnsafeProductionConfig(f"PORTAL_{name} must be a whole number, not {value!r}") from None


def _number(name: str, default: str) -> float:
    """A number (seconds may have decimals), or the configuration error that names the setting."""
    value = _env(name, default)
    try:
        return float(value.strip())
    except ValueError:
        raise UnsafeProductionConfig(f"PORTAL_{name} must be a number, not {value!r}") from None


def _flag(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class OIDCProvider:
    """One login: which issuer, which client, and which claims carry what (NemLog-in, a broker,
    MitID Erhverv or a municipality's own provider all name their claims differently)."""

    face: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str
    claim_cpr: str
    claim_name: str
    claim_cvr: str
    claim_org_name: str
    claim_role: str
    claim_municipality: str
    # The MitID broker profile: claims from userinfo, the level of assurance asked for and required,
    # extra authorization parameters (a broker's idp_values), the token endpoint's client
    # authentication, and a fixed municipality for a caseworker provider that names none.
    use_userinfo: bool = False
    acr_values: str = ""
    auth_params: tuple[tuple[str, str], ...] = ()
    min_loa: str = ""
    token_auth_method: str = "client_secret_basic"  # nosec B105 (a method's name, not a secret)
    fixed_municipality: str = ""
    claim_loa: str = "loa"
    private_key_file: str = ""   # PEM, for private_key_jwt
    private_key_id: str = ""     # the kid registered with the provider; empty: the key's RFC 7638 thumbprint

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


# The NSIS levels of assurance as MitID brokers and NemLog-in name them (acr and loa claims).
NSIS = "https://data.gov.dk/concept/core/nsis/loa/"
NSIS_SUBSTANTIAL = NSIS + "Substantial"
LOA_ORDER = {"low": 1, "substantial": 2, "high": 3}


def loa_rank(value: str | None) -> int:
    """NSIS levels of assurance in order; a value the portal does not know ranks lowest."""
    if not value:
        return 0
    return LOA_ORDER.get(str(value).rstrip("/").rsplit("/", 1)[-1].lower(), 0)


def oidc_provider(face: str) -> OIDCProvider:
    """PORTAL_OIDC_<FACE>_<SETTING> wins over PORTAL_OIDC_<SETTING>, which wins over the default."""
    up = face.upper()
    production = _env("ENV", "development") == "production"

    def setting(name: str, default: str) -> str:
        return _env(f"OIDC_{up}_{name}") or _env(f"OIDC_{name}") or default

    return OIDCProvider(
        face=face,
        issuer=setting("ISSUER", DEV_IDP_ISSUER),
        client_id=setting("CLIENT_ID", DEV_CLIENT_ID),
        client_secret=setting("CLIENT_SECRET", DEV_CLIENT_SECRET),
        scope=setting("SCOPE", "openid profile"),
        claim_cpr=setting("CLAIM_CPR", "cpr"),
        claim_name=setting("CLAIM_NAME", "name"),
        claim_cvr=setting("CLAIM_CVR", "cvr"),
        claim_org_name=setting("CLAIM_ORG_NAME", "org_name"),
        claim_role=setting("CLAIM_ROLE", "role"),
        claim_municipality=setting("CLAIM_MUNICIPALITY", "municipality"),
        use_userinfo=setting("USERINFO", "0").strip().lower() in ("1", "true", "yes", "on"),
        acr_values=setting("ACR_VALUES", ""),
        auth_params=tuple(parse_qsl(setting("AUTH_PARAMS", ""))),
        min_loa=setting("MIN_LOA", NSIS_SUBSTANTIAL if production and face != "caseworker" else ""),
        token_auth_method=setting("TOKEN_AUTH_METHOD", "client_secret_basic"),
        fixed_municipality=setting("MUNICIPALITY", ""),
        claim_loa=setting("CLAIM_LOA", "loa"),
        private_key_file=setting("PRIVATE_KEY_FILE", ""),
        private_key_id=setting("PRIVATE_KEY_ID", ""),
    )


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "portal.sqlite3")


ENVIRONMENTS = ("development", "production")


def readings_from_file(path: str | None) -> dict:
    """The readings a municipality's legal department chose ({} without a file). A file that cannot
    be read stops the start with a message that names it: a deadline must never follow a reading
    nobody chose."""
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            chosen = json.load(handle)
    except (OSError, ValueError) as error:
        raise ValueError(f"PORTAL_READINGS_FILE {path}: {error}") from error
    if not isinstance(chosen, dict):
        raise ValueError(f"PORTAL_READINGS_FILE {path}: expected an object of readings")
    return chosen


def from_environment(instance_path: str) -> dict:
    """The Flask config mapping built from the environment. PORTAL_ENV takes only the documented
    values: "Production" or "prod" would otherwise have started a development instance."""
    environment = _env("ENV", "development")
    if environment not in ENVIRONMENTS:
        raise UnsafeProductionConfig(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
    production = environment == "production"
    config = {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": _env("SECRET_KEY", DEV_SECRET_KEY),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or _env("DATABASE_URL")
        or default_database_url(instance_path),
        "PORTAL_DEV_IDP": _flag("DEV_IDP", not production),
        "PORTAL_CPR_HASH_KEY": _env("CPR_HASH_KEY", DEV_CPR_HASH_KEY),
        "PORTAL_CPR_ENCRYPTION_KEY": _env("CPR_ENCRYPTION_KEY", DEV_CPR_ENCRYPTION_KEY),
        # Pins "today" for demos and tests (ISO date); unset means the real date in Copenhagen.
        "PORTAL_TODAY": _env("TODAY"),
        "PORTAL_TIMEZONE": _env("TIMEZONE", "Europe/Copenhagen"),
        # Where a case waits while the CPR register cannot answer (marked "municipality not
        # confirmed" until the sweep reads the register).
        "PORTAL_DEFAULT_MUNICIPALITY": _env("DEFAULT_MUNICIPALITY", "101"),
        # The CPR register: "serviceplatformen" asks SF1520 (PersonBaseDataExtended) with the OCES3
        # certificate (PORTAL_SF_CERTIFICATE) and the service agreement's UUIDs; "local" (development)
        # reads a file of fictitious people.
        "PORTAL_REGISTER": _env("REGISTER", "serviceplatformen" if production else "local"),
        "PORTAL_REGISTER_FILE": _env(
            "REGISTER_FILE", os.path.join(os.path.dirname(__file__), "devregister", "people.json")),
        "PORTAL_REGISTER_URL": _env("REGISTER_URL", SF1520_TEST_URL if _flag("SF_TEST", not production)
                                    else SF1520_PRODUCTION_URL),
        "PORTAL_REGISTER_SERVICE_AGREEMENT_UUID": _env("REGISTER_SERVICE_AGREEMENT_UUID"),
        "PORTAL_REGISTER_USER_SYSTEM_UUID": _env("REGISTER_USER_SYSTEM_UUID"),
        "PORTAL_REGISTER_USER_UUID": _env("REGISTER_USER_UUID"),
        "PORTAL_REGISTER_SERVICE_UUID": _env("REGISTER_SERVICE_UUID"),
        "PORTAL_REGISTER_TIMEOUT_SECONDS": _number("REGISTER_TIMEOUT_SECONDS", "10"),
        # An answer is kept this long; and each sweep re-reads at most this many open cases whose
        # reading is older than PORTAL_REGISTER_RECHECK_DAYS (a move or a death is seen within days).
        "PORTAL_REGISTER_CACHE_MINUTES": _int("REGISTER_CACHE_MINUTES", "60"),
        "PORTAL_REGISTER_RECHECK_PER_SWEEP": _int("REGISTER_RECHECK_PER_SWEEP", "200"),
        "PORTAL_REGISTER_RECHECK_DAYS": _int("REGISTER_RECHECK_DAYS", "7"),
        # The municipalities' profiles (TOML); unset means the bundled demo municipalities.
        "PORTAL_MUNICIPALITY_PROFILES": _env("MUNICIPALITY_PROFILES"),
        "PORTAL_IDLE_TIMEOUT_MINUTES": _int("IDLE_TIMEOUT_MINUTES", "30"),
        # However busy, a login lasts no longer than this (a shared or stolen device).
        # json: one JSON object a line, for the log collector (production); text: for a terminal.
        "PORTAL_LOG_FORMAT": _env("LOG_FORMAT", "json" if production else "text"),
        # Closed cases are purged this long after closing (`flask purge-closed`); the audit log stays.
        "PORTAL_RETENTION_DAYS": _int("RETENTION_DAYS", "1826"),
        "PORTAL_ABSOLUTE_TIMEOUT_HOURS": _int("ABSOLUTE_TIMEOUT_HOURS", "12"),
        # Rate limits: memory on a laptop, Redis (redis://host:6379/0) when instances share counts.
        "PORTAL_RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "PORTAL_RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        # Logins a browser may start; and, far more, from one address (an office or a school behind
        # one address must not lock each other out at nine in the morning).
        "PORTAL_RATELIMIT_LOGIN": _env("RATELIMIT_LOGIN", "20 per minute;200 per hour"),
        "PORTAL_RATELIMIT_LOGIN_ADDRESS": _env("RATELIMIT_LOGIN_ADDRESS", "600 per minute;6000 per hour"),
        "PORTAL_RATELIMIT_FORMS": _env("RATELIMIT_FORMS", "30 per minute;300 per hour"),
        "PORTAL_RATELIMIT_CASEWORKER_FORMS": _env("RATELIMIT_CASEWORKER_FORMS", "300 per minute;3000 per hour"),
        # API calls refused for their token, per address: made-up tokens stop here.
        "PORTAL_RATELIMIT_API_REFUSED": _env("RATELIMIT_API_REFUSED", "30 per minute"),
        # Every call of one API token (a municipality's case system), reading included.
        "PORTAL_RATELIMIT_API": _env("RATELIMIT_API", "600 per minute"),
        # How many proxies (load balancer, ingress) stand in front and set X-Forwarded-For/-Proto.
        "PORTAL_TRUSTED_PROXIES": _int("TRUSTED_PROXIES", "0"),
        # A request can hold two connections at once (its session, and the audit row or the web
        # session's save in a transaction of their own): two for each of a worker's threads, or the
        # pool opens and closes connections under load.
        "PORTAL_DB_POOL_SIZE": _int("DB_POOL_SIZE", str(max(5, 2 * _int("THREADS", "4")))),
        "PORTAL_OIDC": {face: oidc_provider(face) for face in FACES},
        # A municipality's own readings of unclear law (docs/RULES-CHOICES.md): a JSON file naming each
        # reading as "<regime>.<parameter>" with its value, source, who chose it and when.
        "PORTAL_READINGS": readings_from_file(_env("READINGS_FILE")),
        # The diagnosis groups that give a right to choose standby (RULES.md): data, not code.
        "PORTAL_STANDBY_DIAGNOSES_FILE": _env(
            "STANDBY_DIAGNOSES_FILE", os.path.join(os.path.dirname(__file__), "data", "standby_diagnoses.json")),
        # Reminders: "file" writes .eml files under PORTAL_OUTBOX_DIR (development); "smtp" sends.
        # Messages to citizens: "serviceplatformen" sends Digital Post, NemSMS and paper through KOMBIT's
        # Serviceplatformen (SF1601) with the municipality's OCES3 certificate; "file" (development)
        # writes each request's XML under PORTAL_OUTBOX_DIR and reads registrations from a table.
        "PORTAL_POST_SENDER": _env("POST_SENDER", "serviceplatformen" if production else "file"),
        "PORTAL_SF_CVR": _env("SF_CVR", None if production else DEV_SF_CVR),
        "PORTAL_SF_CERTIFICATE": _env("SF_CERTIFICATE"),
        "PORTAL_SF_TEST": _flag("SF_TEST", not production),
        "PORTAL_POST_SENDER_LABEL": _env("POST_SENDER_LABEL", "Jobcentret"),
        # Fjernprint's ForsendelseTypeIdentifikator, given by the print supplier through KOMBIT.
        "PORTAL_PHYSICAL_MAIL_TYPE": _int("PHYSICAL_MAIL_TYPE", "0"),
        # Development only: who is registered for Digital Post or NemSMS, or exempt (fictitious CPRs).
        "PORTAL_POST_TEST_RECIPIENTS": _env(
            "POST_TEST_RECIPIENTS", os.path.join(os.path.dirname(__file__), "data", "post_test_recipients.json")),
        # The citizen's extra e-mail: "file" writes .eml files under PORTAL_OUTBOX_DIR; "smtp" sends.
        "PORTAL_MAIL_SENDER": _env("MAIL_SENDER", "smtp" if production else "file"),
        "PORTAL_OUTBOX_DIR": _env("OUTBOX_DIR", os.path.join(instance_path, "outbox")),
        "PORTAL_MAIL_FROM": _env("MAIL_FROM", "Jobcenter <ikke-svar@jobcenter.example.dk>"),
        "PORTAL_SMTP_HOST": _env("SMTP_HOST", "localhost"),
        "PORTAL_SMTP_PORT": _int("SMTP_PORT", "25"),
        "PORTAL_SMTP_USERNAME": _env("SMTP_USERNAME"),
        "PORTAL_SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "PORTAL_SMTP_STARTTLS": _flag("SMTP_STARTTLS", production),
        # Every absolute URL (login and logout returns, links in letters) is built on this address.
        "PORTAL_PUBLIC_URL": _env("PUBLIC_URL", None if production else "http://127.0.0.1:5000"),
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": _env("TIMEZONE", "Europe/Copenhagen"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # __Host-: the browser accepts it only over HTTPS, for this host alone, on every path.
        "SESSION_COOKIE_NAME": "__Host-portal_session" if production else "portal_session",
        "PERMANENT_SESSION_LIFETIME": _int("ABSOLUTE_TIMEOUT_HOURS", "12") * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own idle timeout bounds the token's life
        "MAX_CONTENT_LENGTH": 256 * 1024,
    }
    return config


class UnsafeProductionConfig(RuntimeError):
    pass


def weak_secret(value: str | None, default: str) -> bool:
    """Too short, the development default, or not random: 40 × "x" is 40 characters long, and so is
    "abcabcabc…". A random key of 32 characters or more has well over 12 different characters."""
    if not value or value == default or len(value) < 32:
        return True
    return len(set(value)) < 12 or _repeats_itself(value)


def _repeats_itself(value: str) -> bool:
    """One short string written again and again ("Abc123…" × 6, perhaps cut off at the end): each
    character equals the one a period further on, for some period up to half the length."""
    return any(value[period:] == value[:-period] for period in range(1, len(value) // 2 + 1))


# A session idle longer than this is an unattended screen on a shared computer; the warning comes
# 5 minutes before the end, so an idle timeout must leave room for it.
IDLE_TIMEOUT_RANGE = (10, 60)


def _valid_fernet_key(value: str | None) -> bool:
    from cryptography.fernet import Fernet

    try:
        Fernet(value.encode())
    except (AttributeError, ValueError, TypeError):
        return False
    return True


def check_production(config: dict) -> None:
    """Refuse to serve citizens with development-only parts."""
    if config.get("PORTAL_ENV") != "production":
        return
    problems = []
    if config.get("PORTAL_DEV_IDP"):
        problems.append("PORTAL_DEV_IDP is on: the bundled test identity provider logs anyone in")
    for name, key, default in (("PORTAL_SECRET_KEY", "SECRET_KEY", DEV_SECRET_KEY),
                               ("PORTAL_CPR_HASH_KEY", "PORTAL_CPR_HASH_KEY", DEV_CPR_HASH_KEY)):
        if weak_secret(config.get(key), default):
            problems.append(f"{name} is the development default, shorter than 32 characters or not random "
                            "(generate one with: python -c \"import secrets; print(secrets.token_urlsafe(48))\")")
    encryption_key = config.get("PORTAL_CPR_ENCRYPTION_KEY")
    if encryption_key == DEV_CPR_ENCRYPTION_KEY or not _valid_fernet_key(encryption_key):
        problems.append("PORTAL_CPR_ENCRYPTION_KEY is the development default or not a Fernet key")
    if not config.get("PORTAL_RATELIMIT_ENABLED"):
        problems.append("PORTAL_RATELIMIT_ENABLED is off: logins and forms would be unlimited")
    public = urlsplit(config.get("PORTAL_PUBLIC_URL") or "")
    if public.scheme != "https" or not public.hostname:
        problems.append("PORTAL_PUBLIC_URL is not set to the portal's https:// address (login returns and the "
                        "links in letters are built on it)")
    for provider in config.get("PORTAL_OIDC", {}).values():
        if provider.issuer == DEV_IDP_ISSUER or provider.client_secret == DEV_CLIENT_SECRET:
            problems.append(f"the {provider.face} login still points at the development provider")
        elif urlsplit(provider.issuer).scheme != "https" or not urlsplit(provider.issuer).hostname:
            problems.append(f"the {provider.face} login's issuer is not an https:// address: its keys and "
                            "tokens would travel unprotected")
        if (provider.min_loa or provider.face != "caseworker") and loa_rank(provider.min_loa) < LOA_ORDER[
                "substantial"]:
            problems.append(f"the {provider.face} login's PORTAL_OIDC_MIN_LOA is below NSIS Substantial")
    low, high = IDLE_TIMEOUT_RANGE
    if not low <= config.get("PORTAL_IDLE_TIMEOUT_MINUTES", 30) <= high:
        problems.append(f"PORTAL_IDLE_TIMEOUT_MINUTES must be between {low} and {high} minutes")
    if config.get("PORTAL_SF_TEST"):
        problems.append("PORTAL_SF_TEST is on: Digital Post would go to KOMBIT's test system, not to citizens")
    if config.get("PORTAL_RATELIMIT_ENABLED") and config.get(
            "PORTAL_RATELIMIT_STORAGE_URI", "").startswith("memory://"):
        problems.append("PORTAL_RATELIMIT_STORAGE_URI is memory://: every instance would count alone; "
                        "use redis://")
    if config.get("PORTAL_TODAY"):
        problems.append("PORTAL_TODAY pins the date: only for demos and tests")
    problems += post_problems(config)
    problems += register_problems(config)
    if problems:
        raise UnsafeProductionConfig("Refusing to start in production: " + "; ".join(problems))


def _certificate_problem(path: str | None) -> str | None:
    """The OCES3 certificate as python-serviceplatformen needs it: one PEM file with the certificate
    and its private key."""
    if not path:
        return "PORTAL_SF_CERTIFICATE is not set"
    try:
        with open(path, "rb") as handle:
            pem = handle.read()
    except OSError:
        return "PORTAL_SF_CERTIFICATE names no readable file"
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        x509.load_pem_x509_certificate(pem)
    except ValueError:
        return "PORTAL_SF_CERTIFICATE holds no PEM certificate"
    try:
        load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        return "PORTAL_SF_CERTIFICATE holds no unencrypted private key beside the certificate"
    return None


def post_problems(config: dict) -> list[str]:
    """Digital Post in production: through Serviceplatformen, with a certificate, a CVR number and
    the print supplier's letter type for paper."""
    sender = config.get("PORTAL_POST_SENDER")
    if sender not in POST_SENDERS:
        return [f"PORTAL_POST_SENDER must be one of {', '.join(POST_SENDERS)}"]
    if sender == "file":
        return ["PORTAL_POST_SENDER is file: Digital Post would be written to files, not sent"]
    problems = []
    certificate = _certificate_problem(config.get("PORTAL_SF_CERTIFICATE"))
    if certificate:
        problems.append(f"Digital Post is configured but {certificate} (the municipality's OCES3 certificate, "
                        "PEM with its key)")
    cvr = config.get("PORTAL_SF_CVR") or ""
    if len(cvr) != 8 or not cvr.isdigit() or cvr == DEV_SF_CVR:
        problems.append("PORTAL_SF_CVR is not the municipality's CVR number (8 digits)")
    if not config.get("PORTAL_PHYSICAL_MAIL_TYPE"):
        problems.append("PORTAL_PHYSICAL_MAIL_TYPE is not set: letters on paper need the print supplier's type")
    return problems


def register_problems(config: dict) -> list[str]:
    """The CPR register in production: SF1520 on Serviceplatformen, with the certificate and the
    service agreement's four UUIDs; never the local file of fictitious people."""
    register = config.get("PORTAL_REGISTER")
    if register not in REGISTERS:
        return [f"PORTAL_REGISTER must be one of {', '.join(REGISTERS)}"]
    if register == "local":
        return ["PORTAL_REGISTER is local: cases would be routed by a file of fictitious people"]
    problems = []
    certificate = _certificate_problem(config.get("PORTAL_SF_CERTIFICATE"))
    if certificate:
        problems.append(f"the CPR register is configured but {certificate}")
    for name in ("SERVICE_AGREEMENT", "USER_SYSTEM", "USER", "SERVICE"):
        if not _is_uuid(config.get(f"PORTAL_REGISTER_{name}_UUID")):
            problems.append(f"PORTAL_REGISTER_{name}_UUID is not a UUID (from the service agreement for SF1520)")
    if not (config.get("PORTAL_REGISTER_URL") or "").startswith("https://"):
        problems.append("PORTAL_REGISTER_URL is not an https:// address")
    return problems


def _is_uuid(value: str | None) -> bool:
    import uuid

    try:
        uuid.UUID(value or "")
    except ValueError:
        return False
    return True
