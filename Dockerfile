# agent-tool-server image: Node 24, production dependencies only, run through tsx (no build step).
# Build: docker build -t agent-tool-server . (compose.yaml does this for you; see README → Deploy with Docker).
# tests/deploy/deploy.test.ts replays these steps without Docker: keep RUN lines to `npm …` commands.

# --- Stage 1: install production dependencies from the lockfile ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev leaves out embedded-postgres (and its Postgres binaries), TypeScript, Biome and test tools.
# --ignore-scripts: the only production package with an install script is esbuild (used by tsx), whose
# postinstall merely verifies the binary that npm already installed from @esbuild/linux-*. Skipping
# scripts makes the install identical whatever npm 11 the image ships, with or without support for the
# "allowScripts" policy in package.json.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- Stage 2: the runtime image ---
FROM node:24-bookworm-slim AS runtime
# MALLOC_ARENA_MAX=2 and --max-semi-space-size=4 (below) keep the server's RSS low: glibc otherwise
# grows an arena per thread, V8 a 32 MB young generation (docs/notes/issue-19-create.md: idle
# ~195 → ~155 MB, peak under the create load ~310 → ~200 MB, no measurable CPU cost).
# bench/scale/create-load.ts starts the server the same way.
ENV NODE_ENV=production \
    PORT=8000 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY sql ./sql
COPY src ./src
# Files stay owned by root and read-only to the server: it writes nothing to disk.
USER node
EXPOSE 8000
# /readyz answers 200 once the database answers, migrations are applied and the workers run.
# The slim image has no curl, so node fetches it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, node itself as the process: SIGTERM from `docker stop` reaches our graceful shutdown.
CMD ["node", "--max-semi-space-size=4", "--import", "tsx", "src/main.ts"]
