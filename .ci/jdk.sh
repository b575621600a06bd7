# Sourced by .ci/run and benchmarks.sh: exports JAVA_HOME as the first JDK >= 21 found, or stops with a clear error.
# shellcheck shell=bash

java_spec() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'
}

pick_jdk() {
    local candidate version
    for candidate in ${JAVA_HOME:-} /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
        if [ ! -x "$candidate/bin/java" ] || [ ! -x "$candidate/bin/javac" ]; then
            continue
        fi
        version=$(java_spec "$candidate")
        if [ -n "$version" ] && [ "${version%%.*}" -ge 21 ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! JAVA_HOME=$(pick_jdk); then
    echo "error: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*)." >&2
    echo "NiFi 2 and its NAR plugin need JDK 21+: install one (e.g. Temurin 21) and set JAVA_HOME." >&2
    exit 1
fi
export JAVA_HOME
echo "Using JDK $(java_spec "$JAVA_HOME") at $JAVA_HOME" >&2
