#!/usr/bin/env bash
# Puts a version of a NiFi Registry flow on NiFi's canvas as a process group under version control, and keeps it
# there: a registry client is created in NiFi when none of that name exists; a missing group is imported from the
# registry; a group at another version of the flow is moved to this one with NiFi's own version-update request (what
# "Change Version" does in the UI), which keeps the values of existing parameters and adds new parameters with their
# defaults. Safe to re-run: a group already at that version is left alone.
# A group an earlier deployer uploaded (not under version control) is never doubled: it is left as it is, renamed to
# --group-name when it still has its --former-group-name, and the script says how to bring it under version control.
# The credentials come from the environment only (NIFI_USERNAME and NIFI_PASSWORD, or NIFI_CREDENTIALS_FILE).
set -euo pipefail
# shellcheck source=deploy/scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<USAGE
Usage: NIFI_USERNAME=... NIFI_PASSWORD=... $script_name --registry-url URL --bucket-id ID --flow-id ID --version V [options]

Options:
  --registry-url URL      the NiFi Registry URL as NiFi reaches it (the registry client's URL property)
  --registry-client NAME  name of NiFi's registry client (default: NiFi Registry); created when missing
  --bucket-id ID, --flow-id ID, --version V
                          the flow version, as import-flow-into-registry.sh prints it
  --group-name NAME       name of a new process group, and of an unversioned one to look for (default: the name
                          NiFi gives the flow: its own)
  --former-group-name NAME
                          the name an earlier deployer gave the flow's group: an unversioned group of that name is
                          renamed to --group-name and kept instead of a second copy being imported beside it
  --parent-group ID       process group to import into (default: the root group)
  --position X,Y          position of a new group on the canvas (default: 0,0)
$(nifi_options_usage)
  -h, --help              this help
USAGE
}

registry_url=""
client_name="NiFi Registry"
bucket_id=""
flow_id=""
version=""
group_name=""
former_group_name=""
parent_group=""
position="0,0"
while [ $# -gt 0 ]; do
    case $1 in
        --registry-url) registry_url=${2:?--registry-url needs a value}; shift 2 ;;
        --registry-client) client_name=${2:?--registry-client needs a value}; shift 2 ;;
        --bucket-id) bucket_id=${2:?--bucket-id needs a value}; shift 2 ;;
        --flow-id) flow_id=${2:?--flow-id needs a value}; shift 2 ;;
        --version) version=${2:?--version needs a value}; shift 2 ;;
        --group-name) group_name=${2:?--group-name needs a value}; shift 2 ;;
        --former-group-name) former_group_name=${2:?--former-group-name needs a value}; shift 2 ;;
        --parent-group) parent_group=${2:?--parent-group needs a value}; shift 2 ;;
        --position) position=${2:?--position needs a value}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) nifi_option "$@" || { usage >&2; die "unknown argument: $1"; }; shift "$nifi_option_length" ;;
    esac
done

require_tools curl jq
for required in registry_url bucket_id flow_id version; do
    [ -n "${!required}" ] || { usage >&2; die "--${required//_/-} is required"; }
done
[ -z "$former_group_name" ] || [ -n "$group_name" ] || die "--former-group-name needs --group-name (the name to give it)"
[[ $position =~ ^-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?$ ]] || die "--position must be X,Y (numbers), got '$position'"
api="${nifi_url%/}/nifi-api"
json=(--header 'Content-Type: application/json')

login_to_nifi "$api"

# --- the registry client ---------------------------------------------------------------------------------------------
http GET "$api/flow/registries" "${auth[@]}"
expect "listing NiFi's registry clients" 200
client_id=$(jq -r --arg name "$client_name" \
    '.registries // [] | map(select(.component.name == $name)) | first | .id // empty' "$response_body")
if [ -z "$client_id" ]; then
    http POST "$api/controller/registry-clients" "${auth[@]}" "${json[@]}" --data "$(jq -n -c \
        --arg name "$client_name" --arg url "$registry_url" \
        '{revision: {version: 0}, component: {name: $name, type: "org.apache.nifi.registry.flow.NifiRegistryFlowRegistryClient",
          description: "Created by deploy-registry-flow-to-nifi.sh", properties: {url: $url}}}')"
    expect "creating the registry client '$client_name'" 200 201
    client_id=$(jq -r '.id' "$response_body")
    say "created registry client '$client_name' for $registry_url (id $client_id)"
else
    client_url=$(jq -r --arg id "$client_id" '.registries[] | select(.id == $id) | .component.properties.url // empty' "$response_body")
    [ "$client_url" = "$registry_url" ] || die "NiFi's registry client '$client_name' points at '$client_url', not at" \
        "$registry_url: change its URL (Controller Settings, Registry Clients) or pass another --registry-client"
fi

# --- the process group -----------------------------------------------------------------------------------------------
http GET "$api/flow/process-groups/${parent_group:-root}" "${auth[@]}"
[ "$http_status" != 404 ] || die "NiFi has no process group '$parent_group' to deploy into"
expect "reading the parent process group" 200
parent_id=$(jq -r '.processGroupFlow.id' "$response_body")

