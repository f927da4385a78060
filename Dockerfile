# syntax=docker/dockerfile:1
# One image for every service: `docker run IMAGE pnpm start:ingest|start:worker|start:api` or
# `pnpm mirror <command>`, the same root scripts that the tests, CI and the README use.
#
# Why the runtime image keeps the dev dependencies: the services run their TypeScript through
# tsx (`pnpm start:*` is `tsx apps/<app>/src/main.ts`), and tsx is a root devDependency. Rather
# than run something in production that the tests never ran, the image carries the exact
# lockfile tree the tests use. Moving tsx to the root `dependencies` would let the runtime
# stage do `pnpm install --prod` instead (about 300 MB smaller); see the README.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- base: Node and the pinned pnpm -------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
COPY package.json ./
RUN npm install -g "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")" \
 && pnpm --version

# ---- deps: every package of the lockfile, fetched into the store (cached until it changes) --
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch --frozen-lockfile

# ---- build: install from the store, generate the Prisma client ---------------------------
FROM deps AS build
COPY . .
# postinstall runs `pnpm generate` (prisma generate, offline); run it explicitly too so the
# build fails here, not at start-up, if the client cannot be generated.
RUN pnpm install --frozen-lockfile --offline \
 && pnpm generate \
 && test -f packages/db/src/generated/prisma/client.ts

# ---- runtime ------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    # pnpm must not try to reach the registry or rewrite node_modules when a script starts.
    npm_config_update_notifier=false \
    PNPM_HOME=/home/node/.local/share/pnpm
COPY --from=build --chown=node:node /app /app
# The image's own user (uid 1000, `node`), never root.
USER node
EXPOSE 3000 3001
# Overridden per service by docker-compose.yml; this one fits the default command.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs", "http://127.0.0.1:3000/healthz"]
# `pnpm` stays in the process tree and passes SIGTERM/SIGINT on to node, which shuts down
# gracefully; run with `--init` (compose: `init: true`) so that PID 1 reaps and forwards.
CMD ["pnpm", "start:ingest"]
