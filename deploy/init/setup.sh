#!/usr/bin/env bash
# What the `setup` service of docker-compose.yml runs, as root, before anything else starts:
#   - the credentials: each one set in .env is used; any other is generated on the first start and kept in the
#     `credentials` volume, so that no password is fixed anywhere and a restart keeps them;
#   - each service's share of them, in a file only the user that service runs as can read;
#   - NiFi Registry's storage, owned by the user its image runs as (uid 1000): Docker creates a volume's directory
#     as root when the image has no such directory, and the registry could not write its database there.
# `setup.sh show` prints where to log in and with what (`docker compose run --rm setup show`).
set -euo pipefail

credentials_dir=${CREDENTIALS_DIR:-/credentials}
store="$credentials_dir/credentials.env"
# the users the images run as: apache/nifi and apache/nifi-registry (nifi), grafana-oss (grafana), and the tools
# image of the deploy scripts (nobody)
nifi_user=1000:1000
grafana_user=472:0
tools_user=65534:65534

say() {
    echo "setup: $*" >&2
}

# 24 letters and digits: nothing a shell, a URL, a properties file or sed could misread
random_secret() {
    local random
    random=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    echo "${random:0:24}"
}

# quoted NAME VALUE: the assignment NAME='VALUE', safe to source whatever VALUE holds
quoted() {
    printf "%s='%s'\n" "$1" "${2//\'/\'\\\'\'}"
}

# write FILE OWNER CONTENT: the file readable by OWNER only, replaced in one step
write() {
    local file=$1 owner=$2 content=$3
    (umask 077 && printf '%s' "$content" >"$file.new")
    chown "$owner" "$file.new"
    chmod 0400 "$file.new"
    mv -f "$file.new" "$file"
}

show() {
    [ -r "$store" ] || { say "no credentials yet: run 'docker compose up -d' first"; exit 1; }
    # shellcheck disable=SC1090 # written by this script
    . "$store"
    # shellcheck disable=SC2153 # the names the store assigns
    cat <<SHOW
NiFi           https://localhost:${NIFI_HTTPS_PORT:-8443}/nifi    user: $NIFI_USERNAME    password: $NIFI_PASSWORD
MinIO console  http://localhost:${MINIO_CONSOLE_PORT:-9001}        user: $MINIO_ROOT_USER    password: $MINIO_ROOT_PASSWORD
Grafana        http://localhost:${GRAFANA_PORT:-3000}        user: $GRAFANA_ADMIN_USER    password: $GRAFANA_ADMIN_PASSWORD
SHOW
}

if [ "${1:-}" = show ]; then
    show
    exit 0
