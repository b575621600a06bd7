#!/usr/bin/env bash
# Runs the benchmarks, each printing our figure beside its peer baseline measured in the same run.
# Usage: ./benchmarks.sh [generator|validator|s3|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"

source .ci/jdk.sh
# one reactor build: the sibling processors jar resolves from the reactor, nothing is installed into ~/.m2
./mvnw -B -q -pl nifi-snowstream-benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/runtime-classpath.txt -Dmdep.includeScope=runtime
classpath=$(cat nifi-snowstream-benchmarks/target/runtime-classpath.txt)
classpath="nifi-snowstream-benchmarks/target/classes:$classpath"

run() {
    # one core, as the targets are stated per core
    taskset -c 0 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:ActiveProcessorCount=1 -cp "$classpath" "$@"
}

# S3Mock (a real S3 REST server) on the other core, for the s3 benchmark; stopped when the script exits
start_s3mock() {
    s3mock_dir=$(mktemp -d)
    taskset -c 1 "$JAVA_HOME/bin/java" -Xmx512m -jar nifi-snowstream-benchmarks/target/s3mock/s3mock-exec.jar \
        --server.port=0 --com.adobe.testing.s3mock.httpPort=0 --com.adobe.testing.s3mock.store.root="$s3mock_dir/store" \
        > "$s3mock_dir/log" 2>&1 &
    s3mock_pid=$!
    trap 'kill "$s3mock_pid" 2>/dev/null; wait "$s3mock_pid" 2>/dev/null; rm -rf "$s3mock_dir"' EXIT
    for _ in $(seq 120); do
        s3mock_port=$(sed -n 's/.*Tomcat started on ports\{0,1\} .* \([0-9][0-9]*\) (http).*/\1/p' "$s3mock_dir/log")
        [ -n "$s3mock_port" ] && return 0
        kill -0 "$s3mock_pid" 2>/dev/null || break
        sleep 0.5
    done
    echo "S3Mock did not start:" >&2; cat "$s3mock_dir/log" >&2; exit 1
}

s3() {
    start_s3mock
    run io.snowstream.nifi.benchmarks.PutS3BatchBenchmark "http://127.0.0.1:$s3mock_port" throughput
    # the heap figure in a deliberately small heap: a 1 GB object must fit through it
    taskset -c 0 "$JAVA_HOME/bin/java" -Xmx128m -XX:ActiveProcessorCount=1 -cp "$classpath" \
        io.snowstream.nifi.benchmarks.PutS3BatchBenchmark "http://127.0.0.1:$s3mock_port" heap
}

case "${1:-all}" in
    s3) s3 ;;
    *) echo "unknown benchmark: $1 (expected: generator, validator, s3 or all)" >&2; exit 2 ;;
esac
