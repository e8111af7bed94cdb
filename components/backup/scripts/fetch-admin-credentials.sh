#!/usr/bin/env bash
# fetch-admin-credentials.sh: the database bootstrap Job's init container on RDS. Reads the admin password from the
# Secrets Manager secret RDS manages (load_admin_password in common.sh, the same code the backup scripts run) and leaves
# it as the libpq password file ADMIN_PASSFILE_DIR/pgpass (mode 0600) for the next container, whose PGPASSFILE names it.
# ADMIN_PASSFILE_DIR is the pod's in-memory emptyDir: the password is never on disk, in the environment or in a
# Kubernetes Secret, and it is read when the Job runs, so a rotation by RDS since the last deploy is picked up.
#
# Environment it reads:
#   ADMIN_CREDENTIALS_ID   required. The secret's ARN (JSON with "password", as RDS writes it).
#   ADMIN_PASSFILE_DIR     required. The directory the password file goes to.
#   SECRETS_ENDPOINT_URL   optional. Another Secrets Manager endpoint (tests): passed to the aws call.
#   AWS_REGION, AWS_DEFAULT_REGION, AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE (IRSA), AWS_ACCESS_KEY_ID,
#   AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, HOME  read by the AWS CLI itself.
#   PATH                   where aws, python3 and mktemp are found.
set -euo pipefail
umask 077

readonly SELF="fetch-admin-credentials.sh"

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ -n ${ADMIN_CREDENTIALS_ID:-} ]] || fail "ADMIN_CREDENTIALS_ID is not set (the ARN of the admin password's Secrets Manager secret)"
[[ -n ${ADMIN_PASSFILE_DIR:-} ]] || fail "ADMIN_PASSFILE_DIR is not set (the in-memory directory the password file goes to)"
command -v aws >/dev/null || fail "'aws' is not on PATH (the image needs the AWS CLI)"
trap remove_admin_passfile EXIT
secret_id=$ADMIN_CREDENTIALS_ID
load_admin_password
mv -f "$admin_passfile" "${ADMIN_PASSFILE_DIR}/pgpass"
admin_passfile=""
log "the admin password of ${secret_id} is in ${ADMIN_PASSFILE_DIR}/pgpass"
