# atsgate: a multi-stage image. The build stage compiles src/ to dist/ with the dev
# dependencies; the runtime stage holds the production dependencies, dist/ and bin/ only.
#   docker build -t atsgate .
#   docker run -p 3000:3000 -e ATSGATE_API_KEY=demo_key_0123456789 -v atsgate-data:/data atsgate
# BASE_IMAGE is any Debian-based image with node (>= 20.18) and npm on PATH; the official one
# by default. docs/deployment.md ("Container") shows how to make one from Debian packages.
ARG BASE_IMAGE=node:22-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/build.js scripts/build.js
COPY bin bin
COPY src src
# `npm ci` runs the "prepare" script, which is the build (tsc → dist/, assets copied).
RUN npm ci --no-audit --no-fund && test -f dist/.build-stamp

FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    ATSGATE_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing at run time needs one, and "prepare" would try to compile.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY bin bin
# A user of its own, and the data directory (PGlite's files and the secret key when
# DATABASE_URL and ATSGATE_SECRET are not set) as a volume it owns.
RUN groupadd --system --gid 10001 atsgate \
 && useradd --system --uid 10001 --gid atsgate --home-dir /data --no-create-home --shell /usr/sbin/nologin atsgate \
 && mkdir -p /data && chown atsgate:atsgate /data
USER atsgate
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "bin/atsgate.js", "serve"]
