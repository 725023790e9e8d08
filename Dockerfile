# syntax=docker/dockerfile:1
#
# ReserveHub's container image: one image for every role. The command picks it:
#   start              embedded database and demo data in one process (DATA_DIR, a volume)
#   migrate            apply migrations to DATABASE_URL and exit (a one-shot job before a rollout)
#   serve | work       the stateless API / the job worker, as many as you like
#
# Build:   docker build -t reservehub .
# The base is plain Debian; Node.js 24 is the one the lock file pins (the `node` package), so the
# image runs the same Node as the tests. BASE_IMAGE lets a machine without registry access build
# from a local Debian root (deploy/container/build-local.sh makes one with debootstrap).
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

# ---------------------------------------------------------------------------------------------
# Build: every dependency, the web app, then a production-only node_modules.
FROM ${BASE_IMAGE} AS build
# Node trusts the system's certificate authorities too (a registry mirror or proxy with its own CA).
ENV DEBIAN_FRONTEND=noninteractive \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
# Debian's Node/npm only bootstrap: they install the Node the lock file pins (the `node` package)
# and a current npm (Debian's npm 9 skips optional native packages such as the bundler's), and
# everything after runs on those.
ARG NPM_VERSION=11.19.1
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Dependencies first, so a change to the sources reuses this layer. `npm ci` skips the root's
# postinstall (it builds the web app, whose sources come next), then the `node` package's runs.
COPY package.json package-lock.json ./
COPY web/package.json web/
COPY packages/api-client/package.json packages/api-client/
RUN npm install --global --no-audit --no-fund --loglevel=error \
      "node@$(node -p "require('./package-lock.json').packages['node_modules/node'].version")" \
 && hash -r && node --version \
 && npm install --global --no-audit --no-fund --loglevel=error "npm@${NPM_VERSION}" \
 && hash -r && npm --version \
 && npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild node

COPY . .
RUN node scripts/build-web.ts --force \
 && cp "$(readlink -f "$(command -v node)")" /usr/local/bin/node-24

# The runtime's node_modules: the server's production dependencies only (not the web app's,
# which the build above has already bundled into web/dist).
WORKDIR /prod
RUN cp /src/package.json /src/package-lock.json . \
 && mkdir -p web packages/api-client \
 && cp /src/web/package.json web/ \
 && cp /src/packages/api-client/package.json packages/api-client/ \
 && npm ci --omit=dev --workspaces=false --ignore-scripts --no-audit --no-fund \
 && rm -rf web packages

# ---------------------------------------------------------------------------------------------
# Runtime: Debian, one Node binary, the sources and the built web app. No npm, no compiler.
FROM ${BASE_IMAGE} AS runtime
COPY --from=build /usr/local/bin/node-24 /usr/local/bin/node
RUN groupadd --system --gid 10001 reservehub \
 && useradd --system --uid 10001 --gid reservehub --home-dir /app --no-create-home --shell /usr/sbin/nologin reservehub \
 && mkdir -p /data \
 && chown reservehub:reservehub /data
WORKDIR /app
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /src/package.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/src ./src
COPY --from=build /src/migrations ./migrations
COPY --from=build /src/web/dist ./web/dist

# Nothing is written outside DATA_DIR (embedded mode only) and /tmp: the image runs with a
# read-only root filesystem (docker run --read-only, Kubernetes readOnlyRootFilesystem).
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 3000 9464
# Ready, not merely alive: the schema is current and the database answers (see /ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "src/main.ts"]
CMD ["start"]
