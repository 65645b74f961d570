# syntax=docker/dockerfile:1
# One image for the API and the worker (docker-compose.yml picks the command). Apps run TypeScript
# directly through tsx, so the image keeps devDependencies (tsx, prisma) and has no build step.
FROM node:20-bookworm-slim AS base
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    TURBO_TELEMETRY_DISABLED=1
# ca-certificates for npm. No system fonts: the certificate font (Noto Sans SC) is an npm dependency
# of packages/certificates; CERT_FONTS=/path/to/font.ttf puts another font first.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# The npm the project pins (package.json "packageManager"): it runs no dependency install scripts.
RUN npm install -g npm@11.19.1 && npm --version
WORKDIR /app

# Only the manifests, so the dependency layer is rebuilt when a package.json or the lockfile changes,
# not on every source edit.
FROM base AS manifests
COPY . /src
RUN mkdir -p /out \
 && cd /src \
 && cp package-lock.json /out/ \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /out/ \;

FROM base AS deps
COPY --from=manifests /out/ ./
# npm 11.16+ can reject the lockfile it wrote itself (optional platform packages, npm/cli#9846):
# fall back to npm install, which installs the same locked versions.
RUN npm ci || (echo 'npm ci rejected the lockfile: npm install' && npm install)

FROM deps AS app
COPY . .
RUN npx prisma generate
ENV NODE_ENV=development \
    HOST=0.0.0.0 \
    PORT=4000
# 4000: the API. 4001: the worker's health endpoint (docker-compose.yml sets WORKER_HEALTH_PORT).
EXPOSE 4000 4001
# Run as the base image's unprivileged `node` user (uid 1000), numeric so that Kubernetes'
# runAsNonRoot can check it. The apps write no files: /app stays owned by root and read-only to
# them (the Prisma client was generated above), tsx caches compiled files in /tmp, uploads and
# certificate PDFs live in PostgreSQL.
USER 1000:1000
# Default: the API. docker-compose.yml runs migrations and the seed first, and the worker separately.
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
