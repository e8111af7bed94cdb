#!/usr/bin/env bash
# restore-drill.sh: proves the latest backup restores. Creates a scratch database, runs restore.sh (next to this
# script) on the backup latest.json names, which verifies the dump's size and sha256 and compares every table's row
# count with the manifest, drops the scratch database, and writes the outcome where alerts can read it:
#   s3://bucket/prefix/drill/latest.json        {"status": "ok"|"failed", "manifest_key", "dump_key", "database",
#   s3://bucket/prefix/drill/<UTC time>.json     "started_at", "finished_at", "differences", "error"}
# Exits non-zero when the drill failed (a difference, a checksum mismatch, any error) or its result could not be
# written. Runs the same in the restore-drill CronJob (mounted from a ConfigMap) and on any machine.
#
# Environment it reads:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE  where to create the scratch database, as libpq reads
#                          them: PGDATABASE is only connected to (to CREATE and DROP DATABASE), never changed. The user
#                          needs CREATEDB (the RDS master user has it). Any other libpq variable is honoured.
#   BACKUP_S3_URI          required. s3://bucket/prefix, as backup.sh was given.
#   S3_ENDPOINT_URL        optional. An S3-compatible endpoint: passed to every aws call as --endpoint-url.
#   AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE,
#   AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE (IRSA), AWS_EC2_METADATA_DISABLED, HOME  read by the AWS CLI itself.
#   ADMIN_CREDENTIALS_ID   optional. A Secrets Manager secret (ARN or name) holding the password as JSON "password"
#                          (RDS's managed master user secret): read at the start of every run with the AWS identity
#                          (IRSA), written as a password file that PGPASSFILE then names; PGPASSWORD is then ignored.
#   ADMIN_PASSFILE_DIR     optional, default TMPDIR. Where that password file goes (the Jobs mount an in-memory
#                          emptyDir); it is deleted when the run ends; restore.sh, run by the drill, uses the same file.
#   SECRETS_ENDPOINT_URL   optional. Another Secrets Manager endpoint (tests): passed to that one aws call.
#   DRILL_DATABASE         optional. Name of the scratch database, default restore_drill_<UTC time>; it must not
#                          exist (the drill never touches a database it did not create) and is always dropped.
#   RESTORE_JOBS           optional, default 1: passed to restore.sh (see there).
#   TMPDIR                 optional, default /tmp. restore.sh downloads the dump here: it needs the dump's size free.
#   PATH                   what restore.sh needs (psql, pg_restore, aws v2, zstd, coreutils).
set -euo pipefail
umask 077

readonly SELF="restore-drill.sh"
readonly MANIFEST_SUFFIX=".manifest.json"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

started_at=$(now_iso)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
manifest_key=""
dump_key=""
scratch=""
scratch_created=false
differences_json=""
bucket=""
work=""
# psql_run and json_sql: common.sh.

# WITH (FORCE) ends the scratch database's other sessions, but refuses when one belongs to a role this one may not
# signal; a restore's sessions can still be exiting when pg_restore returns (seen on a loaded machine), so a refused
# drop is tried again for about ten seconds before the drill reports it.
drop_scratch() {
  [[ $scratch_created == true ]] || return 0
  local attempt
  for attempt in 1 2 3 4 5 6; do
    if psql_run -v "db=${scratch}" <<<"SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'db') \\gexec"; then
      scratch_created=false
      log "dropped the scratch database ${scratch}"
      return 0
    fi
    ((attempt == 6)) || sleep 2
  done
  log "ERROR: could not drop the scratch database ${scratch}: drop it by hand"
  return 1
}

# On every exit: drop the scratch database, then write the result object (status failed unless all went well).
finish() {
  local status=$? result key
  trap - EXIT INT TERM
  set +e
  drop_scratch || { ((status != 0)) || status=1; error_message=${error_message:-"could not drop the scratch database ${scratch}"}; }
  if ((status != 0)) && [[ -z $error_message ]]; then error_message="exited with status ${status}"; fi
  if [[ -n $bucket && -n $work ]]; then
    result=$(printf '{"status": "%s", "manifest_key": %s, "dump_key": %s, "database": %s, "started_at": "%s", "finished_at": "%s", "differences": %s, "error": %s}' \
      "$( ((status == 0)) && echo ok || echo failed)" "$(json_string "$manifest_key")" "$(json_string "$dump_key")" \
      "$(json_string "$scratch")" "$started_at" "$(now_iso)" "${differences_json:-null}" "$(json_string "$error_message")")
    printf '%s\n' "$result" >"$work/drill.json"
    for key in "${key_prefix}drill/${stamp}.json" "${key_prefix}drill/latest.json"; do
      if ! awscli s3 cp "$work/drill.json" "s3://${bucket}/${key}" --content-type application/json --only-show-errors; then
        log "ERROR: could not write the drill result s3://${bucket}/${key}"
        ((status != 0)) || status=1
      fi
    done
    log "result: ${result}"
  fi
  [[ -n $work ]] && rm -rf "$work"
  remove_admin_passfile
  exit "$status"
}
trap finish EXIT
trap 'fail "interrupted by SIGTERM"' TERM
trap 'fail "interrupted by SIGINT"' INT
load_admin_password

