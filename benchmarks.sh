#!/usr/bin/env bash
# Runs the benchmarks, each printing our figure beside its peer baseline measured in the same run.
# Usage: ./benchmarks.sh [generator|validator|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"

source .ci/jdk.sh
./mvnw -B -q -pl nifi-snowstream-benchmarks -am package -DskipTests
classpath=$(./mvnw -B -q -pl nifi-snowstream-benchmarks dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
classpath="nifi-snowstream-benchmarks/target/classes:$classpath"

# shellcheck disable=SC2317 # called from the case branches below, one per benchmark
run() {
    # one core, as the targets are stated per core
    taskset -c 0 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:ActiveProcessorCount=1 -cp "$classpath" "$@"
}

case "${1:-all}" in
    *) echo "unknown benchmark: $1 (expected: generator, validator or all)" >&2; exit 2 ;;
esac
