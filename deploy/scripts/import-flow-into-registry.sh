#!/usr/bin/env bash
# Imports a flow definition into a NiFi Registry as a new version of <bucket>/<flow>, creating the bucket and the
# flow when they are missing. Safe to re-run: when the latest version already holds the same flow, nothing is written.
# Prints the coordinates of the version that holds the flow, {"bucketId", "flowId", "version"}, on stdout.
set -euo pipefail
# shellcheck source=deploy/scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<USAGE
Usage: $script_name [options] [FLOW_FILE]

Imports FLOW_FILE (default: the one flows/<bucket>/<flow>.json of this repository) into a NiFi Registry.

Options:
  --registry-url URL   NiFi Registry base URL (default: \$NIFI_REGISTRY_URL or http://localhost:18080)
  --bucket NAME        bucket name (default: the folder holding FLOW_FILE)
  --flow NAME          flow name (default: FLOW_FILE's name without .json)
  --comment TEXT       comment of the new version
  -h, --help           this help
USAGE
}

registry_url=${NIFI_REGISTRY_URL:-http://localhost:18080}
bucket_name=""
flow_name=""
comment=""
flow_file=""
while [ $# -gt 0 ]; do
    case $1 in
        --registry-url) registry_url=${2:?--registry-url needs a value}; shift 2 ;;
        --bucket) bucket_name=${2:?--bucket needs a value}; shift 2 ;;
        --flow) flow_name=${2:?--flow needs a value}; shift 2 ;;
        --comment) comment=${2:?--comment needs a value}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [ -z "$flow_file" ] || die "only one flow file can be imported at a time"; flow_file=$1; shift ;;
    esac
done

require_tools curl jq
[ -n "$flow_file" ] || flow_file=$(default_flow_file)
check_flow_file "$flow_file"
[ -n "$bucket_name" ] || bucket_name=$(basename "$(dirname "$flow_file")")
[ -n "$flow_name" ] || flow_name=$(basename "$flow_file" .json)
[ -n "$comment" ] || comment="Imported from $(basename "$flow_file") by $script_name"
api="${registry_url%/}/nifi-registry-api"
json=(--header 'Content-Type: application/json')

# find_identifier COLLECTION_URL NAME: the identifier of the item called NAME, or nothing.
find_identifier() {
    http GET "$1"
    expect "listing $1" 200
    jq -r --arg name "$2" 'map(select(.name == $name)) | first | .identifier // empty' "$response_body"
}

# ensure_item WHAT COLLECTION_URL NAME BODY: the identifier of NAME, created with BODY when missing.
ensure_item() {
    local what=$1 collection=$2 name=$3 body=$4 identifier
    identifier=$(find_identifier "$collection" "$name")
    if [ -n "$identifier" ]; then
        echo "$identifier"
        return
    fi
    http POST "$collection" "${json[@]}" --data "$body"
    if [ "$http_status" = 409 ]; then
        # created by someone else between our listing and our creation: use theirs
        identifier=$(find_identifier "$collection" "$name")
        [ -n "$identifier" ] || die "creating $what '$name' failed: HTTP 409, yet the registry lists no $what of that name"
    else
        expect "creating $what '$name'" 200 201
        identifier=$(jq -r '.identifier // empty' "$response_body")
        [ -n "$identifier" ] || die "creating $what '$name': the registry answered without an identifier"
        say "created $what '$name'"
    fi
    echo "$identifier"
}

bucket_id=$(ensure_item bucket "$api/buckets" "$bucket_name" \
    "$(jq -n --arg name "$bucket_name" '{name: $name, description: "Flows of nifi-snowstream"}')")
flow_id=$(ensure_item flow "$api/buckets/$bucket_id/flows" "$flow_name" \
    "$(jq -n --arg name "$flow_name" '{name: $name}')")
flow_url="$api/buckets/$bucket_id/flows/$flow_id"

# The flow and its parameter contexts as a comparable text. The registry writes them back in its own way: other key
# order, null and empty fields left out or added, and the components of each group (sets in NiFi's model) in another
# order. So keys are sorted, null and empty values dropped, and every array of objects sorted by identifier (or name),
# every array of strings sorted; only the arrays whose order means something (bends, prioritizers, inherited parameter
# contexts) keep it.
canonical_flow() {
    jq -S '
        def canonical:
            if type == "object" then
                with_entries(.key as $key
                    | .value |= (canonical
                        | if type == "array" and ($key | IN("bends", "prioritizers", "inheritedParameterContexts") | not)
                          then sort_by(if type == "object" then (.identifier // .name // tojson) else tojson end)
                          else . end))
                | with_entries(select(.value != null and .value != [] and .value != {}))
            elif type == "array" then map(canonical)
            else . end;
        {flowContents, parameterContexts} | canonical'
}

# print_coordinates VERSION: what NiFi needs to version-control a group with this flow, on stdout.
print_coordinates() {
    jq -n -c --arg bucketId "$bucket_id" --arg flowId "$flow_id" --arg version "$1" \
        '{bucketId: $bucketId, flowId: $flowId, version: $version}'
}

http GET "$flow_url/versions/latest"
if [ "$http_status" = 200 ]; then
    latest_version=$(jq -r '.snapshotMetadata.version' "$response_body")
    if [ "$(canonical_flow <"$response_body")" = "$(canonical_flow <"$flow_file")" ]; then
        say "$bucket_name/$flow_name is up to date at version $latest_version: nothing imported"
        print_coordinates "$latest_version"
        exit 0
    fi
else
    # 404: the flow exists but holds no version yet
    expect "reading the latest version of $bucket_name/$flow_name" 404
fi

http POST "$flow_url/versions/import" "${json[@]}" --header "Comments: $comment" --data-binary "@$flow_file"
expect "importing $flow_file into $bucket_name/$flow_name" 200 201
imported_version=$(jq -r '.snapshotMetadata.version' "$response_body")
say "imported $flow_file as version $imported_version of $bucket_name/$flow_name"
print_coordinates "$imported_version"