# The group under version control of this flow, whatever it is called now; else the one of the name given (an
# upload of the flow file, say)
group=$(jq -c --arg name "$group_name" --arg flow "$flow_id" '.processGroupFlow.flow.processGroups // []
    | (map(select(.component.versionControlInformation.flowId == $flow)) + map(select(.component.name == $name)))
    | first // empty' "$response_body")

# An unversioned group of the former name is what an earlier deployer uploaded: the same flow, running
former_group=$(jq -c --arg name "$former_group_name" '.processGroupFlow.flow.processGroups // []
    | map(select($name != "" and .component.name == $name and .component.versionControlInformation == null))
    | first // empty' "$response_body")
if [ -n "$former_group" ]; then
    former_id=$(jq -r '.id' <<<"$former_group")
    if [ -z "$group" ]; then
        http GET "$api/process-groups/$former_id" "${auth[@]}"
        expect "reading process group '$former_group_name' (id $former_id)" 200
        http PUT "$api/process-groups/$former_id" "${auth[@]}" "${json[@]}" --data "$(jq -c --arg name "$group_name" \
            '{revision: .revision, disconnectedNodeAcknowledged: false, component: {id: .id, name: $name}}' "$response_body")"
        expect "renaming process group '$former_group_name' (id $former_id) to '$group_name'" 200
        group=$(cat "$response_body")
        say "renamed process group '$former_group_name' (id $former_id), uploaded by an earlier deployer, to '$group_name'"
    elif [ "$(jq -r '.id' <<<"$group")" != "$former_id" ]; then
        say "warning: process group '$former_group_name' (id $former_id), uploaded by an earlier deployer, runs the" \
            "same flow beside '$(jq -r '.component.name' <<<"$group")': stop it, empty its queues and delete it"
    fi
fi

if [ -z "$group" ]; then
    name_field='{}'
    [ -z "$group_name" ] || name_field=$(jq -n -c --arg name "$group_name" '{name: $name}')
    http POST "$api/process-groups/$parent_id/process-groups?parameterContextHandlingStrategy=KEEP_EXISTING" \
        "${auth[@]}" "${json[@]}" --data "$(jq -n -c --argjson extra "$name_field" \
            --arg registryId "$client_id" --arg bucketId "$bucket_id" --arg flowId "$flow_id" --arg version "$version" \
            --argjson x "${position%,*}" --argjson y "${position#*,}" \
            '{revision: {version: 0}, disconnectedNodeAcknowledged: false,
              component: ({position: {x: $x, y: $y},
                versionControlInformation: {registryId: $registryId, bucketId: $bucketId, flowId: $flowId, version: $version}}
                + $extra)}')"
    expect "importing version $version of flow $flow_id into process group $parent_id" 200 201
    group_id=$(jq -r '.id' "$response_body")
    say "imported version $version as process group '$(jq -r '.component.name' "$response_body")' (id $group_id);" \
        "its processors are stopped"
else
    group_id=$(jq -r '.id' <<<"$group")
    group_label="process group '$(jq -r '.component.name' <<<"$group")' (id $group_id)"
    vci=$(jq -c '.component.versionControlInformation // empty' <<<"$group")
    if [ -z "$vci" ]; then
        # uploaded (which leaves a group unversioned): NiFi cannot attach it to a registry flow without committing
        # its contents as a new version, so the operator decides
        say "$group_label is not under version control (it was uploaded rather than imported from the registry):" \
            "left as it is, and the flow's updates do not reach it. To have them: stop it, empty its queues, delete" \
            "it and run this again; the flow is imported under version control and keeps using the parameter" \
            "context of the same name, with its values (deleting a group leaves its parameter context)."
    elif [ "$(jq -r '.flowId' <<<"$vci")" != "$flow_id" ]; then
        die "$group_label is under version control of another flow ($(jq -r '.flowName // .flowId' <<<"$vci"))"
    elif [ "$(jq -r '.version' <<<"$vci")" = "$version" ]; then
        say "$group_label is at version $version already: nothing to do"
    else
        current=$(jq -r '.version' <<<"$vci")
        case $(jq -r '.state' <<<"$vci") in
            LOCALLY_MODIFIED | LOCALLY_MODIFIED_AND_STALE)
                die "$group_label has local changes: NiFi moves only an unchanged group to another version." \
                    "Commit or revert them (right-click the group, Version), then run this again" ;;
        esac
        http GET "$api/process-groups/$group_id" "${auth[@]}"
        expect "reading $group_label" 200
        http POST "$api/versions/update-requests/process-groups/$group_id" "${auth[@]}" "${json[@]}" \
            --data "$(jq -c --arg registryId "$client_id" --arg bucketId "$bucket_id" --arg flowId "$flow_id" \
                --arg version "$version" \
                '{processGroupRevision: .revision, disconnectedNodeAcknowledged: false,
                  versionControlInformation: {groupId: .id, registryId: $registryId, bucketId: $bucketId,
                    flowId: $flowId, version: $version}}' "$response_body")"
        expect "asking NiFi to move $group_label from version $current to $version" 200 201
        await_request "moving $group_label to version $version" \
            "$api/versions/update-requests/$(jq -r '.request.requestId' "$response_body")" "${auth[@]}"
        say "moved $group_label from version $current to $version; parameter values kept"
    fi
fi

set_parameters "$api" "$group_id" "${parameters[@]}"
