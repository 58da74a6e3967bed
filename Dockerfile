# syntax=docker/dockerfile:1
#
# Hawiya's image: the TypeScript sources run as they are (Node strips the types), so
# there is no build step, only the installation of the production dependencies.
#
#   docker build -t hawiya .
#   docker run -e ISSUER=https://id.example.gov -e DATABASE_URL=postgres://… \
#              -e HAWIYA_KEK=… -p 3000:3000 hawiya
#
# No key is ever baked in: keys/ stays out of the build context (.dockerignore). The
# key-encryption key comes from HAWIYA_KEK, or from a file mounted at /app/keys/kek.

ARG NODE_IMAGE=node:24-slim

# --- dependencies -------------------------------------------------------------------
# The `node` devDependency pins Node 24 for npm scripts on a workstation; here the base
# image already is Node 24, so only the production dependencies are installed. argon2
# ships prebuilt binaries for linux glibc (x64 and arm64), so no compiler is needed.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# --- runtime ------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app

# Code and dependencies belong to root and are read-only for the process; only the
# PGlite data directory (used when DATABASE_URL is not set) is writable by it.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY migrations ./migrations
COPY views ./views
COPY locales ./locales
COPY config ./config
COPY public ./public
RUN mkdir -p /app/data && chown node:node /app/data

USER node
EXPOSE 3000

# /healthz says the process is alive; slim images have no curl, so Node's fetch asks.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# SIGTERM starts the graceful drain (src/server.ts); give the container at least 15 s
# to stop (docker stop -t, compose stop_grace_period).
ENTRYPOINT ["node", "src/main.ts"]
CMD ["start"]
