# syntax=docker/dockerfile:1
# The command-api image. Build from the repository root:
#   docker build -f infra/deploy/docker/command-api.Dockerfile -t natter/command-api .
# Every service image has this same build stage, line for line, so building them all runs it once (layer
# cache): one npm ci, one bundle of every service (infra/deploy/bundle.mjs) and the web client. The image is Node and
# the service's bundle (main.mjs plus its native packages), run as the unprivileged user node.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && node infra/deploy/bundle.mjs /out && npm run build -w web-client

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 COMMAND_API_PORT=3001
WORKDIR /app
COPY --from=build --chown=node:node /out/command-api /app
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD ["node", "-e", "fetch('http://127.0.0.1:3001/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "main.mjs"]
