"""Quartiersatlas settings: one file, read from the environment (see docs/operations.md).

Development runs with safe defaults; with ``DEBUG`` off, ``SECRET_KEY`` and ``ALLOWED_HOSTS``
must be given and the secure-cookie and security-header settings are on.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, envbool, envint, envlist, required

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY") or "dev-only-insecure-key-never-used-with-debug-off"  # noqa: S105
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = required("SECRET_KEY", "when DEBUG is off")
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")

# Public base URL of the service (for OnlineResource in WMS capabilities, links in the OGC API);
# empty means "from the request's host".
PUBLIC_URL = (env("PUBLIC_URL") or "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "geo",
    "quartiere",
    "staff",
    # council papers (OParl): below measures, which link to them
    "council",
    "measures",
    "participation",
    # the formats inside a consultation (participation.formats), then the layer that reads across
    "surveys",
    "discussion",
    "budgeting",
    "events",
    # decision bases: indicators (read by planning's priority index) and the scenarios above planning
    "indicators",
    # development plans (XPlanung): a reference layer beside the indicators
    "plans",
    "planning",
    "scenarios",
    # the functional region: the municipalities side by side (reads every app below it)
    "region",
    "accounts",
]

MIDDLEWARE = [
    # public reads (views marked geo.public.public_read) go down a chain without PUBLIC_READ_SKIPS
    "geo.public.PublicReadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # geo.middleware: NUL in a parameter → 400 before anything reads the request; the database out of
    # reach → 503 (its process_exception catches the lazy session and user loads inside views too;
    # what a middleware raises reaches handler500, geo.middleware.server_error)
    "geo.middleware.CraftedInputMiddleware",
    "geo.middleware.DatabaseUnavailableMiddleware",
    # reads to a read replica or the primary, per request (geo.db.routing; a no-op without replicas)
    "geo.db.routing.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",  # pages: script and style from this origin only
]

# A public read — a GET/HEAD of a view marked ``geo.public.public_read`` (vector tiles, /api/locate/,
# /api/areas/), not asking for HTML — has the same answer for everybody: it skips the middleware that
# serve static files, sessions, users, forms, messages, history, login lockouts and HTML pages, and
# CommonMiddleware (whose slash redirect would resolve the path again); geo.public checks the host,
# sets Content-Length and negotiates the language itself, for its error messages only.
# PUBLIC_READS=0 sends every request down the full chain (to compare).
PUBLIC_READS = envbool("PUBLIC_READS", True)
PUBLIC_READ_SKIPS = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",  # its host check and Content-Length: geo.public
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "geo.attribution.context",
            ],
        },
    },
]


def _database_url() -> str:
    url = env("DATABASE_URL")
    if url:
        return url
    # scripts/devdb start writes the private cluster's URL here
    devdb = BASE_DIR / ".devdb-url"
    if devdb.exists():
        return devdb.read_text().strip()
    raise ImproperlyConfigured("Set DATABASE_URL or start the private cluster with scripts/devdb start")


# Every statement of the service is bounded; long imports lift the bound for their own
# transaction (see quartiere.services). 0 disables it.
STATEMENT_TIMEOUT_MS = envint("DB_STATEMENT_TIMEOUT_MS", 30_000)

# The hottest map reads (vector tiles) are prepared statements, parsed and planned once per database
# session (geo/db/base.py); DB_PREPARED_STATEMENTS=0 behind a pooler that does not keep a session's
# prepared statements (PgBouncer before 1.21 in transaction mode).
PREPARED_STATEMENTS = envbool("DB_PREPARED_STATEMENTS", True)

DATABASES = {
    "default": dj_database_url.parse(
        _database_url(),
        engine="geo.db",  # GeoDjango's PostGIS backend, health check without a round trip (geo/db/base.py)
        conn_max_age=envint("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# No JIT: the service's statements are short and index-driven; above jit_above_cost the compile time
# was most of a region-scale bbox read (54 → 11.5 ms with JIT off, issue 17). Parallel workers likewise.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c max_parallel_workers_per_gather=0 -c jit=off"
)
if PREPARED_STATEMENTS:
    # psycopg prepares nothing while this is None (Django's default). Django's own cursors bind on the
    # client and never prepare; geo.db's prepared_cursor() prepares what it runs at once.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
# A database host that does not answer costs a request this many seconds (libpq waits for ever by
# default, holding a server thread), then the request gets a 503 (geo.middleware).
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", envint("DB_CONNECT_TIMEOUT_S", 5))
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME") or None}

# Read replicas (docs/operations.md "Read replicas"): hot standbys of the primary, comma-separated URLs,
# as aliases replica1 … replicaN. The map services, public reads and anonymous API reads go to a
# healthy one (geo.db.routing); writes, signed-in pages and a browser that wrote in the last
# REPLICA_PIN_SECONDS go to the primary. A replica is skipped while down or lagging more than
# REPLICA_MAX_LAG_SECONDS (measured per process every REPLICA_CHECK_SECONDS; a down one retried after
# REPLICA_RETRY_SECONDS). Tests mirror them to the primary (tests/geo/test_replicas.py uses a standby).
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(envlist("DATABASE_REPLICA_URLS", []), start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = dj_database_url.parse(
        _url, engine="geo.db", conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    DATABASES[_alias]["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        **DATABASES[_alias].get("OPTIONS", {}),
        "connect_timeout": envint("REPLICA_CONNECT_TIMEOUT_S", 2),
        "application_name": f"quartiersatlas-{_alias}",
    }
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["geo.db.routing.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = envint("REPLICA_MAX_LAG_SECONDS", 5)
REPLICA_CHECK_SECONDS = envint("REPLICA_CHECK_SECONDS", 1)
REPLICA_RETRY_SECONDS = envint("REPLICA_RETRY_SECONDS", 10)
# longer than the lag a replica in use may have (max lag + one check): read-your-writes
REPLICA_PIN_SECONDS = envint("REPLICA_PIN_SECONDS", REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS + 4)
REPLICA_PIN_COOKIE = "qa_primary"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env("GDAL_LIBRARY_PATH"):
    GDAL_LIBRARY_PATH = env("GDAL_LIBRARY_PATH")
if env("GEOS_LIBRARY_PATH"):
    GEOS_LIBRARY_PATH = env("GEOS_LIBRARY_PATH")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# Dates per language from config/formats/ (English: "7 October 2026"). USE_THOUSAND_SEPARATOR stays off:
# it would group every number a template prints, also ids and years in URLs ("?stadt=1.234");
# figures are grouped where they are shown (floatformat:"0g", planning's |euros filter).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: on whenever DEBUG is off.
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health$"]  # probes reach the server directly over HTTP
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# Content-Security-Policy on HTML pages (config.csp), except where inline script is still needed (the
# admin's map widgets, Swagger UI).
CSP_EXEMPT_PATHS = envlist("CSP_EXEMPT_PATHS", ["/admin/", "/api/docs/"])

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "geo.api.exception_handler",
    # JSON nested deeper than geo.api.BoundedJSONParser.max_depth is a 400, not a RecursionError
    "DEFAULT_PARSER_CLASSES": [
        "geo.api.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "geo.api.Negotiation",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "geo.renderers.GeoJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Quartiersatlas API",
    "DESCRIPTION": (
        "Areas (region, city, Quartier), planning measures and participation, linked on the three "
        "spatial levels of the New Leipzig Charter. GeoJSON in EPSG:4326 unless stated otherwise."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from the drf-spectacular-sidecar package: no CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# The service's spatial extent: geometry from outside must lie within its regions buffered by this (m).
EXTENT_BUFFER_M = envint("EXTENT_BUFFER_M", 10_000)
MAX_GEOMETRY_VERTICES = envint("MAX_GEOMETRY_VERTICES", 10_000)
API_PAGE_SIZE = envint("API_PAGE_SIZE", 100)
API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", 1_000)

# Basemap for the Leaflet pages and the admin widget; the service itself needs no internet.
BASEMAP_URL = env("BASEMAP_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
BASEMAP_ATTRIBUTION = env("BASEMAP_ATTRIBUTION", "© OpenStreetMap contributors")
# The attribution the licence of the boundaries requires wherever they are shown or shipped (maps, the
# report, downloads, OGC API, WMS capabilities; geo.attribution). The demo's municipalities and region
# are BKG VG250-EW under dl-de/by-2-0; a deployment with other boundaries names their source here.
DATA_ATTRIBUTION = {
    "text": env("DATA_ATTRIBUTION", "© GeoBasis-DE / BKG (2024), Daten verändert"),
    "url": env("DATA_ATTRIBUTION_URL", "https://www.govdata.de/dl-de/by-2-0"),
}
# Many cities in one deployment: the city whose pages answer at the short, city-less addresses
# (/, /quartiere/<slug>/, /bericht/), by its official key (AGS). Empty: the first city with Quartiere.
# Every city's pages are also at /staedte/<ags>/…; the short ones keep working when cities are added.
HOME_CITY = env("HOME_CITY", "")

# Logs carry no client IP and no secret (the privacy notice; docs/operations.md, "Logs"): the one
# handler redacts every record that reaches it (config.logs.RedactFilter). Django's own handlers
# (console in DEBUG, mail_admins, django.server's) are replaced by it, so that nothing bypasses the
# filter: a record of django.request, django.security … propagates to the root's handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logs.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

# Debian's GDAL 3.6 cannot block file/network access while parsing a spatial reference. We never
# parse user text as one: only integer EPSG codes from geo.crs.ALLOWED_SRIDS reach GDAL/PROJ.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- participation (see docs/participation.md) -------------------------------------------------
# Anonymous writes per client: contributions, and supports/flags; "N/<k><s|m|h|d>", e.g. "5/10m".
PARTICIPATION_ANON_WRITE_RATE = env("PARTICIPATION_ANON_WRITE_RATE", "5/10m")
PARTICIPATION_ANON_REACTION_RATE = env("PARTICIPATION_ANON_REACTION_RATE", "60/10m")
# This many open abuse reports hide a published contribution until a moderator has looked at it.
PARTICIPATION_FLAG_THRESHOLD = envint("PARTICIPATION_FLAG_THRESHOLD", 3)
PARTICIPATION_FLAGS_PER_DAY = envint("PARTICIPATION_FLAGS_PER_DAY", 10)  # per account or connection, 24 h
# Throttling keys, lockouts and anonymous reports use an HMAC of the client's address under a random
# key per period of this many seconds, deleted two periods later (participation.privacy).
PARTICIPATION_IP_HASH_ROTATION_S = envint("PARTICIPATION_IP_HASH_ROTATION_S", 24 * 3600)
PARTICIPATION_MAX_BODY_BYTES = envint("PARTICIPATION_MAX_BODY_BYTES", 16 * 1024)
# Throttle counters must be shared by all server workers: Django's database cache, whose table
# participation's migration creates. "default" stays whatever it is (LocMem unless configured).
PARTICIPATION_THROTTLE_CACHE = env("PARTICIPATION_THROTTLE_CACHE", "participation")
CACHES = globals().get("CACHES") or {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES.setdefault(
    "participation",
    {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "participation_cache"},
)
# Email to a contributor who gave an address, about their own contribution only: published,
# rejected, answered officially (participation.notifications; sent once the moderation commits).
# Development prints the mails on the console; a deployment names its SMTP server.
PARTICIPATION_NOTIFY = envbool("PARTICIPATION_NOTIFY", True)
# A published contribution without an official response is overdue after this many days: the
# moderators' back office counts and lists them, and so does the planners' start page /planung/uebersicht/.
PARTICIPATION_RESPONSE_DUE_DAYS = envint("PARTICIPATION_RESPONSE_DUE_DAYS", 30)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")  # or EMAIL_HOST_PASSWORD_FILE
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other; set one")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)  # s; a moderator's request waits at most this long
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Quartiersatlas <noreply@localhost>")
# --- end participation ----------------------------------------------------------------------------

# --- access: proxies, sign-in, brute-force protection (docs/operations.md) ---------------------------
# Reverse proxies in front of the service that append to X-Forwarded-For (nginx as documented: 1).
# The client address is the TRUSTED_PROXIES-th entry from the right; 0 ignores the header
# (geo.clients). Too many lets clients choose their address; too few makes them share one.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES must be 0 or more")

# /health adds the PostgreSQL and PostGIS versions for everyone (staff users always see them).
HEALTH_SHOW_VERSIONS = envbool("HEALTH_SHOW_VERSIONS", False)

LOGIN_URL = "planning:login"
LOGIN_REDIRECT_URL = "/"  # planners go to /planung/uebersicht/ (planning.auth.LoginView)
LOGOUT_REDIRECT_URL = "/"

# django-axes: after LOGIN_FAILURE_LIMIT failed sign-ins for one user name, or from one client, that
# user name resp. client is refused (even with the right password) until LOGIN_COOLOFF_S seconds have
# passed since the last counted failure: 429 with Retry-After (planning.auth.lockout_response).
# Counters live in the shared database cache, keyed by SHA-256 of the user name resp. of the client's
# keyed hash (participation.privacy.client_key): no address in clear, no AccessAttempt/AccessLog rows.
INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out attempt before checking it
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]  # last: turns a lockout into its page
AXES_HANDLER = "planning.auth.LoginAttemptHandler"  # axes' cache handler, see there
AXES_CACHE = PARTICIPATION_THROTTLE_CACHE
AXES_CLIENT_IP_CALLABLE = "participation.privacy.client_key"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=envint("LOGIN_COOLOFF_S", 15 * 60))
# Attempts while locked out are refused without being counted: the lockout ends at most
# LOGIN_COOLOFF_S after it began (what the page promises), and a locked-out client cannot keep
# adding counters for invented user names.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "planning.auth.lockout_response"
AXES_ENABLE_ADMIN = False  # the cache handler leaves axes' tables empty
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no start-up banner on every manage.py run; failures are still logged (no address)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_S must be 1 or more")
# Django's database cache culls a third of its rows (lowest keys first: "axes-…" before
# "throttle:…") once it holds MAX_ENTRIES (default 300); so few would let anyone who spreads
# failures over a few dozen addresses wipe a user name's counter. Raise it for the shared cache.
if CACHES.get(AXES_CACHE, {}).get("BACKEND", "").endswith("DatabaseCache"):
    CACHES[AXES_CACHE].setdefault("OPTIONS", {}).setdefault(
        "MAX_ENTRIES", envint("THROTTLE_CACHE_MAX_ENTRIES", 100_000)
    )
# --- end access ---------------------------------------------------------------------------------------

# --- planning (see docs/priorities.md) ----------------------------------------------------------------
# The priority index per Quartier: weights of its components (relative; they are divided by their
# sum) and of the contribution categories in the participation demand. ``?weights=`` overrides them
# per request (planning.priorities.parse_weights).
PLANNING_PRIORITY_WEIGHTS = {"demand": 0.5, "supply": 0.3, "coverage": 0.2}
PLANNING_CATEGORY_WEIGHTS = {"problem": 1.0, "idea": 0.75, "question": 0.5, "praise": 0.25}
# A gap: normalised demand at least GAP_MIN_DEMAND and demand minus planned supply (both normalised
# within the city) at least GAP_MIN_DIFFERENCE.
PLANNING_GAP_MIN_DEMAND = 0.5
PLANNING_GAP_MIN_DIFFERENCE = 0.25
# The workspace refuses to save a drawing with more vertices than this (the API's limit is
# MAX_GEOMETRY_VERTICES); snapping distance in screen pixels.
PLANNING_MAX_DRAW_VERTICES = envint("PLANNING_MAX_DRAW_VERTICES", 500)
PLANNING_SNAP_DISTANCE_PX = envint("PLANNING_SNAP_DISTANCE_PX", 15)
# --- end planning -------------------------------------------------------------------------------------

# --- WMS (geo/wms, see docs/wms.md) ---------------------------------------------------------------
# Service metadata of the GetCapabilities document (German first, English with LANGUAGE=en) and the
# limits checked before anything is drawn.
WMS: dict[str, Any] = {
    "TITLE": {
        "de": env("WMS_TITLE_DE", "Quartiersatlas – Stadtentwicklung und Beteiligung"),
        "en": env("WMS_TITLE_EN", "Quartiersatlas – urban development and participation"),
    },
    "ABSTRACT": {
        "de": env(
            "WMS_ABSTRACT_DE",
            "Regionen, Städte und Quartiere, Maßnahmen der Stadtentwicklung und Beiträge der "
            "Bürgerbeteiligung (nur veröffentlichte Daten, ohne personenbezogene Angaben).",
        ),
        "en": env(
            "WMS_ABSTRACT_EN",
            "Regions, cities and Quartiere (neighbourhoods), urban development measures and contributions "
            "from public participation (published data only, no personal data).",
        ),
    },
    "KEYWORDS": envlist("WMS_KEYWORDS", ["Stadtentwicklung", "Quartier", "Beteiligung", "Leipzig-Charta"]),
    "CONTACT": {
        "PERSON": env("WMS_CONTACT_PERSON", ""),
        "ORGANIZATION": env("WMS_CONTACT_ORGANIZATION", "Quartiersatlas"),
        "POSITION": env("WMS_CONTACT_POSITION", ""),
        "EMAIL": env("WMS_CONTACT_EMAIL", ""),
        "PHONE": env("WMS_CONTACT_PHONE", ""),
        "CITY": env("WMS_CONTACT_CITY", ""),
        "COUNTRY": env("WMS_CONTACT_COUNTRY", "Deutschland"),
    },
    "FEES": env("WMS_FEES", "none"),
    "ACCESS_CONSTRAINTS": env("WMS_ACCESS_CONSTRAINTS", "none"),
    "MAX_WIDTH": envint("WMS_MAX_WIDTH", 4096),
    "MAX_HEIGHT": envint("WMS_MAX_HEIGHT", 4096),
    "LAYER_LIMIT": envint("WMS_LAYER_LIMIT", 10),
    "FEATURE_COUNT_MAX": envint("WMS_FEATURE_COUNT_MAX", 50),
    # GetFeatureInfo finds features within this many pixels of the clicked one
    "FEATURE_INFO_TOLERANCE_PX": envint("WMS_FEATURE_INFO_TOLERANCE_PX", 4),
    # statement_timeout of the render connections (mapnik's own, not Django's): bounds each render
    "RENDER_TIMEOUT_MS": envint("WMS_RENDER_TIMEOUT_MS", 20_000),
}
# Caching: maps, legends and capabilities get ETag and Cache-Control (MAP_CACHE_CONTROL, below) like
# the other map services; exception reports are never cached.
# --- end WMS ----------------------------------------------------------------------------------------

# --- catalogue: ISO 19115/19139 metadata, CSW 2.0.2, OGC API – Records (geo.catalogue, docs/catalogue.md)
# The point of contact and licence every layer's record names. A boundary layer's record takes the
# licence of DATA_ATTRIBUTION instead. Record ids are UUID5s of ID_NAMESPACE and the layer id: keep the
# namespace when the host changes, so that harvesters keep their records.
CATALOGUE: dict[str, Any] = {
    "ORGANISATION": env("METADATA_CONTACT_ORGANISATION", WMS["CONTACT"]["ORGANIZATION"]),
    "PERSON": env("METADATA_CONTACT_PERSON", WMS["CONTACT"]["PERSON"]),
    "EMAIL": env("METADATA_CONTACT_EMAIL", WMS["CONTACT"]["EMAIL"]),
    "PHONE": env("METADATA_CONTACT_PHONE", WMS["CONTACT"]["PHONE"]),
    "CITY": env("METADATA_CONTACT_CITY", WMS["CONTACT"]["CITY"]),
    "COUNTRY": env("METADATA_CONTACT_COUNTRY", WMS["CONTACT"]["COUNTRY"]),
    "LICENCE": (
        env("METADATA_LICENCE", "Datenlizenz Deutschland – Namensnennung – Version 2.0"),
        env("METADATA_LICENCE_URL", "https://www.govdata.de/dl-de/by-2-0"),
    ),
    "ID_NAMESPACE": env("METADATA_ID_NAMESPACE", PUBLIC_URL or "quartiersatlas"),
    # records per GetRecords page by default and at most
    "DEFAULT_RECORDS": envint("CATALOGUE_DEFAULT_RECORDS", 10),
    "MAX_RECORDS": envint("CATALOGUE_MAX_RECORDS", 100),
}

# --- map services: WMS, OGC API – Features, vector tiles (geo.http, docs/ogc.md) -------------------
# Sent with every 200 of /ows, /ogc/ and /tiles/ (a 304 repeats it). Clients and caches revalidate
# with the ETag (a hash of the layers' data versions and the request) once max-age has passed; data
# that is withdrawn (a contribution hidden by moderation) can stay in caches that long.
MAP_CACHE_CONTROL = env("MAP_CACHE_CONTROL", "public, max-age=60")
# Access-Control-Allow-Origin on the map services (GET/HEAD, no credentials); empty disables CORS.
MAP_CORS_ALLOW_ORIGIN = env("MAP_CORS_ALLOW_ORIGIN", "*")
MAP_CORS_MAX_AGE = envint("MAP_CORS_MAX_AGE", 86_400)
# Part of every ETag: change it to invalidate all cached map responses at once.
MAP_ETAG_SALT = env("MAP_ETAG_SALT", "")
# OGC API – Features: items per page by default and at most (larger limits are clamped); pages
# above OGC_STREAM_FROM features are streamed from a server-side cursor.
OGC_DEFAULT_LIMIT = envint("OGC_DEFAULT_LIMIT", 100)
OGC_MAX_LIMIT = envint("OGC_MAX_LIMIT", 10_000)
OGC_STREAM_FROM = envint("OGC_STREAM_FROM", 1_000)
# Vector tiles: zoom levels served (and announced in TileJSON).
TILES_MIN_ZOOM = envint("TILES_MIN_ZOOM", 0)
TILES_MAX_ZOOM = envint("TILES_MAX_ZOOM", 22)
# --- end map services -------------------------------------------------------------------------------

# --- WMTS and tile cache (geo/wmts: MapProxy, docs/operations.md "WMTS and tile cache") ------------
# Where MapProxy reaches our WMS (its sources are plain GetMap requests on <URL>/ows): the web service
# itself for `make run`, the web service's container in docker-compose. Never derived from a request.
MAPPROXY_SOURCE_URL = env("MAPPROXY_SOURCE_URL", "http://127.0.0.1:8000")
MAPPROXY_SOURCE_TIMEOUT = envint("MAPPROXY_SOURCE_TIMEOUT", 60)
# The file cache: <dir>/<layer>/<generation>/<layer>/<TileMatrixSet>/<z>/<x>/<y>.png
MAPPROXY_CACHE_DIR = Path(env("MAPPROXY_CACHE_DIR", str(BASE_DIR / "var" / "mapproxy")))
# --- end WMTS ---------------------------------------------------------------------------------------

# Staff invitations (staff.services): how long the one-time link to set a password stays valid, days
STAFF_INVITATION_DAYS = envint("STAFF_INVITATION_DAYS", 7)

# --- places (address and place search, quartiere.places) ---------------------------------------------
# The place search of the maps answers offline (areas' names and the address table filled by
# ``manage.py import_addresses``) unless GEOCODER names an online geocoder: "nominatim" or "photon" at
# GEOCODER_URL (preferably your own instance; the public nominatim.openstreetmap.org forbids search
# as you type). Only the query text is sent; answers are cached; on error or timeout: offline.
GEOCODER = env("GEOCODER", "")
if GEOCODER not in ("", "nominatim", "photon"):
    raise ImproperlyConfigured(f"GEOCODER must be nominatim, photon or empty, not {GEOCODER!r}")
GEOCODER_URL = env("GEOCODER_URL", "")
GEOCODER_USER_AGENT = env("GEOCODER_USER_AGENT", "Quartiersatlas place search")
GEOCODER_TIMEOUT_S = float(env("GEOCODER_TIMEOUT_S", "3"))
GEOCODER_CACHE = env("GEOCODER_CACHE", "default")
GEOCODER_CACHE_S = envint("GEOCODER_CACHE_S", 86_400)
# /api/places/ per client (a keyed hash of its address, as participation's throttles): "N/<k><s|m|h|d>"
PLACES_SEARCH_RATE = env("PLACES_SEARCH_RATE", "60/m")
# --- end places ---------------------------------------------------------------------------------------

# --- portal (/beteiligung/, subscriptions) ------------------------------------------------------------
# Email subscriptions to new consultations (participation.portal.subscriptions): the confirmation
# link expires after this many hours; anonymous subscribe requests per client (keyed hash, no IP kept).
PORTAL_CONFIRM_HOURS = envint("PORTAL_CONFIRM_HOURS", 48)
PORTAL_SUBSCRIBE_RATE = env("PORTAL_SUBSCRIBE_RATE", "5/h")
# --- end portal ---------------------------------------------------------------------------------------

# --- surveys ------------------------------------------------------------------------------------------
# Anonymous survey responses per client (keyed hash of its address, participation.privacy): "20/h".
SURVEYS_ANON_RATE = env("SURVEYS_ANON_RATE", "10/h")
# --- end surveys --------------------------------------------------------------------------------------

# --- discussion ---------------------------------------------------------------------------------------
# Comments under measures: "pre" (published after a moderator's review) or "post" (at once, reviewed
# later). Comments under contributions and consultations follow their consultation's moderation.
DISCUSSION_MEASURE_MODERATION = env("DISCUSSION_MEASURE_MODERATION", "pre")
# Which consultations take comments of their own (the "discussion" format): "*" every one, "" none,
# else their slugs, comma-separated. Comments under a consultation's contributions are always possible.
DISCUSSION_CONSULTATIONS = env("DISCUSSION_CONSULTATIONS", "*")
# open (unreviewed) reports that hide a comment until a moderator looks at it
DISCUSSION_FLAG_THRESHOLD = envint("DISCUSSION_FLAG_THRESHOLD", 3)
# anonymous comments per client (participation.throttling's rate syntax)
DISCUSSION_ANON_WRITE_RATE = env("DISCUSSION_ANON_WRITE_RATE", "10/10m")
# --- end discussion -----------------------------------------------------------------------------------

# --- budgeting ----------------------------------------------------------------------------------------
# --- end budgeting ------------------------------------------------------------------------------------

# --- events -------------------------------------------------------------------------------------------
# Anonymous registrations for events per client (events.throttling), "N/<k><s|m|h|d>".
EVENTS_REGISTRATION_RATE = env("EVENTS_REGISTRATION_RATE", "10/10m")
# --- end events ---------------------------------------------------------------------------------------

# --- accounts (django-allauth) ------------------------------------------------------------------------
# Citizens' optional accounts under /konto/ (docs/participation.md "Accounts"): email as the login,
# mandatory verification by link, no social providers. Staff keep signing in at /planung/anmelden/.
INSTALLED_APPS = [*INSTALLED_APPS, "allauth", "allauth.account"]
MIDDLEWARE = [*MIDDLEWARE, "allauth.account.middleware.AccountMiddleware"]
# axes stays first (it refuses a locked-out attempt before any check); allauth's backend signs in by email
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "allauth.account.auth_backends.AuthenticationBackend"]
# allauth passes the address as ``email``: axes counts failures per address as it counts per user name
AXES_USERNAME_CALLABLE = "accounts.auth.login_name"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"  # generated from the address; never shown
ACCOUNT_USER_DISPLAY = "accounts.auth.user_display"  # the address, not the generated user name
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link scanner's GET confirms nothing; the page asks for a click
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# confirmed in another browser: to the citizens' sign-in, not to LOGIN_URL (the staff's)
ACCOUNT_EMAIL_CONFIRMATION_ANONYMOUS_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = envint("ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS", 3)
ACCOUNT_PREVENT_ENUMERATION = True  # signing up with a known address looks like any other sign-up
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"  # the honeypot's name across the site
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Quartiersatlas] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# allauth's own limits (per client key / per address); beyond them its 429 page (templates/429.html)
ACCOUNT_RATE_LIMITS = {
    # looser than axes (LOGIN_FAILURE_LIMIT): axes' lockout page is what a guesser meets first
    "login_failed": env("ACCOUNT_RATE_LOGIN_FAILED", "20/m/ip,10/5m/key"),
    "signup": env("ACCOUNT_RATE_SIGNUP", "20/m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# --- end accounts -------------------------------------------------------------------------------------
