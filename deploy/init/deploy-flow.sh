#!/usr/bin/env bash
# What the flow-deployer service of docker-compose.yml runs once NiFi and NiFi Registry are healthy, on every
# `docker compose up -d`:
#   1. the flow file goes into the registry as a new version when it changed (nothing is written otherwise);
#   2. that version goes onto NiFi's canvas as a process group under version control, through NiFi's registry client
#      "NiFi Registry" (created when missing); a group at an older version is moved to it, its parameter values kept;
#   3. the parameters docker compose decides (S3 bucket, region, endpoint, path-style access) get the values of .env;
#      every other parameter is the operator's.
# Installs made before the flow was versioned hold it as an uploaded group named "Customer stream to Snowflake": that
# group is renamed and kept (not doubled), and the deployer's log says how to bring it under version control.
# Every step is safe to re-run.
set -euo pipefail
scripts="$(dirname "${BASH_SOURCE[0]}")/../scripts"
# shellcheck source=deploy/scripts/common.sh
source "$scripts/common.sh"

flow_file=$(default_flow_file)
coordinates=$("$scripts/import-flow-into-registry.sh" "$flow_file")

# MinIO (any S3_ENDPOINT) wants path-style requests; AWS S3 (S3_ENDPOINT empty) virtual-hosted ones
path_style=false
[ -z "${S3_ENDPOINT:-}" ] || path_style=true

# NiFi's certificate is the self-signed one it generated on its first start: nothing outside the container vouches for
# it, and this connection never leaves the compose network
"$scripts/deploy-registry-flow-to-nifi.sh" --insecure \
    --registry-url "${NIFI_REGISTRY_URL:?NIFI_REGISTRY_URL is not set}" \
    --bucket-id "$(jq -r '.bucketId' <<<"$coordinates")" \
    --flow-id "$(jq -r '.flowId' <<<"$coordinates")" \
    --version "$(jq -r '.version' <<<"$coordinates")" \
    --group-name "$(basename "$flow_file" .json)" \
    --former-group-name "Customer stream to Snowflake" \
    --parameter "s3.bucket=${S3_BUCKET:?S3_BUCKET is not set}" \
    --parameter "s3.region=${S3_REGION:?S3_REGION is not set}" \
    --parameter "s3.endpoint=${S3_ENDPOINT:-}" \
    --parameter "s3.path.style.access=$path_style"
