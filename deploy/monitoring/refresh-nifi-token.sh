#!/usr/bin/env bash
# Keeps TOKEN_FILE holding "Authorization: Bearer <token>" for NiFi's single user, renewed every hour (NiFi's tokens
# last 12 hours by default), so Prometheus can scrape /nifi-api/flow/metrics/prometheus with it.
# With TARGETS_FILE, also writes Prometheus's file_sd target for NiFi: NIFI_URL's host and port. Prometheus then
# connects with the host name NiFi's certificate was issued for, so NiFi's Jetty accepts the request (it answers
# "400 Invalid SNI" to a Host header its certificate does not name, e.g. `nifi` when NIFI_HOSTNAME is an EC2 name).
# Usage: NIFI_URL=... NIFI_USERNAME=... NIFI_PASSWORD=... refresh-nifi-token.sh TOKEN_FILE [TARGETS_FILE]
# (or NIFI_CREDENTIALS_FILE instead of NIFI_USERNAME and NIFI_PASSWORD)
set -euo pipefail
# shellcheck source=deploy/scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

token_file=${1:?usage: $script_name TOKEN_FILE [TARGETS_FILE]}
targets_file=${2:-}
refresh_seconds=${NIFI_TOKEN_REFRESH_SECONDS:-3600}
api="${NIFI_URL:?NIFI_URL is not set}/nifi-api"
# NiFi's generated self-signed certificate, on the compose network only
curl_options+=(--insecure)

if [ -n "$targets_file" ]; then
    target=${NIFI_URL#*://}
    target=${target%%/*}
    (umask 022 && jq -n --arg target "$target" '[{targets: [$target], labels: {deployment: "standalone"}}]' >"$targets_file.new")
    mv -f "$targets_file.new" "$targets_file"
    say "Prometheus target: $target"
fi

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