fi
[ $# -eq 0 ] || { say "usage: setup.sh [show]"; exit 2; }

# what .env sets, before the stored values are read
declare -A chosen=(
    [NIFI_USERNAME]=${NIFI_USERNAME:-}
    [NIFI_PASSWORD]=${NIFI_PASSWORD:-}
    [MINIO_ROOT_USER]=${MINIO_ROOT_USER:-}
    [MINIO_ROOT_PASSWORD]=${MINIO_ROOT_PASSWORD:-}
    [S3_SECRET_ACCESS_KEY]=${S3_SECRET_ACCESS_KEY:-}
    [GRAFANA_ADMIN_USER]=${GRAFANA_ADMIN_USER:-}
    [GRAFANA_ADMIN_PASSWORD]=${GRAFANA_ADMIN_PASSWORD:-}
)
# empty (S3_ACCESS_KEY_ID= in .env) means no key at all: the AWS SDK then takes the EC2 instance profile
s3_access_key_id=${S3_ACCESS_KEY_ID-snowstream-nifi}

declare -A stored=()
if [ -r "$store" ]; then
    while IFS= read -r name; do
        stored[$name]=$(
            # shellcheck disable=SC1090 # written by this script
            . "$store"
            printf '%s' "${!name:-}"
        )
    done < <(sed -n 's/^\([A-Z0-9_]*\)=.*/\1/p' "$store")
fi

# value NAME DEFAULT: .env's choice, else what an earlier start kept, else DEFAULT
value() {
    local name=$1 default=$2
    if [ -n "${chosen[$name]:-}" ]; then
        echo "${chosen[$name]}"
    elif [ -n "${stored[$name]:-}" ]; then
        echo "${stored[$name]}"
    else
        echo "$default"
    fi
}

nifi_username=$(value NIFI_USERNAME admin)
nifi_password=$(value NIFI_PASSWORD "$(random_secret)")
# NiFi ignores a shorter single-user password and invents credentials of its own, which nothing here would know
[ ${#nifi_password} -ge 12 ] || { say "NIFI_PASSWORD in .env has ${#nifi_password} characters: NiFi needs 12 or more"; exit 1; }
minio_root_user=$(value MINIO_ROOT_USER minio-admin)
minio_root_password=$(value MINIO_ROOT_PASSWORD "$(random_secret)")
[ ${#minio_root_password} -ge 8 ] || { say "MINIO_ROOT_PASSWORD in .env has ${#minio_root_password} characters: MinIO needs 8 or more"; exit 1; }
s3_secret_access_key=""
if [ -n "$s3_access_key_id" ]; then
    s3_secret_access_key=$(value S3_SECRET_ACCESS_KEY "$(random_secret)")
    [ ${#s3_secret_access_key} -ge 8 ] || { say "S3_SECRET_ACCESS_KEY in .env has ${#s3_secret_access_key} characters: MinIO needs 8 or more"; exit 1; }
fi
grafana_admin_user=$(value GRAFANA_ADMIN_USER admin)
grafana_admin_password=$(value GRAFANA_ADMIN_PASSWORD "$(random_secret)")

mkdir -p "$credentials_dir"
chmod 0755 "$credentials_dir"
write "$store" 0:0 "$(
    quoted NIFI_USERNAME "$nifi_username"
    quoted NIFI_PASSWORD "$nifi_password"
    quoted MINIO_ROOT_USER "$minio_root_user"
    quoted MINIO_ROOT_PASSWORD "$minio_root_password"
    quoted S3_ACCESS_KEY_ID "$s3_access_key_id"
    quoted S3_SECRET_ACCESS_KEY "$s3_secret_access_key"
    quoted GRAFANA_ADMIN_USER "$grafana_admin_user"
    quoted GRAFANA_ADMIN_PASSWORD "$grafana_admin_password"
)
"
# read by the NiFi image's entry point: the single user for start.sh, the S3 key for the AWS SDK's default chain
write "$credentials_dir/nifi.env" "$nifi_user" "$(
    quoted SINGLE_USER_CREDENTIALS_USERNAME "$nifi_username"
    quoted SINGLE_USER_CREDENTIALS_PASSWORD "$nifi_password"
    if [ -n "$s3_access_key_id" ]; then
        quoted AWS_ACCESS_KEY_ID "$s3_access_key_id"
        quoted AWS_SECRET_ACCESS_KEY "$s3_secret_access_key"
    fi
)
"
# read by the deploy scripts (NIFI_CREDENTIALS_FILE): the flow deployer and the metrics token
write "$credentials_dir/nifi-client.env" "$tools_user" "$(
    quoted NIFI_USERNAME "$nifi_username"
    quoted NIFI_PASSWORD "$nifi_password"
)
"
# read by MinIO and by minio-setup, which creates NiFi's access key
write "$credentials_dir/minio.env" 0:0 "$(
    quoted MINIO_ROOT_USER "$minio_root_user"
    quoted MINIO_ROOT_PASSWORD "$minio_root_password"
    quoted S3_ACCESS_KEY_ID "$s3_access_key_id"
    quoted S3_SECRET_ACCESS_KEY "$s3_secret_access_key"
)
"
# Grafana reads GF_SECURITY_ADMIN_PASSWORD__FILE
write "$credentials_dir/grafana-admin-password" "$grafana_user" "$grafana_admin_password"
say "credentials ready in $credentials_dir (show them: docker compose run --rm setup show)"

for directory in ${REGISTRY_STORAGE_DIRS:-}; do
    chown "$nifi_user" "$directory"
    say "$directory owned by uid ${nifi_user%%:*}, the NiFi Registry image's user"
done
