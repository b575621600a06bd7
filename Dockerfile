# syntax=docker/dockerfile:1
# NiFi 2 with this repository's NAR. A fresh machine needs nothing but Docker: the NAR is built in the first stage.
# Needs BuildKit (the default builder of Docker 23 and newer, and of `docker compose build`): the build stage caches
# Maven's repository with `RUN --mount`, which the legacy builder cannot run; the syntax line above has BuildKit
# fetch the Dockerfile frontend image once.
# Keep NIFI_VERSION equal to the root pom's <nifi.version>: a test in flows/ checks it.
ARG NIFI_VERSION=2.8.0

FROM eclipse-temurin:21-jdk AS build
WORKDIR /build
# Only what the NAR is built from, so that a change anywhere else (flows, deploy scripts, docs, SQL) leaves this
# stage cached: the Maven Wrapper and settings, every module's pom (the reactor reads them all), then the sources of
# the two modules the NAR is made of.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY nifi-snowstream-processors/pom.xml nifi-snowstream-processors/
COPY nifi-snowstream-nar/pom.xml nifi-snowstream-nar/
COPY nifi-snowstream-benchmarks/pom.xml nifi-snowstream-benchmarks/
COPY flows/pom.xml flows/
COPY system-tests/pom.xml system-tests/
COPY sql/pom.xml sql/
COPY nifi-snowstream-processors/src/ nifi-snowstream-processors/src/
COPY nifi-snowstream-nar/src/ nifi-snowstream-nar/src/
# the Maven repository is a cache kept between builds, not a layer
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests -pl nifi-snowstream-nar -am package \
    && mkdir /nar \
    && cp nifi-snowstream-nar/target/nifi-snowstream-nar-*.nar /nar/

FROM apache/nifi:${NIFI_VERSION}
# The NAR goes to NiFi's autoload directory, nar_extensions, on every start (see start-with-snowstream-nar.sh):
# the official image declares that directory a VOLUME, so a NAR copied there at build time would hide behind the
# previous container's volume after a rebuild.
COPY --from=build --chown=nifi:nifi /nar/ /opt/nifi/snowstream-nar/
COPY --chown=nifi:nifi --chmod=755 deploy/nifi/start-with-snowstream-nar.sh deploy/nifi/renew-generated-certificate.sh \
    /opt/nifi/scripts/
ENTRYPOINT ["../scripts/start-with-snowstream-nar.sh"]
