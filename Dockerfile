# runwarden production image (SPEC §1): node:24-slim, production dependencies
# from the lock file, compiled JavaScript only, files owned by root and
# read-only for the non-root user that runs it. No HEALTHCHECK: Cloud Run
# probes GET /healthz (infra/run.tf).
#
#   docker build -t runwarden .                      # or
#   gcloud run deploy runwarden --source . …         # Cloud Build uses this file
#
# test/unit/deploy/dockerImage.test.ts checks that everything the start
# command needs is copied and that nothing only the sandbox needs is.

# 1. Compile: all dependencies (TypeScript is a dev dependency).
FROM node:24-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

# 2. Production dependencies only, exactly as package-lock.json pins them.
FROM node:24-slim AS deps
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# 3. Runtime: root owns every file; the `node` user (uid 1000) can only read them.
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /build/node_modules ./node_modules
COPY --from=build /build/dist/src ./dist/src
COPY --from=build /build/dist/commands ./dist/commands
COPY package.json ./
USER node
EXPOSE 8080
CMD ["node", "dist/src/main.js"]