# --- Configuration ------------------------------------------------------------------------------------------------
parse_backup_s3_uri

scratch=${DRILL_DATABASE:-restore_drill_$(date -u +%Y%m%d_%H%M%S)}
[[ $scratch =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || fail "DRILL_DATABASE '${scratch}' must be a plain lower-case identifier"
[[ -f "$here/restore.sh" ]] || fail "restore.sh is not next to this script (in ${here})"
for tool in psql aws mktemp date tr tail; do
  command -v "$tool" >/dev/null || fail "'${tool}' is not on PATH"
done
require_aws_cli_v2
work=$(mktemp -d "${TMPDIR:-/tmp}/drill.XXXXXX") || fail "cannot create a work directory in ${TMPDIR:-/tmp} (it must be writable)"
# From here on a failure is reported in the result object too (finish() needs the bucket and a work directory).
bucket=$s3_bucket

# --- Which backup, and the scratch database like its original ------------------------------------------------------
awscli s3 cp "s3://${bucket}/${key_prefix}latest.json" "$work/latest.json" --only-show-errors ||
  fail "could not read s3://${bucket}/${key_prefix}latest.json: is there a backup? (see aws's error above)"
manifest_key=$(json_sql "$work/latest.json" "SELECT coalesce(:'doc'::jsonb ->> 'manifest', '')") ||
  fail "s3://${bucket}/${key_prefix}latest.json is not valid JSON, or ${PGDATABASE:-the maintenance database} is unreachable"
[[ $manifest_key =~ ^[A-Za-z0-9._=/-]+$ && $manifest_key == *"$MANIFEST_SUFFIX" ]] ||
  fail "s3://${bucket}/${key_prefix}latest.json names no manifest ('${manifest_key}')"
log "drilling ${manifest_key} in scratch database ${scratch}"
awscli s3 cp "s3://${bucket}/${manifest_key}" "$work/manifest.json" --only-show-errors ||
  fail "could not read the manifest s3://${bucket}/${manifest_key}"
dump_key=$(json_sql "$work/manifest.json" "SELECT coalesce(:'doc'::jsonb ->> 'key', '')") ||
  fail "the manifest s3://${bucket}/${manifest_key} is not valid JSON"

exists=$(psql_run -v "db=${scratch}" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db'") ||
  fail "cannot connect to ${PGDATABASE:-the maintenance database} (see psql's error above)"
[[ $exists == 0 ]] || fail "the scratch database ${scratch} already exists; the drill only uses a database it creates"
# Same encoding and locale as the backed-up database (template0: nothing in it but what CREATE DATABASE makes).
scratch_created=true
json_sql "$work/manifest.json" "\\set db '${scratch}'
SELECT format('CREATE DATABASE %I TEMPLATE template0', :'db')
    || coalesce(format(' ENCODING %L', d ->> 'encoding'), '')
    || coalesce(format(' LC_COLLATE %L', d ->> 'lc_collate'), '')
    || coalesce(format(' LC_CTYPE %L', d ->> 'lc_ctype'), '')
  FROM (SELECT :'doc'::jsonb AS d) m
\\gexec" || { scratch_created=false; fail "could not create the scratch database ${scratch} (the user needs CREATEDB)"; }

# --- The restore, exactly as the restore Job runs it ---------------------------------------------------------------
set +e
{
  PGDATABASE=$scratch BACKUP_KEY=$manifest_key RESTORE_CLEAN=false RESTORE_RESULT_FILE="$work/restore.json" \
    bash "$here/restore.sh" 2>&1 1>&3 3>&- | tee "$work/restore.log" >&2
} 3>&1
statuses=("${PIPESTATUS[@]}")
set -e
restore_status=${statuses[0]}
if [[ -s $work/restore.json ]]; then
  differences_json=$(json_sql "$work/restore.json" "SELECT coalesce(:'doc'::jsonb -> 'differences', 'null')::text") ||
    differences_json=""
fi
if ((restore_status != 0)); then
  fail "restore.sh exited ${restore_status}: $(grep 'FAILED' "$work/restore.log" | tail -n 1)"
fi
log "ok: ${manifest_key} restores and its row counts match"
