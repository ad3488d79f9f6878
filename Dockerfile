# syntax=docker/dockerfile:1
#
# netbox-gitops image: one image for every process — `controller` (the default command),
# `worker`, `api`, `migrate`, and the one-shot commands (validate, plan, apply, ...):
#
#   docker build -t netbox-gitops:0.1.0 .
#   docker run --rm netbox-gitops:0.1.0 --help
#   docker run --rm -e DATABASE_URL=... -e REDIS_URL=... netbox-gitops:0.1.0 worker
#
# The TypeScript is compiled once, in the build stage (`npm run build`: dist/ with source maps,
# and the dashboard bundle when the package has one); the runtime stage holds that output, the
# migrations and the production dependencies only — no TypeScript, no tsx, nothing compiled at
# start. The devicetype-library is NOT in the image: set LIBRARY_GIT_URL (+ LIBRARY_GIT_REF) to
# clone it into CACHE_DIR at start, or mount a copy and point LIBRARY_PATH at it. Intents come
# from Git (INTENTS_SOURCE=git, GIT_URL) or a mounted folder (INTENTS_PATH).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile with the dev dependencies, then gather what the runtime needs in /out -------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# web/dist exists only once the package has a dashboard (`build:web`, run by `build`).
RUN npm run build \
 && mkdir -p /out \
 && cp -R package.json bin dist migrations /out/ \
 && if [ -d web/dist ]; then mkdir -p /out/web && cp -R web/dist /out/web/; fi

# --- production dependencies only ---------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="netbox-gitops" \
      org.opencontainers.image.description="GitOps reconciliation controller for NetBox's device catalogue, driven by the devicetype-library" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim"

# tini: PID 1 that forwards SIGTERM to node and reaps the git/ssh children simple-git leaves.
# git + openssh-client: the intent repository and the devicetype-library are cloned at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The cache volume is the only place the processes write to, so the image runs on a read-only
# root filesystem with no writable /tmp: clones and the parsed catalogue go to CACHE_DIR, git's
# temporary files (TMPDIR) and ssh's known_hosts (HOME/.ssh) too. Source maps make stack traces
# name the TypeScript files and lines.
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    CACHE_DIR=/var/cache/netbox-gitops \
    HOME=/var/cache/netbox-gitops \
    TMPDIR=/var/cache/netbox-gitops \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app
# Code and dependencies stay owned by root: the process (uid 1000, "node") cannot change them.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /out ./
RUN mkdir -p "${CACHE_DIR}" && chown 1000:1000 "${CACHE_DIR}"

# Clones and the parsed-catalogue cache; give it a volume (the chart uses an emptyDir, since the
# root filesystem is read-only there).
VOLUME ["/var/cache/netbox-gitops"]

# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

# `netbox-gitops api` listens here (the chart passes --port).
EXPOSE 8080

# No HEALTHCHECK: only the api serves HTTP, and Kubernetes uses the chart's probes
# (/livez, /readyz); docker-compose.yml declares one per service.

ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/netbox-gitops.js"]
CMD ["controller"]
