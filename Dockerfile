# cocrea: one Daphne process per container. Scale out with several containers
# sharing PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system cocrea \
    && useradd --system --gid cocrea --home-dir /app --shell /usr/sbin/nologin cocrea

WORKDIR /app

# WeasyPrint (the printable sheets of voting codes) draws text with Pango/HarfBuzz;
# fonts-dejavu-core gives the sheet its fonts (Spanish accents, a clear monospace).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself (.dockerignore keeps out .venv, var, tests, caches).
COPY . .
RUN pip install --no-deps . \
    && mkdir -p var \
    && chown cocrea:cocrea var

USER cocrea

# Static files are collected into var/static (STATIC_ROOT) and served by WhiteNoise.
# Settings refuse to load without SECRET_KEY/ALLOWED_HOSTS when DEBUG is off;
# these values exist only for this build step.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]

CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "--websocket_connect_timeout", "30", "cocrea.asgi:application"]
