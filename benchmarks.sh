#!/usr/bin/env bash
# Runs the benchmarks, each printing our figure beside its peer baseline measured in the same run.
# Usage: ./benchmarks.sh [generator|validator|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"

source .ci/jdk.sh
# one reactor build, so the processors module resolves from its fresh jar (nothing is installed into ~/.m2)
./mvnw -B -q -pl nifi-snowstream-benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/runtime-classpath.txt -Dmdep.includeScope=runtime
classpath="nifi-snowstream-benchmarks/target/classes:$(cat nifi-snowstream-benchmarks/target/runtime-classpath.txt)"

run() {
    # one core, as the targets are stated per core
    taskset -c 0 "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:ActiveProcessorCount=1 -cp "$classpath" "$@"
}

generator() {
    # the original project's baseline: Debian's Python Faker for the system interpreter (not a pyenv one on PATH)
    local python=/usr/bin/python3 script=nifi-snowstream-benchmarks/src/main/python/faker_customers.py
    if ! "$python" -c 'import faker' 2>/dev/null; then
        echo "Installing python3-fake-factory for $python (the Python Faker baseline) ..." >&2
        apt-get install -y python3-fake-factory >/dev/null 2>&1 || sudo -n apt-get install -y python3-fake-factory >/dev/null 2>&1 || true
    fi
    if "$python" -c 'import faker' 2>/dev/null; then
        run io.snowstream.nifi.benchmarks.GeneratorBenchmark "$python" "$script"
    else
        echo "note: could not install python3-fake-factory (needs apt-get as root): the Python Faker baseline is skipped." >&2
        run io.snowstream.nifi.benchmarks.GeneratorBenchmark
    fi
}

case "${1:-all}" in
    generator) generator ;;
    all) generator ;;
    *) echo "unknown benchmark: $1 (expected: generator, validator or all)" >&2; exit 2 ;;
esac
