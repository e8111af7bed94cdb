# common.sh: what backup.sh, restore.sh and restore-drill.sh share, sourced by each. Not run on its own.
# The caller sets SELF (its own name, for log lines) before sourcing.
# shellcheck shell=bash disable=SC2034 # the variables are the sourcing scripts' to use

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SELF" "$*" >&2; }
error_message=""
fail() {
  error_message=$*
  log "FAILED: $*"
  exit 1
}
now_iso() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# A JSON string (or null for an empty value): backslash, quote and control characters escaped.
json_string() {
  local s=$1
  if [[ -z $s ]]; then
    printf 'null'
    return
  fi
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  s=$(printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037')
  printf '"%s"' "$s"
}

# Every aws call goes through awscli: with --endpoint-url when S3_ENDPOINT_URL names an S3-compatible store.
aws_args=()
if [[ -n ${S3_ENDPOINT_URL:-} ]]; then aws_args+=(--endpoint-url "$S3_ENDPOINT_URL"); fi
awscli() { aws "${aws_args[@]}" "$@"; }

# The scripts use options of the AWS CLI v2 (streaming `s3 cp -`, `--expected-size`).
require_aws_cli_v2() {
  local aws_version
  aws_version=$(aws --version 2>&1) || fail "'aws --version' failed: ${aws_version}"
  [[ $aws_version == aws-cli/2.* ]] || fail "the AWS CLI v2 is required, found: ${aws_version}"
}

# BACKUP_S3_URI (s3://bucket/prefix) into s3_bucket, prefix (no trailing slash) and key_prefix ("prefix/" or empty).
parse_backup_s3_uri() {
  [[ -n ${BACKUP_S3_URI:-} ]] || fail "BACKUP_S3_URI is not set (expected s3://bucket/prefix)"
  if [[ ! ${BACKUP_S3_URI} =~ ^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/(.*))?$ ]]; then
    fail "BACKUP_S3_URI '${BACKUP_S3_URI}' is not s3://bucket/prefix"
  fi
  s3_bucket=${BASH_REMATCH[1]}
  prefix=${BASH_REMATCH[3]:-}
  while [[ $prefix == */ ]]; do prefix=${prefix%/}; done
  if [[ -n $prefix && ! $prefix =~ ^[A-Za-z0-9._=-]+(/[A-Za-z0-9._=-]+)*$ ]]; then
    fail "the prefix '${prefix}' of BACKUP_S3_URI may only hold letters, digits and . _ = - between slashes"
  fi
  key_prefix=${prefix:+$prefix/}
}

# The user tables pg_dump dumps the data of: ordinary tables and partitions, not temporary, not members of an
# extension (pg_dump skips those), outside the system schemas. The counts land in psql variable row_counts as one JSON
# object {"schema.table": rows}, the names quoted as SQL identifiers; ONLY, as pg_dump's COPY does not include
# inheritance children. backup.sh counts with it in the dump's snapshot, restore.sh after the restore: one query, so
# the two counts always mean the same thing.
COUNT_ROWS_SQL=$(cat <<'SQL'
SELECT coalesce('SELECT coalesce(jsonb_object_agg(t.name, t.n), ''{}''::jsonb)::text FROM ('
    || string_agg(format('SELECT %L AS name, count(*) AS n FROM ONLY %I.%I', format('%I.%I', n.nspname, c.relname),
                         n.nspname, c.relname), ' UNION ALL ' ORDER BY n.nspname, c.relname)
    || ') t', 'SELECT ''{}''::text') AS count_rows_query
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND c.relpersistence <> 't'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
\gset
SELECT (:count_rows_query) AS row_counts
\gset
SQL
)
readonly COUNT_ROWS_SQL

# psql for scripts: no psqlrc, quiet, unaligned tuples only, never a password prompt, stop at the first error.
psql_run() { psql -X -q -A -t -w -v ON_ERROR_STOP=1 "$@"; }

# Runs SQL with psql variable `doc` holding the JSON text of file $1 (read by psql itself: no size limit, no quoting).
# shellcheck disable=SC2016 # the backquotes and :'doc_file' are psql's, not the shell's
readonly LOAD_DOC='\set doc `cat :'"'"'doc_file'"'"'`'
json_sql() { # file, SQL, extra psql arguments
  local file=$1 sql=$2
  shift 2
  { printf '%s\n' "$LOAD_DOC"; printf '%s\n' "$sql"; } | psql_run -v "doc_file=${file}" "$@"
}

# The admin password, when ADMIN_CREDENTIALS_ID names a Secrets Manager secret (on RDS: the master user secret RDS manages
# and rotates, JSON with "username" and "password"): read at every run with the pod's own AWS identity (IRSA), so a
# rotation since the last run is simply picked up, and written as a libpq password file (mode 0600) in
# ADMIN_PASSFILE_DIR (the Jobs mount an in-memory emptyDir there; default TMPDIR), which PGPASSFILE then names. The
# password never enters the environment, a command line or a Kubernetes Secret. ADMIN_CREDENTIALS_ID is then unset, so a
# script this one runs (the drill runs restore.sh) uses the same file. Unset: libpq's own PGPASSWORD or PGPASSFILE.
# SECRETS_ENDPOINT_URL: another Secrets Manager endpoint (tests), as --endpoint-url.
admin_passfile=""
# Reads the secret's JSON on stdin; prints one .pgpass line (any host, port, database and user) with libpq's escapes.
# shellcheck disable=SC2016 # Python source, not shell
readonly PGPASS_LINE_PY='
import json, sys
try:
    password = json.load(sys.stdin)["password"]
except (ValueError, KeyError, TypeError):
    sys.exit("the secret is not JSON with a \"password\" field")
if not isinstance(password, str) or password == "" or "\n" in password or "\r" in password:
    sys.exit("the secret'"'"'s \"password\" is not a one-line, non-empty string")
sys.stdout.write("*:*:*:*:" + password.replace("\\", "\\\\").replace(":", "\\:") + "\n")
'
load_admin_password() {
  [[ -n ${ADMIN_CREDENTIALS_ID:-} ]] || return 0
  command -v python3 >/dev/null || fail "'python3' is not on PATH (it parses the secret's JSON; Debian's awscli package depends on it)"
  local dir=${ADMIN_PASSFILE_DIR:-${TMPDIR:-/tmp}} secret endpoint=()
  [[ -n ${SECRETS_ENDPOINT_URL:-} ]] && endpoint=(--endpoint-url "$SECRETS_ENDPOINT_URL")
  admin_passfile=$(mktemp "${dir}/pgpass.XXXXXX") || fail "cannot create the password file in ADMIN_PASSFILE_DIR ${dir} (it must be a writable directory)"
  chmod 600 "$admin_passfile"
  secret=$(aws "${endpoint[@]}" secretsmanager get-secret-value --secret-id "$ADMIN_CREDENTIALS_ID" --query SecretString --output text) ||
    fail "could not read the admin password from Secrets Manager secret ${ADMIN_CREDENTIALS_ID} (see aws's error above: the pod's role needs secretsmanager:GetSecretValue on it and kms:Decrypt on its key)"
  printf '%s' "$secret" | python3 -c "$PGPASS_LINE_PY" >"$admin_passfile" || fail "Secrets Manager secret ${ADMIN_CREDENTIALS_ID}: see python's message above"
  secret=""
  export PGPASSFILE=$admin_passfile
  unset ADMIN_CREDENTIALS_ID PGPASSWORD
}
# For each script's cleanup: the password file goes with the run.
remove_admin_passfile() { [[ -z $admin_passfile ]] || rm -f "$admin_passfile"; }
