#!/usr/bin/env bash
# What the flow-deployer service of docker-compose.yml runs once NiFi and NiFi Registry are healthy: the flow goes
# into the registry as a new version, then onto NiFi's canvas as a process group. Both steps are safe to re-run.
set -euo pipefail
scripts="$(dirname "${BASH_SOURCE[0]}")/../scripts"

"$scripts/import-flow-into-registry.sh" "$@"
# NiFi's certificate is the self-signed one it generated on its first start: nothing outside the container vouches for
# it, and this connection never leaves the compose network
"$scripts/upload-flow-to-nifi.sh" --insecure "$@"
