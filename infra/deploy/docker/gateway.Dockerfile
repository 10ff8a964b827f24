# syntax=docker/dockerfile:1
# The gateway image: nginx (unprivileged) with the built web client and infra/gateway/nginx.conf.template,
# rendered at start by gateway-entrypoint.sh from NATTER_COMMAND_UPSTREAMS, NATTER_QUERY_UPSTREAMS and
# NATTER_EDGE_UPSTREAMS (space-separated host:port lists). Build from the repository root:
#   docker build -f infra/deploy/docker/gateway.Dockerfile -t natter/gateway .
# Every service image has this same build stage, line for line, so building them all runs it once (layer
# cache): one npm ci, one bundle of every service (infra/deploy/bundle.mjs) and the web client.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && node infra/deploy/bundle.mjs /out && npm run build -w web-client

FROM nginxinc/nginx-unprivileged:1.27-alpine
ENV NATTER_GATEWAY_PORT=8080
COPY --from=build /src/web-client/dist /usr/share/natter/web
COPY infra/gateway/nginx.conf.template /etc/natter/nginx.conf.template
# The gateway's JSON error pages, generated from contracts (scripts/src/stack/gateway.ts errorPages()).
COPY infra/gateway/error-pages.conf /etc/natter/error-pages.conf
COPY --chmod=755 infra/deploy/docker/gateway-entrypoint.sh /usr/local/bin/natter-gateway
USER nginx
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
ENTRYPOINT ["/usr/local/bin/natter-gateway"]
