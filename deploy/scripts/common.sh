# Shared by the deploy scripts: error reporting, the flow file lookup and one HTTP call helper.
# Sourced, not executed. Callers set `set -euo pipefail` before sourcing.
# shellcheck shell=bash

# a failure inside $(...) stops the script too
shopt -s inherit_errexit

script_name=${0##*/}

die() {
    echo "$script_name: error: $*" >&2
    exit 1
}

say() {
    echo "$script_name: $*" >&2
}

require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not installed"
    done
}

# The flow definitions follow the Git flow registry layout flows/<bucket>/<flow>.json: exactly one is the default.
default_flow_file() {
    local repo_root candidates
    repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    mapfile -t candidates < <(find "$repo_root/flows" -mindepth 2 -maxdepth 2 -name '*.json' \
        -not -path "$repo_root/flows/src/*" -not -path "$repo_root/flows/target/*" 2>/dev/null | sort)
    case ${#candidates[@]} in
        0) die "no flow definition found under $repo_root/flows/<bucket>/<flow>.json: pass the flow file as an argument" ;;
        1) echo "${candidates[0]}" ;;
        *) die "several flow definitions under $repo_root/flows (${candidates[*]}): pass the one to deploy as an argument" ;;
    esac
}

# Fails unless the file is a flow definition as NiFi's "Download flow definition" writes it.
check_flow_file() {
    local flow_file=$1
    [ -f "$flow_file" ] || die "flow file not found: $flow_file"
    jq -e '.flowContents | type == "object"' "$flow_file" >/dev/null 2>&1 \
        || die "$flow_file is not a NiFi flow definition (JSON with a 'flowContents' object)"
}

work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT
response_body="$work_dir/response-body"
curl_options=(--silent --show-error --connect-timeout 10 --max-time 120)
# the login header of NiFi's calls (nifi_login fills it; empty when NiFi runs without login)
auth=()

# http METHOD URL [curl arguments...]: the status lands in $http_status, the body in $response_body.
# A transport failure (refused, DNS, TLS, timeout) stops the script with curl's own explanation, and so does a
# server that refuses the URL's host name (see refuse_invalid_sni).
http() {
    local method=$1 url=$2
    shift 2
    if ! http_status=$(curl "${curl_options[@]}" --request "$method" --output "$response_body" \
            --write-out '%{http_code}' "$@" "$url" 2>"$work_dir/curl-error"); then
        die "cannot reach $url: $(tr -d '\r' <"$work_dir/curl-error" | sed 's/^curl: ([0-9]*) //' | head -n 3)"
    fi
    refuse_invalid_sni "$url"
}

