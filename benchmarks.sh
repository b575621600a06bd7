#!/usr/bin/env bash
# Runs the benchmarks, each printing our figure beside its peer baseline measured in the same run.
# Usage: ./benchmarks.sh [generator|validator|s3|snowpipe|e2e|all]...   (default: all)
#        ./benchmarks.sh faults soak   (the reliability runs: a million records under faults; the soak; not in all)
set -euo pipefail
cd "$(dirname "$0")"

source .ci/jdk.sh
# one reactor run: the benchmarks' classpath then resolves the processors (and their test-jar) from target/
./mvnw -B -q -pl nifi-snowstream-benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=runtime
classpath="nifi-snowstream-benchmarks/target/classes:$(cat nifi-snowstream-benchmarks/target/benchmark.classpath)"

# one core, as the targets are stated per core; the heap size is the caller's
on_one_core() {
    taskset -c 0 "$JAVA_HOME/bin/java" -XX:ActiveProcessorCount=1 -cp "$classpath" "$@"
}

generator() {
    # the original project's baseline: Debian's Python Faker for the system interpreter (not a pyenv one on PATH)
    local python=/usr/bin/python3 script=nifi-snowstream-benchmarks/src/main/python/faker_customers.py
    if ! "$python" -c 'import faker' 2>/dev/null; then
        echo "Installing python3-fake-factory for $python (the Python Faker baseline) ..." >&2
        { apt-get install -y -qq python3-fake-factory || { apt-get update -qq && apt-get install -y -qq python3-fake-factory; }; } >/dev/null 2>&1 || true
    fi
    if "$python" -c 'import faker' 2>/dev/null; then
        on_one_core -Xms2g -Xmx2g io.snowstream.nifi.benchmarks.GeneratorBenchmark "$python" "$script"
    else
        echo "note: could not install python3-fake-factory (needs apt-get as root): the Python Faker baseline is skipped." >&2
        on_one_core -Xms2g -Xmx2g io.snowstream.nifi.benchmarks.GeneratorBenchmark
    fi
}

validator() {
    on_one_core -Xms2g -Xmx2g io.snowstream.nifi.benchmarks.ValidatorBenchmark throughput 128
    # heap stays flat: 1 GB through a 256 MB heap
    on_one_core -Xmx256m io.snowstream.nifi.benchmarks.ValidatorBenchmark heap 1024
}

# S3Mock (a real S3 REST server) on the other core, for the s3 benchmark; stopped when the script exits
start_s3mock() {
    [ -z "${s3mock_port:-}" ] || return 0
    s3mock_dir=$(mktemp -d)
    taskset -c 1 "$JAVA_HOME/bin/java" -Xmx512m -jar nifi-snowstream-benchmarks/target/s3mock/s3mock-exec.jar \
        --server.port=0 --com.adobe.testing.s3mock.httpPort=0 --com.adobe.testing.s3mock.store.root="$s3mock_dir/store" \
        > "$s3mock_dir/log" 2>&1 &
    s3mock_pid=$!
    # the stopped server's exit status (143) must not become the script's
    trap 'kill "$s3mock_pid" 2>/dev/null; wait "$s3mock_pid" 2>/dev/null || true; rm -rf "$s3mock_dir"' EXIT
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
    on_one_core -Xms2g -Xmx2g io.snowstream.nifi.benchmarks.PutS3BatchBenchmark "http://127.0.0.1:$s3mock_port" throughput
    # the heap figure in a deliberately small heap: a 1 GB object must fit through it
    on_one_core -Xmx128m io.snowstream.nifi.benchmarks.PutS3BatchBenchmark "http://127.0.0.1:$s3mock_port" heap
}

snowpipe() {
    # the Snowflake driver: no native helper library, OCSP cache under target/, no Nagle stall in the stub
    mkdir -p nifi-snowstream-benchmarks/target/snowflake-ocsp
    SNOWFLAKE_DISABLE_MINICORE=true on_one_core -Xms2g -Xmx2g -Dsun.net.httpserver.nodelay=true \
        -Dnet.snowflake.jdbc.ocspResponseCacheDir=nifi-snowstream-benchmarks/target/snowflake-ocsp \
        -Djava.util.logging.config.file=/dev/null \
        io.snowstream.nifi.benchmarks.SnowpipeBenchmark
}

# the flow file run end to end in one JVM (InProcessFlow) against S3Mock and the Snowflake stub; writes the plot the
# README shows. Two cores: the flow on one, S3Mock on the other, as the processors' own benchmarks do.
e2e() {
    start_s3mock
    mkdir -p nifi-snowstream-benchmarks/target/snowflake-ocsp
    SNOWFLAKE_DISABLE_MINICORE=true on_one_core -Xms2g -Xmx2g -Djava.awt.headless=true \
        -Dnet.snowflake.jdbc.ocspResponseCacheDir=nifi-snowstream-benchmarks/target/snowflake-ocsp \
        -Djava.util.logging.config.file=/dev/null \
        io.snowstream.nifi.benchmarks.EndToEndBenchmark "http://127.0.0.1:$s3mock_port" \
        flows/snowstream/customer-stream-to-snowflake.json docs/e2e-latency.png
}

# the reliability runs (docs/reliability.md): a million records under injected faults, and the soak with the heap
# sampled after GC; each prints its figures and fails the script when a check fails
reliability() {
    start_s3mock
    mkdir -p nifi-snowstream-benchmarks/target/snowflake-ocsp
    SNOWFLAKE_DISABLE_MINICORE=true on_one_core -Xms2g -Xmx2g \
        -Dnet.snowflake.jdbc.ocspResponseCacheDir=nifi-snowstream-benchmarks/target/snowflake-ocsp \
        -Djava.util.logging.config.file=/dev/null -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
        io.snowstream.nifi.benchmarks.ReliabilityBenchmark "http://127.0.0.1:$s3mock_port" \
        flows/snowstream/customer-stream-to-snowflake.json "$1"
}

all_benchmarks=(generator validator s3 snowpipe e2e)
[ $# -gt 0 ] || set -- all
for name in "$@"; do
    case "$name" in
        all) for benchmark in "${all_benchmarks[@]}"; do "$benchmark"; done ;;
        generator|validator|s3|snowpipe|e2e) "$name" ;;
        faults|soak) reliability "$name" ;;
        *) echo "unknown benchmark: $name (expected: ${all_benchmarks[*]}, all, faults or soak)" >&2; exit 2 ;;
    esac
done
