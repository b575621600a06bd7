#!/usr/bin/env bash
# Runs the benchmarks, each printing our figure beside its peer baseline measured in the same run.
# Usage: ./benchmarks.sh [generator|validator|s3|retries|snowpipe|e2e|all]...   (default: all)
#        ./benchmarks.sh faults soak   (the reliability runs: a million records under faults; the soak; not in all)
#        ./benchmarks.sh sql           (the Snowflake change processing on DuckDB against 1, 4 and 16 million history
#                                       rows; not in all: it needs about 10 GB of memory)
#        NIFI_HOME=/path/to/nifi-2.8.0 ./benchmarks.sh nifi
#                                      (the flow against NiFi's stock processors inside a real NiFi; not in all: it
#                                       needs a NiFi 2 installation; about 20 minutes)
set -euo pipefail
cd "$(dirname "$0")"

source .ci/jdk.sh

# the in-process benchmarks' build: one reactor run, so that their classpath resolves the processors (and their
# test-jar) from target/; done once, and only when one of them is asked for
classpath=
build_benchmarks() {
    [ -z "$classpath" ] || return 0
    ./mvnw -B -q -pl nifi-snowstream-benchmarks -am package dependency:build-classpath -DskipTests \
        -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=runtime
    classpath="nifi-snowstream-benchmarks/target/classes:$(cat nifi-snowstream-benchmarks/target/benchmark.classpath)"
}

# one core, as the targets are stated per core; the heap size is the caller's
on_one_core() {
    build_benchmarks
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
    build_benchmarks
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

# how long a stop takes during an S3 outage (503 SlowDown): PutS3Batch's own retry policy beside the AWS SDK's
# standard retry strategy at the same bounds, against a loopback server (docs/benchmarks.md)
retries() {
    on_one_core -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=off io.snowstream.nifi.benchmarks.RetryStopBenchmark 5
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

# the change processing of sql/ against the size of the history (docs/benchmarks.md): its statements on DuckDB
# (emulated Snowflake) with 1, 4 and 16 million history rows, longer (same customers, more versions) and wider (more
# customers), and batches of 10,000 events. Runs sql's ChangeProcessingBenchmark (tagged benchmark, left out of
# ./mvnw verify; about 3 minutes, 10 GB of memory), which prints the tables and writes them to
# sql/target/change-processing-scaling.md.
sql() {
    ./mvnw -B -q -pl sql -am verify -Dgroups=benchmark -DexcludedGroups= \
        -Dtest=ChangeProcessingBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat sql/target/change-processing-scaling.md
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

# the bundle's flow against the same job from NiFi's stock processors, inside a real NiFi 2 (NIFI_HOME): both flows
# in one NiFi (heap 2 GB), alternating rounds, against S3Mock; generation included, then the same pre-generated CSV
# replayed into both; idle CPU. Runs system-tests' NiFiFlowBenchmark (tagged benchmark, left out of ./mvnw verify),
# which prints the figures and writes them to system-tests/target/system-tests/nifi-benchmark-report.txt.
nifi() {
    if [ -z "${NIFI_HOME:-}" ]; then
        echo "benchmarks.sh nifi: NIFI_HOME is not set. It measures inside a real Apache NiFi 2 installation: set NIFI_HOME" >&2
        echo "to one (the unpacked binary distribution, with bin/nifi.sh), e.g. NIFI_HOME=/opt/nifi-2.8.0 ./benchmarks.sh nifi" >&2
        exit 2
    fi
    if [ ! -x "$NIFI_HOME/bin/nifi.sh" ]; then
        echo "benchmarks.sh nifi: NIFI_HOME=$NIFI_HOME has no bin/nifi.sh: point it at an Apache NiFi 2 installation" >&2
        exit 2
    fi
    # another NiFi on the machine would take CPU from the measured one: wait (up to 30 minutes) until none is left
    local others waited=0
    while others=$(pgrep -f org.apache.nifi.NiFi); do
        if [ "$waited" -ge 1800 ]; then
            echo "benchmarks.sh nifi: another NiFi is still running (pid $(echo "$others" | tr '\n' ' ')): stop it and run again" >&2
            exit 1
        fi
        [ "$waited" -gt 0 ] || echo "Waiting for the NiFi already running (pid $(echo "$others" | tr '\n' ' ')) to exit, so that it does not disturb the figures ..." >&2
        sleep 10
        waited=$((waited + 10))
    done
    echo "NiFi flow benchmark in $NIFI_HOME; load average now: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    NIFI_HOME="$NIFI_HOME" ./mvnw -B -q -pl system-tests -am verify -Dgroups=benchmark -DexcludedGroups= \
        -Dtest=NiFiFlowBenchmark -Dsurefire.failIfNoSpecifiedTests=false
}

all_benchmarks=(generator validator s3 retries snowpipe e2e)
[ $# -gt 0 ] || set -- all
for name in "$@"; do
    case "$name" in
        all) for benchmark in "${all_benchmarks[@]}"; do "$benchmark"; done ;;
        generator|validator|s3|retries|snowpipe|e2e|sql|nifi) "$name" ;;
        faults|soak) reliability "$name" ;;
        *) echo "unknown benchmark: $name (expected: ${all_benchmarks[*]}, all, faults, soak, sql or nifi)" >&2; exit 2 ;;
    esac
done
