# Quartiersatlas: the web service (granian, config/server.py) on Debian bookworm with Debian's GDAL/GEOS/PROJ,
# the same libraries `make run` uses. The database is a separate container (docker-compose.yml).
# Build: docker build -t quartiersatlas .   See docs/operations.md.
FROM python:3.11-slim-bookworm

# GeoDjango loads GDAL and GEOS through ctypes (binutils lets ctypes find them); PROJ and its
# proj.db come with libgdal32; gdal-bin's ogr2ogr writes the report's GeoPackage downloads.
# psycopg's binary wheel brings its own libpq. tzdata: TIME_ZONE is Europe/Berlin, and zoneinfo
# needs the system's database (slim images may lack it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 gdal-bin libgeos-c1v5 binutils tzdata \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, read from pyproject.toml, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . .
# The project itself, editable: settings find templates, static/ and fixtures/ through BASE_DIR,
# and the .sql files beside the code, so the code runs from /app (a plain `pip install .` would
# put a second copy without those files into site-packages).
RUN pip install --no-deps -e .

# collectstatic with DEBUG off (whitenoise's compressed manifest storage). Settings refuse to load
# without SECRET_KEY and ALLOWED_HOSTS then: throw-away values for this step only, never kept in
# the image; no database is contacted.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-only ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid/build \
    python manage.py collectstatic --noinput -v 0

# Runs unprivileged; the code stays root-owned and read-only for it. The home directory is
# writable, and so is the tile cache's directory (a named
# volume mounted there takes its owner).
RUN useradd --system --uid 10001 --gid nogroup --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
 && chmod 0755 docker/entrypoint.sh docker/healthcheck.py \
 && install -d -o app -g nogroup /var/cache/quartiersatlas
USER app

# The server is granian, configured by config/server.py, as `make run` starts it: it keeps connections
# alive, WEB_CONCURRENCY processes (default 2) × SERVER_THREADS threads (default 4).
ENV DEBUG=0
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["serve"]
