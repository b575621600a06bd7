#!/usr/bin/env bash
# Keeps TOKEN_FILE holding "Authorization: Bearer <token>" for NiFi's single user, renewed every hour (NiFi's tokens
# last 12 hours by default), so Prometheus can scrape /nifi-api/flow/metrics/prometheus with it.
# Usage: NIFI_URL=... NIFI_USERNAME=... NIFI_PASSWORD=... refresh-nifi-token.sh TOKEN_FILE
set -euo pipefail
# shellcheck source=deploy/scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

token_file=${1:?usage: $script_name TOKEN_FILE}
refresh_seconds=${NIFI_TOKEN_REFRESH_SECONDS:-3600}
api="${NIFI_URL:?NIFI_URL is not set}/nifi-api"
# NiFi's generated self-signed certificate, on the compose network only
curl_options+=(--insecure)

# As PID 1 of its container bash ignores SIGTERM unless told otherwise: stop at once on `docker compose stop`
sleeper=""
trap '[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; exit 0' TERM INT

while true; do
    # a failed login ends the script and the container restarts it: the failure shows in `docker compose ps`
    nifi_login "$api" "$work_dir/token"
    # Prometheus reads the bare token, without the header name
    (umask 077 && sed 's/^Authorization: Bearer //' "$work_dir/token" >"$token_file.new")
    mv -f "$token_file.new" "$token_file"
    say "token renewed; next renewal in ${refresh_seconds}s"
    sleep "$refresh_seconds" &
    sleeper=$!
    wait "$sleeper"
done
