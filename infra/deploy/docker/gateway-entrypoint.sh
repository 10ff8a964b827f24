#!/bin/sh
# Renders infra/gateway/nginx.conf.template for a container and runs nginx in the foreground. The upstreams
# come from the environment as space-separated host:port lists; each server gets the passive health check of
# scripts/src/stack/gateway.ts (max_fails=1 fail_timeout=2s: nginx's open-source build has no active checks).
# Logs go to the container's stdout/stderr; NATTER_ACCESS_LOG, NATTER_ERROR_LOG, NATTER_GATEWAY_TEMPLATE,
# NATTER_GATEWAY_DIR, NATTER_WEB_ROOT and NATTER_ERROR_PAGES exist for scripts/test/deploy.test.ts, which runs this script.
set -eu
: "${NATTER_COMMAND_UPSTREAMS:?space-separated host:port of the command-api instances}"
: "${NATTER_QUERY_UPSTREAMS:?space-separated host:port of the query-api instances}"
: "${NATTER_EDGE_UPSTREAMS:?space-separated host:port of the realtime-edge instances}"
template="${NATTER_GATEWAY_TEMPLATE:-/etc/natter/nginx.conf.template}"
dir="${NATTER_GATEWAY_DIR:-/tmp/nginx}"
# The access log never has the query string (tokens travel in it): the template's `natter` format.
access_log="${NATTER_ACCESS_LOG:-/dev/stdout}"
[ "$access_log" = off ] || access_log="$access_log natter"
servers() { for s in $1; do printf 'server %s max_fails=1 fail_timeout=2s; ' "$s"; done; }
mkdir -p "$dir/tmp"
sed -e "s|{{WORKERS}}|${NGINX_WORKERS:-auto}|g" \
    -e "s|{{DIR}}|$dir|g" \
    -e "s|{{USER}}||g" \
    -e "s|{{MIME_TYPES}}|/etc/nginx/mime.types|g" \
    -e "s|{{ACCESS_LOG}}|$access_log|g" \
    -e "s|{{COMMAND_SERVERS}}|$(servers "$NATTER_COMMAND_UPSTREAMS")|g" \
    -e "s|{{QUERY_SERVERS}}|$(servers "$NATTER_QUERY_UPSTREAMS")|g" \
    -e "s|{{EDGE_SERVERS}}|$(servers "$NATTER_EDGE_UPSTREAMS")|g" \
    -e "s|{{LISTEN}}|0.0.0.0:${NATTER_GATEWAY_PORT:-8080}|g" \
    -e "s|{{WEB_ROOT}}|${NATTER_WEB_ROOT:-/usr/share/natter/web}|g" \
    -e "s|{{UPLOAD_MAX_BODY}}|$(( (${FILES_MAX_BYTES:-26214400} + 1023) / 1024 + 64 ))k|g" \
    -e "s|{{ERROR_PAGES}}|    include ${NATTER_ERROR_PAGES:-/etc/natter/error-pages.conf};|g" \
    "$template" > "$dir/nginx.conf"
if grep -q '{{[A-Z_]*}}' "$dir/nginx.conf"; then
  echo "natter-gateway: unfilled placeholders in $template: $(grep -o '{{[A-Z_]*}}' "$dir/nginx.conf" | sort -u | tr '\n' ' ')" >&2
  exit 1
fi
exec nginx -p "$dir" -c "$dir/nginx.conf" -e "${NATTER_ERROR_LOG:-/dev/stderr}" "$@"
