# syntax=docker/dockerfile:1
# Breakwater gateway image: docs/deploy.md.
#   docker build -t breakwater .
#   docker run --rm -p 8300:8300 breakwater                      # zero-config passthrough
#   docker run --rm -p 8300:8300 -v $PWD/my.yaml:/etc/breakwater/breakwater.yaml:ro \
#     -e OPENAI_API_KEY breakwater --config /etc/breakwater/breakwater.yaml

# 1. build: all dependencies (TypeScript is a devDependency), compile src/ to dist/.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# 2. deps: production dependencies only. No install scripts: no runtime dependency needs one
#    (the dev-only `node` package does; protobufjs's only prints a version warning).
FROM node:24-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. runtime: the base image's Node 24, compiled code, production node_modules, default config.
FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root and read-only for the process; it runs as the image's `node` user (uid 1000).
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
USER 1000:1000
EXPOSE 8300
# Liveness without curl/wget (slim has neither): Node's own fetch against /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8300) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# Exec form: node is PID 1 and receives SIGTERM itself (no shell in between), so it drains and exits 0.
# Arguments given to `docker run IMAGE ...` are appended (e.g. --config FILE, --port N).
ENTRYPOINT ["node", "dist/main.js"]
