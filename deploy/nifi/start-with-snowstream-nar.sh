#!/bin/bash
# Entry point of the nifi-snowstream image. Before handing over to the official image's start script (same working
# directory, same PID, so NiFi still stops cleanly on `docker compose stop`) it
#   - reads the credentials docker compose generated (SNOWSTREAM_CREDENTIALS_FILE: the single user that start.sh
#     sets, the S3 key for the AWS SDK), when there is such a file;
#   - refuses a sensitive-properties key that start.sh would write wrongly into nifi.properties;
#   - puts the NAR built into the image into NiFi's autoload directory, replacing any other version of it;
#   - renews NiFi's generated certificate when it expires soon or no longer names the host (see that script).
set -euo pipefail

say() {
    echo "start-with-snowstream-nar: $*" >&2
}

if [ -n "${SNOWSTREAM_CREDENTIALS_FILE:-}" ]; then
    [ -r "$SNOWSTREAM_CREDENTIALS_FILE" ] || { say "cannot read SNOWSTREAM_CREDENTIALS_FILE $SNOWSTREAM_CREDENTIALS_FILE"; exit 1; }
    set -a
    # shellcheck disable=SC1090 # written by deploy/init/setup.sh, with shell quoting
    . "$SNOWSTREAM_CREDENTIALS_FILE"
    set +a
fi

# start.sh writes the key with `sed "s|^key=.*$|key=$value|"`: a |, & or \ in it would corrupt nifi.properties
case ${NIFI_SENSITIVE_PROPS_KEY:-} in
    *\|* | *\&* | *\\*)
        say "NIFI_SENSITIVE_PROPS_KEY contains |, & or \\, which the image's start.sh cannot write into nifi.properties:" \
            "choose a key without them (or leave it empty: NiFi then generates one and keeps it in its conf volume)"
        exit 1 ;;
esac

autoload_dir="${NIFI_HOME:?NIFI_HOME is not set: run this inside the apache/nifi image}/nar_extensions"
shopt -s nullglob
built_nars=(/opt/nifi/snowstream-nar/nifi-snowstream-nar-*.nar)
if [ ${#built_nars[@]} -ne 1 ]; then
    say "expected one nifi-snowstream NAR in /opt/nifi/snowstream-nar, found ${#built_nars[@]}"
    exit 1
fi
rm -f "$autoload_dir"/nifi-snowstream-nar-*.nar
cp "${built_nars[0]}" "$autoload_dir/"
say "$(basename "${built_nars[0]}") placed in $autoload_dir"

"${NIFI_BASE_DIR:-/opt/nifi}/scripts/renew-generated-certificate.sh"

# The cluster profile of docker-compose.yml (AUTH=tls): the image's secure.sh wants the store passwords in the
# environment and fills in one Node Identity only. The password is the one the cluster-certificates service generated
# next to the stores; every node's identity goes into the file-based authorizer, once, while its placeholder is empty
# (the first start of the node's conf volume: NiFi reads them only when it creates authorizations.xml).
if [ -n "${SNOWSTREAM_CLUSTER_TLS_DIR:-}" ]; then
    KEYSTORE_PASSWORD=$(cat "$SNOWSTREAM_CLUSTER_TLS_DIR/store-password")
    if [ -z "${NIFI_SENSITIVE_PROPS_KEY:-}" ]; then
        # the same key on every node, generated once with the certificates (none chosen in .env)
        NIFI_SENSITIVE_PROPS_KEY=$(cat "$SNOWSTREAM_CLUSTER_TLS_DIR/sensitive-properties-key")
        export NIFI_SENSITIVE_PROPS_KEY
    fi
    TRUSTSTORE_PASSWORD=$KEYSTORE_PASSWORD
    export KEYSTORE_PASSWORD TRUSTSTORE_PASSWORD
    authorizers="$NIFI_HOME/conf/authorizers.xml"
    if grep -q '<property name="Node Identity 1"></property>' "$authorizers"; then
        IFS=',' read -r -a node_identities <<<"${SNOWSTREAM_CLUSTER_NODE_IDENTITIES:?set SNOWSTREAM_CLUSTER_NODE_IDENTITIES: the DN of every node certificate, comma-separated}"
        node_properties=""
        user_properties=""
        for index in "${!node_identities[@]}"; do
            node_properties+="<property name=\"Node Identity $((index + 1))\">${node_identities[index]}</property>"
            user_properties+="<property name=\"Initial User Identity node-$((index + 1))\">${node_identities[index]}</property>"
        done
        sed -i -e "s|<property name=\"Node Identity 1\"></property>|$node_properties|" \
            -e "s|<property name=\"Initial Group Identity 1\"></property>|$user_properties&|" "$authorizers"
        echo "start-with-snowstream-nar: node identities ${SNOWSTREAM_CLUSTER_NODE_IDENTITIES} added to $authorizers"
    fi
fi

exec "${NIFI_BASE_DIR:-/opt/nifi}/scripts/start.sh"
