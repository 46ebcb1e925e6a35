# Herald's container image. Configured by HERALD_* environment variables only (README: Configuration).
#   docker build -t herald .
#   docker run -p 8080:8080 -v herald-data:/data herald                 # serve, SQLite in /data
#   docker run -e HERALD_HEALTH_PORT=9091 herald worker                  # see compose.yaml
# The base is an argument so that scripts/container-smoke.sh can build this very file on a stand-in
# base where no registry can be reached; any Debian-based image with Node.js 20.19+, npm and a user
# `node`, as the official one has, fits.
ARG BASE_IMAGE=node:20-bookworm-slim

# --- build: compile better-sqlite3 and Herald (TypeScript and the dashboard) -------------------
FROM ${BASE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# nodedir: node-gyp takes the headers of the Node.js it builds for from its own install, instead
# of downloading them (which fails where only the npm registry is reachable).
# Behind a proxy that intercepts TLS, give npm its CA as a build secret (never stored in a layer):
#   docker build --secret id=npm_ca,src=/path/to/ca.pem .
RUN --mount=type=secret,id=npm_ca \
    if [ -f /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm ci --no-audit --no-fund
# The rest of the context (.dockerignore keeps tests, local data and secrets out).
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: production dependencies, compiled code, nothing else ------------------------------
FROM ${BASE_IMAGE}
ENV NODE_ENV=production \
    HERALD_DATA_DIR=/data \
    HERALD_HOST=0.0.0.0 \
    HERALD_PORT=8080
WORKDIR /app
# Owned by root and read-only to Herald: the process can write only to /data.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/public ./public
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8080
# No curl in slim images: Node's own fetch. A worker answers on HERALD_HEALTH_PORT, serve on HERALD_PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HERALD_HEALTH_PORT||process.env.HERALD_PORT||8080;fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself. Herald installs its own SIGTERM/SIGINT
# handlers (src/cli/stop-on-signals.ts), so the kernel's "PID 1 ignores default-action signals"
# rule does not apply once it has started; it starts no child processes, so nothing needs reaping
# and no init (tini) is needed. `docker stop` waits 10 s by default: keep --shutdown-grace below.
ENTRYPOINT ["node", "/app/bin/herald.js"]
CMD ["serve"]
