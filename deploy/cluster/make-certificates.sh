#!/usr/bin/env bash
# Makes the TLS material of a secured NiFi cluster with the JDK's keytool: one certificate authority, a PKCS12
# keystore per node (key certified by the CA for TLS server and client authentication, valid for the node's host name,
# localhost and 127.0.0.1), one truststore holding only the CA's certificate, and the operator's client certificate
# (a PKCS12 for a browser and curl, and a PEM of key and chain for Prometheus and curl). Every store has one random
# password, kept in DIRECTORY/store-password. Also one sensitive-properties key for every node
# (DIRECTORY/sensitive-properties-key: NiFi generates none for a cluster node, and the nodes' keys must agree).
#
# Usage: make-certificates.sh DIRECTORY ADMIN_NAME NODE_HOST...
#   docker compose --profile cluster runs it once (the cluster-certificates service); safe to re-run: what exists is
#   kept, so the nodes keep their identities. A certificate's distinguished name is CN=<name>: NiFi's user identity.
#   With SNOWSTREAM_TLS_NODE_OWNER=uid:gid (as root), the node keystores and the password become that user's and the
#   operator's PEM SNOWSTREAM_TLS_METRICS_OWNER's (Prometheus); everything else stays readable by its owner only.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: ${0##*/} DIRECTORY ADMIN_NAME NODE_HOST..." >&2; exit 2; }
directory=$1
admin=$2
shift 2
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
validity_days=${SNOWSTREAM_TLS_VALIDITY_DAYS:-825}

umask 077
mkdir -p "$directory"
cd "$directory"
if [ ! -s store-password ]; then
    head -c 18 /dev/urandom | base64 | tr '/+' '_-' >store-password
fi
STORE_PASSWORD=$(cat store-password)
if [ ! -s sensitive-properties-key ]; then
    head -c 18 /dev/urandom | base64 | tr '/+' '_-' >sensitive-properties-key
fi
export STORE_PASSWORD

# keytool with the store password from the environment, never on the command line
store_tool() {
    keytool "$@" -storepass:env STORE_PASSWORD >/dev/null
}

if [ ! -f ca.p12 ]; then
    store_tool -genkeypair -alias ca -keyalg RSA -keysize 3072 -dname "CN=nifi-snowstream cluster CA" -ext bc:c \
        -validity "$validity_days" -keystore ca.p12 -storetype PKCS12
    rm -f ca.pem truststore.p12
fi
[ -f ca.pem ] || store_tool -exportcert -rfc -alias ca -file ca.pem -keystore ca.p12
[ -f truststore.p12 ] || store_tool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 -storetype PKCS12

# issue NAME [SUBJECT_ALTERNATIVE_NAMES]: NAME.p12, its key certified by the CA, the chain up to the CA included
issue() {
    local name=$1 names=${2:-}
    [ -f "$name.p12" ] && return 0
    store_tool -genkeypair -alias "$name" -keyalg RSA -keysize 2048 -dname "CN=$name" -validity "$validity_days" \
        -keystore "$name.p12.new" -storetype PKCS12
    store_tool -certreq -alias "$name" -file "$name.csr" -keystore "$name.p12.new"
    local extensions=(-ext "eku=serverAuth,clientAuth" -ext "ku:c=digitalSignature,keyEncipherment")
    [ -z "$names" ] || extensions+=(-ext "san=$names")
    store_tool -gencert -rfc -alias ca -infile "$name.csr" -outfile "$name.crt" -validity "$validity_days" \
        "${extensions[@]}" -keystore ca.p12
    cat "$name.crt" ca.pem >"$name-chain.pem"
    store_tool -importcert -noprompt -alias "$name" -file "$name-chain.pem" -keystore "$name.p12.new"
    rm -f "$name.csr" "$name.crt" "$name-chain.pem"
    mv "$name.p12.new" "$name.p12"
}

for node in "$@"; do
    issue "$node" "dns:$node,dns:localhost,ip:127.0.0.1"
done
issue "$admin"
[ -f "$admin-key-and-chain.pem" ] || java "$script_dir/PemExport.java" "$admin.p12" "$admin" >"$admin-key-and-chain.pem"

chmod 644 ca.pem truststore.p12
if [ -n "${SNOWSTREAM_TLS_NODE_OWNER:-}" ]; then
    for node in "$@"; do
        chown "$SNOWSTREAM_TLS_NODE_OWNER" "$node.p12"
    done
    chown "$SNOWSTREAM_TLS_NODE_OWNER" store-password sensitive-properties-key
    chmod 755 .
fi
if [ -n "${SNOWSTREAM_TLS_METRICS_OWNER:-}" ]; then
    chown "$SNOWSTREAM_TLS_METRICS_OWNER" "$admin-key-and-chain.pem"
fi
echo "${0##*/}: CA, truststore and keystores for $* and $admin in $directory" >&2
