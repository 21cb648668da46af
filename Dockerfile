# e-Daftar server image: trytond with the modules of addons/ and the sao web
# client. Used by docker-compose.yml for trytond (gunicorn), worker and cron.
#   docker build -t edaftar:8.0 .

# The sao web client, installed as scripts/setup --sao does (var/ is not in
# git, so the image builds it from the registry rather than copying var/sao).
FROM node:20-bookworm-slim AS sao
ARG SAO_VERSION=8.0.11
WORKDIR /build
RUN npm pack --silent "tryton-sao@${SAO_VERSION}" \
    && tar xzf "tryton-sao-${SAO_VERSION}.tgz" \
    && cd package \
    && npm install --omit=dev --legacy-peer-deps --no-audit --no-fund \
    && touch custom.js custom.css

# The staff's mobile app (addons/edaftar_mobile/app), built as scripts/setup
# builds it, and Leaflet for the citizen portal's map.
FROM node:20-bookworm-slim AS web
ARG LEAFLET_VERSION=1.9.4
WORKDIR /build
COPY addons/edaftar_mobile/app app
RUN cd app \
    && npm ci --ignore-scripts --no-audit --no-fund \
    && npm run build -- --out /build/mobile
RUN npm pack --silent "leaflet@${LEAFLET_VERSION}" \
    && tar xzf "leaflet-${LEAFLET_VERSION}.tgz" \
    && mv package leaflet

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# tzdata: TZ (docker-compose.yml) sets the day that dates follow;
# libmagic1: attachments are checked by content (python-magic).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata libmagic1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/edaftar
# Test-only packages (pytest, playwright) stay out of the image.
COPY requirements.txt .
RUN grep -vE '^(pytest|playwright)\b' requirements.txt > requirements-server.txt \
    && pip install -r requirements-server.txt
COPY addons addons
RUN pip install --no-deps ./addons/*/ \
    && python -c "import trytond.modules.edaftar_base"
COPY --from=sao /build/package /opt/edaftar/sao
COPY --from=web /build/mobile /opt/edaftar/mobile
COPY --from=web /build/leaflet/dist /opt/edaftar/leaflet
# e-Daftar's branding of the web client (custom.js, custom.css, images).
COPY web/ /opt/edaftar/sao/

RUN useradd --system --home-dir /var/lib/trytond --create-home trytond
USER trytond
# The configuration file is mounted at /etc/trytond.conf (see
# config/trytond-postgresql.conf); these are the options it leaves to the
# environment.
ENV TRYTOND_CONFIG=/etc/trytond.conf \
    TRYTOND_DATABASE__PATH=/var/lib/trytond \
    TRYTOND_WEB__ROOT=/opt/edaftar/sao \
    TRYTOND_EDAFTAR_MOBILE__ROOT=/opt/edaftar/mobile \
    TRYTOND_EDAFTAR_PORTAL__LEAFLET=/opt/edaftar/leaflet \
    TRYTOND_LOGGING_LEVEL=30
VOLUME /var/lib/trytond
EXPOSE 8000
