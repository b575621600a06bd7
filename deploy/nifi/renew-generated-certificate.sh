#!/bin/bash
# Run by the image's entry point before NiFi starts. NiFi 2 generates a self-signed certificate on its first start
# (valid 60 days, for localhost, the host name and the hosts of nifi.web.proxy.host) and never again: after it expires,
# or once NIFI_HOSTNAME changes (an EC2 public DNS name changes on every stop and start), browsers, the deploy scripts
# and Prometheus are refused. When the certificate in conf/ is that generated one and it expires within
# RENEW_DAYS (default 10) or does not name every host NiFi now answers to, this removes it and its trust store and
# blanks their passwords in nifi.properties: NiFi then generates a new one as on its first start. A certificate of
# your own (any other issuer) is never touched.
set -euo pipefail

conf_dir="${NIFI_HOME:?NIFI_HOME is not set}/conf"
properties="$conf_dir/nifi.properties"
renew_days=${RENEW_DAYS:-10}

say() {
    echo "renew-generated-certificate: $*"
}

property() {
    sed -n "s/^$1=//p" "$properties" | tail -n 1
}

[ -f "$properties" ] || exit 0
keystore=$(property nifi.security.keystore)
truststore=$(property nifi.security.truststore)
password=$(property nifi.security.keystorePasswd)
# first start (NiFi generates it) or no keystore configured
[ -n "$keystore" ] && [ -n "$password" ] || exit 0
case $keystore in /*) ;; *) keystore="$NIFI_HOME/$keystore" ;; esac
case $truststore in /* | "") ;; *) truststore="$NIFI_HOME/$truststore" ;; esac
[ -f "$keystore" ] || exit 0
command -v keytool >/dev/null 2>&1 || { say "keytool not found: the certificate is not checked"; exit 0; }

listing=$(keytool -list -v -keystore "$keystore" -storetype PKCS12 -storepass "$password" 2>/dev/null) \
    || { say "cannot read $keystore: the certificate is not checked"; exit 0; }
# NiFi's generated certificates are issued by CN=localhost
grep -q '^Issuer: CN=localhost$' <<<"$listing" || exit 0

reason=""
valid_until=$(sed -n 's/.*until: //p' <<<"$listing" | head -n 1)
expires=$(date -d "$valid_until" +%s 2>/dev/null || echo 0)
if [ $((expires - $(date +%s))) -lt $((renew_days * 86400)) ]; then
    reason="it expires $valid_until"
fi
# the names NiFi answers to now: its host name and the hosts of NIFI_WEB_PROXY_HOST (start.sh writes it afterwards)
names=("${HOSTNAME:-$(hostname)}")
IFS=',' read -r -a proxy_hosts <<<"${NIFI_WEB_PROXY_HOST:-}"
for host in "${proxy_hosts[@]}"; do
    host=${host// /}
    [ -z "$host" ] || names+=("${host%:*}")
done
for name in "${names[@]}"; do
    if ! grep -qiE "^[[:space:]]*DNSName: ${name//./\\.}\$" <<<"$listing"; then
        reason="${reason:+$reason, and }it does not name $name"
    fi
done
[ -n "$reason" ] || exit 0

say "renewing NiFi's generated certificate: $reason"
rm -f "$keystore" "${truststore:-}"
sed -i -e 's/^nifi\.security\.keystorePasswd=.*/nifi.security.keystorePasswd=/' \
    -e 's/^nifi\.security\.keyPasswd=.*/nifi.security.keyPasswd=/' \
    -e 's/^nifi\.security\.truststorePasswd=.*/nifi.security.truststorePasswd=/' "$properties"
