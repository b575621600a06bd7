#!/usr/bin/env bash
# Runs the benchmarks, each printing our figure beside its peer baseline measured in the same run.
# Usage: ./benchmarks.sh [generator|validator|snowpipe|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"

source .ci/jdk.sh
# one reactor run: the benchmarks' classpath then resolves the processors (and their test-jar) from target/
./mvnw -B -q -pl nifi-snowstream-benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=runtime
classpath="nifi-snowstream-benchmarks/target/classes:$(cat nifi-snowstream-benchmarks/target/benchmark.classpath)"

# shellcheck disable=SC2317 # called from the case branches below, one per benchmark
run() {
    # one core, as the targets are stated per core
    taskset -c 0 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:ActiveProcessorCount=1 -cp "$classpath" "$@"
}

case "${1:-all}" in
    snowpipe)
        # the Snowflake driver: no native helper library, OCSP cache under target/, no Nagle stall in the stub
        mkdir -p nifi-snowstream-benchmarks/target/snowflake-ocsp
        SNOWFLAKE_DISABLE_MINICORE=true run -Dsun.net.httpserver.nodelay=true \
            -Dnet.snowflake.jdbc.ocspResponseCacheDir=nifi-snowstream-benchmarks/target/snowflake-ocsp \
            -Djava.util.logging.config.file=/dev/null \
            io.snowstream.nifi.benchmarks.SnowpipeBenchmark ;;
    *) echo "unknown benchmark: $1 (expected: generator, validator, snowpipe or all)" >&2; exit 2 ;;
esac
