#!/bin/bash
# Entry point of the nifi-snowstream image: puts the NAR built into the image into NiFi's autoload directory,
# replacing any other version of it, then hands over to the official image's start script (same working directory,
# same PID, so NiFi still stops cleanly on `docker compose stop`).
set -euo pipefail

autoload_dir="${NIFI_HOME:?NIFI_HOME is not set: run this inside the apache/nifi image}/nar_extensions"
shopt -s nullglob
built_nars=(/opt/nifi/snowstream-nar/nifi-snowstream-nar-*.nar)
if [ ${#built_nars[@]} -ne 1 ]; then
    echo "start-with-snowstream-nar: expected one nifi-snowstream NAR in /opt/nifi/snowstream-nar, found ${#built_nars[@]}" >&2
    exit 1
fi
rm -f "$autoload_dir"/nifi-snowstream-nar-*.nar
cp "${built_nars[0]}" "$autoload_dir/"
echo "start-with-snowstream-nar: $(basename "${built_nars[0]}") placed in $autoload_dir"

exec "${NIFI_BASE_DIR:-/opt/nifi}/scripts/start.sh"