# NiFi's Jetty answers HTTPS requests whose host name its certificate does not list (an IP address, typically) with
# 400 "Invalid SNI", to every request, the login included: name that cause rather than letting it pass for a refused
# login or a bad request.
refuse_invalid_sni() {
    local url=$1 host
    if [ "$http_status" != 400 ] || ! grep -q 'Invalid SNI' "$response_body"; then
        return 0
    fi
    host=${url#*://}
    host=${host%%/*}
    host=${host%:*}
    die "$url was refused with HTTP 400 Invalid SNI: the server checks the host name in the URL against its TLS" \
        "certificate, and '$host' is not one the certificate was issued for (an IP address rarely is)." \
        "Use the host name the certificate was issued for, e.g. https://localhost:8443"
}

# expect WHAT STATUS...: stops with the server's own message unless $http_status is one of STATUS.
expect() {
    local what=$1 accepted
    shift
    for accepted in "$@"; do
        [ "$http_status" = "$accepted" ] && return 0
    done
    local message
    message=$(head -c 500 "$response_body" | tr -s '\r\n' ' ')
    die "$what failed: HTTP $http_status${message:+: $message}"
}

# --- the options of the scripts that deploy into NiFi -----------------------------------------------------------------
nifi_url=${NIFI_URL:-https://localhost:8443}
login=true
# NAME=VALUE assignments for set_parameters
parameters=()

# The usage lines of the options nifi_option understands.
nifi_options_usage() {
    cat <<'USAGE'
  --nifi-url URL          NiFi base URL (default: $NIFI_URL or https://localhost:8443)
  --parameter NAME=VALUE  after deploying, give this parameter of the group's context this value (repeatable;
                          NAME= for no value); also applied to a group that is already there
  --cacert FILE           trust NiFi's certificate from FILE
  --insecure              accept any certificate (NiFi's generated self-signed one, e.g. inside docker compose)
  --no-login              NiFi runs without login (plain HTTP)
USAGE
}

# nifi_option ARGUMENTS...: takes the option at the head of ARGUMENTS when it is one of nifi_options_usage's, and
# sets nifi_option_length to the number of arguments it took, for the caller to shift; fails for any other argument.
# shellcheck disable=SC2034 # nifi_url and nifi_option_length are read by the scripts that source this file
nifi_option() {
    case $1 in
        --nifi-url) nifi_url=${2:?--nifi-url needs a value}; nifi_option_length=2 ;;
        --parameter) parameters+=("${2:?--parameter needs NAME=VALUE}"); nifi_option_length=2 ;;
        --cacert) curl_options+=(--cacert "${2:?--cacert needs a value}"); nifi_option_length=2 ;;
        --insecure) curl_options+=(--insecure); nifi_option_length=1 ;;
        --no-login) login=false; nifi_option_length=1 ;;
        *) return 1 ;;
    esac
}

# login_to_nifi API: logs in as NiFi's single user unless --no-login (or a client certificate) said otherwise, and
# puts the login header into `auth`.
login_to_nifi() {
    [ "$login" = true ] || return 0
    nifi_login "$1" "$work_dir/authorization"
    auth=(--header "@$work_dir/authorization")
}

# docker compose keeps the credentials it generated on first start in a file (NIFI_CREDENTIALS_FILE) rather than in
# the environment of every container: read NIFI_USERNAME and NIFI_PASSWORD from it unless they are set already.
# The file is written by deploy/init/setup.sh with shell quoting, so sourcing it runs nothing but assignments.
read_nifi_credentials_file() {
    [ -n "${NIFI_CREDENTIALS_FILE:-}" ] || return 0
    [ -r "$NIFI_CREDENTIALS_FILE" ] || die "NIFI_CREDENTIALS_FILE $NIFI_CREDENTIALS_FILE cannot be read"
    local NIFI_USERNAME_FROM_ENV=${NIFI_USERNAME:-} NIFI_PASSWORD_FROM_ENV=${NIFI_PASSWORD:-}
    # shellcheck disable=SC1090 # the file's path is only known at run time
    . "$NIFI_CREDENTIALS_FILE"
    NIFI_USERNAME=${NIFI_USERNAME_FROM_ENV:-${NIFI_USERNAME:-}}
    NIFI_PASSWORD=${NIFI_PASSWORD_FROM_ENV:-${NIFI_PASSWORD:-}}
}

# nifi_login API TOKEN_FILE: logs in as NiFi's single user (NIFI_USERNAME, NIFI_PASSWORD) and writes the header
# "Authorization: Bearer <token>" to TOKEN_FILE, readable by its owner only, for `curl --header @TOKEN_FILE`.
# The password goes to curl on stdin and the token through a file: neither ever shows in an argument list.
nifi_login() {
    local api=$1 token_file=$2
    read_nifi_credentials_file
    [ -n "${NIFI_USERNAME:-}" ] || die "NIFI_USERNAME is not set (the single-user name, SINGLE_USER_CREDENTIALS_USERNAME)"
    [ -n "${NIFI_PASSWORD:-}" ] || die "NIFI_PASSWORD is not set (the single-user password, SINGLE_USER_CREDENTIALS_PASSWORD)"
    http POST "$api/access/token" --data-urlencode "username=$NIFI_USERNAME" --data-urlencode "password@-" \
        < <(printf '%s' "$NIFI_PASSWORD")
    case $http_status in
        400 | 401 | 403) die "NiFi refused the login of '$NIFI_USERNAME' (HTTP $http_status): check NIFI_USERNAME and NIFI_PASSWORD" ;;
    esac
    expect "logging in to $api as '$NIFI_USERNAME'" 200 201
    (umask 077 && printf 'Authorization: Bearer %s\n' "$(cat "$response_body")" >"$token_file.new")
    mv -f "$token_file.new" "$token_file"
}

# await_request WHAT REQUEST_URL [curl arguments...]: polls one of NiFi's asynchronous requests (parameter context
# update, flow version update) until it is complete, deletes it as NiFi asks every client to, and stops with NiFi's
# reason when it failed. NiFi answers {"request": {"complete": ..., "failureReason": ...}}.
await_request() {
    local what=$1 url=$2 deadline failure
    shift 2
    deadline=$((SECONDS + ${NIFI_REQUEST_TIMEOUT_SECONDS:-600}))
    while true; do
        http GET "$url" "$@"
        expect "$what" 200
        [ "$(jq -r '.request.complete' "$response_body")" = true ] && break
        [ "$SECONDS" -lt "$deadline" ] || die "$what did not complete within ${NIFI_REQUEST_TIMEOUT_SECONDS:-600}s (NiFi's request $url)"
        sleep 1
    done
    failure=$(jq -r '.request.failureReason // empty' "$response_body")
    http DELETE "$url" "$@"
    [ -z "$failure" ] || die "$what failed: $failure"
}

# set_parameters API GROUP_ID NAME=VALUE...: gives the parameters of the group's parameter context these values (an
# empty VALUE: no value), in one update request, and only when one of them differs from what NiFi holds; NiFi's login
# header is the caller's array `auth`. A name the context does not have stops the script: a typo must not pass silently.
set_parameters() {
    local api=$1 group_id=$2 assignment context_id context_url changes
    shift 2
    [ $# -gt 0 ] || return 0
    http GET "$api/process-groups/$group_id" "${auth[@]}"
    expect "reading process group $group_id" 200
    context_id=$(jq -r '.component.parameterContext.id // empty' "$response_body")
    [ -n "$context_id" ] || die "process group $group_id has no parameter context to set parameters in"
    context_url="$api/parameter-contexts/$context_id"
    http GET "$context_url" "${auth[@]}"
    expect "reading parameter context $context_id" 200
    changes='{}'
    for assignment in "$@"; do
        [[ $assignment == *=* ]] || die "a parameter is set as NAME=VALUE, got '$assignment'"
        changes=$(jq -c --arg name "${assignment%%=*}" --arg value "${assignment#*=}"             '. + {($name): (if $value == "" then null else $value end)}' <<<"$changes")
    done
    local unknown
    unknown=$(jq -r --argjson changes "$changes"         '[.component.parameters[].parameter.name] as $known | $changes | keys - $known | join(", ")' "$response_body")
    [ -z "$unknown" ] || die "the parameter context has no parameter $unknown"
    local body
    body=$(jq -c --argjson changes "$changes" '
        {revision: .revision, id: .id, component: {id: .id, parameters: [
            .component.parameters[].parameter
            | select(.name | in($changes)) | select(.value != $changes[.name])
            | {parameter: ({name: .name, sensitive: .sensitive, value: $changes[.name]}
                # NiFi reads a null value as "unchanged" unless told the value is removed
                + (if $changes[.name] == null then {valueRemoved: true} else {} end))}]}}' "$response_body")
    if [ "$(jq '.component.parameters | length' <<<"$body")" = 0 ]; then
        say "parameters $(jq -r 'keys | join(", ")' <<<"$changes") already hold those values"
        return 0
    fi
    http POST "$context_url/update-requests" "${auth[@]}" --header 'Content-Type: application/json' --data "$body"
    expect "updating parameters" 200 201
    await_request "updating parameters" "$context_url/update-requests/$(jq -r '.request.requestId' "$response_body")" "${auth[@]}"
    say "set parameters $(jq -r '[.component.parameters[].parameter.name] | join(", ")' <<<"$body")"
}
