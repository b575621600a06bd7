# syntax=docker/dockerfile:1
# NiFi 2 with this repository's NAR. A fresh machine needs nothing but Docker: the NAR is built in the first stage.
# Keep NIFI_VERSION equal to the root pom's <nifi.version>: a test in flows/ checks it.
ARG NIFI_VERSION=2.8.0

FROM eclipse-temurin:21-jdk AS build
WORKDIR /build
COPY . .
# only the NAR and what it needs; the Maven repository is cached between builds
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests -pl nifi-snowstream-nar -am package \
    && mkdir /nar \
    && cp nifi-snowstream-nar/target/nifi-snowstream-nar-*.nar /nar/

FROM apache/nifi:${NIFI_VERSION}
# The NAR goes to NiFi's autoload directory, nar_extensions, on every start (see start-with-snowstream-nar.sh):
# the official image declares that directory a VOLUME, so a NAR copied there at build time would hide behind the
# previous container's volume after a rebuild.
COPY --from=build --chown=nifi:nifi /nar/ /opt/nifi/snowstream-nar/
COPY --chown=nifi:nifi --chmod=755 deploy/nifi/start-with-snowstream-nar.sh /opt/nifi/scripts/start-with-snowstream-nar.sh
ENTRYPOINT ["../scripts/start-with-snowstream-nar.sh"]
