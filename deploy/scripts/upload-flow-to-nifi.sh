#!/usr/bin/env bash
# Uploads a flow definition into a running NiFi 2 as a new process group, logging in as NiFi's single user.
# Safe to re-run: when the parent group already holds a process group of that name, nothing is uploaded.
# The credentials come from the environment only, so they never show in the process list or the shell history.
set -euo pipefail
# shellcheck source=deploy/scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<USAGE
Usage: NIFI_USERNAME=... NIFI_PASSWORD=... $script_name [options] [FLOW_FILE]

Uploads FLOW_FILE (default: the one flows/<bucket>/<flow>.json of this repository) into NiFi as a process group.

Options:
  --group-name NAME       name of the new process group (default: the file's name without .json, as NiFi's UI
                          names an upload)
  --parent-group ID       process group to upload into (default: the root group)
  --position X,Y          position of the new group on the canvas (default: 0,0)
$(nifi_options_usage)
  --client-cert FILE      authenticate with the client certificate and its key in FILE (PEM), as a secured NiFi
                          cluster's admin does (docker compose --profile cluster); no login
  -h, --help              this help
USAGE
}

group_name=""
parent_group=""
position="0,0"
flow_file=""
while [ $# -gt 0 ]; do
    case $1 in
        --group-name) group_name=${2:?--group-name needs a value}; shift 2 ;;
        --parent-group) parent_group=${2:?--parent-group needs a value}; shift 2 ;;
        --position) position=${2:?--position needs a value}; shift 2 ;;
        --client-cert) curl_options+=(--cert "${2:?--client-cert needs a value}"); login=false; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        -*) nifi_option "$@" || { usage >&2; die "unknown option: $1"; }; shift "$nifi_option_length" ;;
        *) [ -z "$flow_file" ] || die "only one flow file can be uploaded at a time"; flow_file=$1; shift ;;
    esac
done

require_tools curl jq
[[ $position =~ ^-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?$ ]] || die "--position must be X,Y (numbers), got '$position'"
[ -n "$flow_file" ] || flow_file=$(default_flow_file)
check_flow_file "$flow_file"
[ -n "$group_name" ] || group_name=$(basename "$flow_file" .json)
api="${nifi_url%/}/nifi-api"

login_to_nifi "$api"

http GET "$api/flow/process-groups/${parent_group:-root}" "${auth[@]}"
[ "$http_status" != 404 ] || die "NiFi has no process group '$parent_group' to upload into"
expect "reading the parent process group" 200
parent_id=$(jq -r '.processGroupFlow.id' "$response_body")
existing_id=$(jq -r --arg name "$group_name" \
    '.processGroupFlow.flow.processGroups // [] | map(select(.component.name == $name)) | first | .id // empty' \
    "$response_body")
if [ -n "$existing_id" ]; then
    say "process group '$group_name' is already there (id $existing_id): nothing uploaded"
    set_parameters "$api" "$existing_id" "${parameters[@]}"
    exit 0
fi

http POST "$api/process-groups/$parent_id/process-groups/upload" "${auth[@]}" \
    --form-string "groupName=$group_name" \
    --form-string "positionX=${position%,*}" \
    --form-string "positionY=${position#*,}" \
    --form-string "clientId=$script_name" \
    --form-string "disconnectedNodeAcknowledged=false" \
    --form "file=@\"$flow_file\";type=application/json"
expect "uploading $flow_file into process group $parent_id" 200 201
group_id=$(jq -r '.id' "$response_body")
say "uploaded $flow_file as process group '$group_name' (id $group_id); its processors are stopped"
set_parameters "$api" "$group_id" "${parameters[@]}"
