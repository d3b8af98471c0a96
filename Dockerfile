# runwarden production image (SPEC §1): node:24-slim, production dependencies
# from the lock file, compiled JavaScript only, files owned by root and
# read-only for the non-root user that runs it. No HEALTHCHECK: Cloud Run
# probes GET /healthz (infra/run.tf).
#
#   docker build -t runwarden .                      # or
#   gcloud run deploy runwarden --source . …         # Cloud Build uses this file
#
# test/unit/deploy/dockerImage.test.ts checks that everything the start
# command needs is copied and that nothing only the sandbox needs is, and that
# the heap below fits the container's memory in infra/run.tf.

# 1. Compile, bundle, warm the compile cache: all dependencies (TypeScript and
#    esbuild are dev dependencies). WORKDIR is the runtime's, so every path the
#    compile cache records is the one the image runs.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY image ./image
# tsc compiles what the tests run; image/bundle.mjs puts it (and what it requires,
# the Google client libraries aside) into one file: dist/image/main.js
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json && node image/bundle.mjs
# Node's compile cache is kept per user id: warm it as the user the image runs as
RUN mkdir dist/image/compile-cache && chown node dist/image/compile-cache
USER node
RUN node image/warmCompileCache.mjs /app/dist/image/compile-cache

# 2. Production dependencies only, exactly as package-lock.json pins them
#    (the Google client libraries the bundle leaves in node_modules).
FROM node:24-slim AS deps
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# 3. Runtime: root owns every file; the `node` user (uid 1000) can only read them.
FROM node:24-slim
ENV NODE_ENV=production
# The V8 heap, sized for the container (infra/run.tf: 512Mi): old space capped
# so garbage is collected long before the instance's limit, a small young
# generation so short-lived objects die young (bench/README.md: Memory).
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=4"
# read-only here: Node uses the cache the build stage warmed and writes nothing
ENV NODE_COMPILE_CACHE=/app/dist/image/compile-cache
WORKDIR /app
COPY --from=deps /build/node_modules ./node_modules
COPY --from=build /app/dist/image ./dist/image
COPY package.json ./
USER node
EXPOSE 8080
CMD ["node", "dist/image/main.js"]
