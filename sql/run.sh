#!/usr/bin/env bash
# Runs the numbered scripts of this folder in order, with the variables of snowstream.env (or the file given by
# SNOWSTREAM_ENV). Every script is safe to re-run.
# Usage: sql/run.sh [snow|snowsql] [script...]   e.g. sql/run.sh snow 04_tables.sql 06_change_processing.sql
# Extra client options (connection name, account, user) come from SNOWSTREAM_CLIENT_OPTS.
set -euo pipefail
cd "$(dirname "$0")"

client=${1:-snow}
shift || true
env_file=${SNOWSTREAM_ENV:-snowstream.env}

variables=()
while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    variables+=(-D "$line")
done < "$env_file"

if [ "$#" -gt 0 ]; then
    scripts=("$@")
else
    # 99_teardown.sql is never run by default
    scripts=(0[0-9]_*.sql)
fi

# extra client options, split on blanks like a command line (e.g. "-c prod")
read -r -a client_opts <<< "${SNOWSTREAM_CLIENT_OPTS:-}"

for script in "${scripts[@]}"; do
    echo "== $script" >&2
    case "$client" in
        snow) snow sql "${client_opts[@]}" -f "$script" "${variables[@]}" ;;
        snowsql) snowsql "${client_opts[@]}" -o variable_substitution=true -o exit_on_error=true \
                     -f "$script" "${variables[@]}" ;;
        *) echo "unknown client: $client (expected snow or snowsql)" >&2; exit 2 ;;
    esac
done
