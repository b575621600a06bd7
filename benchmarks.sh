#!/usr/bin/env bash
# Runs the benchmarks, each printing our figure beside its peer baseline measured in the same run.
# Usage: ./benchmarks.sh [generator|validator|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"

source .ci/jdk.sh
# one reactor run, so the processors jar resolves from the reactor without being installed into ~/.m2
./mvnw -B -q -pl nifi-snowstream-benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
classpath=$(cat nifi-snowstream-benchmarks/target/classpath.txt)
classpath="nifi-snowstream-benchmarks/target/classes:$classpath"

run() {
    # one core, as the targets are stated per core
    taskset -c 0 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:ActiveProcessorCount=1 -cp "$classpath" "$@"
}

case "${1:-all}" in
    validator)
        run io.snowstream.nifi.benchmarks.ValidatorBenchmark throughput 128
        # heap stays flat: 1 GB through a 256 MB heap
        taskset -c 0 "$JAVA_HOME/bin/java" -Xmx256m -XX:ActiveProcessorCount=1 -cp "$classpath" \
            io.snowstream.nifi.benchmarks.ValidatorBenchmark heap 1024 ;;
    *) echo "unknown benchmark: $1 (expected: generator, validator or all)" >&2; exit 2 ;;
esac
