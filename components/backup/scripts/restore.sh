#!/usr/bin/env bash
# restore.sh: restores one backup made by backup.sh into the database the PG* variables name, after proving the
# downloaded dump is the one its manifest describes, then proves the restored row counts match the manifest.
# Runs the same in the restore Job (mounted from a ConfigMap), under restore-drill.sh, and on any machine.
#
# Environment it reads:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE  the TARGET database, as libpq reads them (psql and
#                          pg_restore); any other libpq variable is honoured the same way. The database must exist
#                          and be empty (no tables, views, sequences, functions, types, schemas other than public,
#                          extensions other than plpgsql, large objects), unless RESTORE_CLEAN=true. The user needs
#                          to create objects in it (its owner, or the RDS master user); it needs no role of the
#                          original database: ownership and grants are not restored (--no-owner --no-privileges),
#                          everything restored belongs to this user, unless RESTORE_OWNER hands it over.
#   BACKUP_S3_URI          required. s3://bucket/prefix, as backup.sh was given.
#   BACKUP_KEY             required. "latest" (the backup <prefix>/latest.json names), or the key of a dump
#                          (<prefix>/dumps/<id>.pgdump.zst) or of its manifest (<prefix>/dumps/<id>.manifest.json),
#                          within the bucket, with or without the s3://bucket/ in front.
#   S3_ENDPOINT_URL        optional. An S3-compatible endpoint: passed to every aws call as --endpoint-url.
#   AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE,
#   AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE (IRSA), AWS_EC2_METADATA_DISABLED, HOME  read by the AWS CLI itself.
#   ADMIN_CREDENTIALS_ID   optional. A Secrets Manager secret (ARN or name) holding the password as JSON "password"
#                          (RDS's managed master user secret): read at the start of every run with the AWS identity
#                          (IRSA), written as a password file that PGPASSFILE then names; PGPASSWORD is then ignored.
#   ADMIN_PASSFILE_DIR     optional, default TMPDIR. Where that password file goes (the Jobs mount an in-memory
#                          emptyDir); it is deleted when the run ends.
#   SECRETS_ENDPOINT_URL   optional. Another Secrets Manager endpoint (tests): passed to that one aws call.
#   RESTORE_CLEAN          optional, default false. true: restore into a database that is not empty: every object in
#                          the dump is dropped first if it exists (pg_restore --clean --if-exists); objects that are
#                          not in the dump stay, and a table among them is reported as a difference.
#   RESTORE_JOBS           optional, default 1. 1: the verified dump is decompressed straight into one pg_restore
#                          running as ONE transaction (--single-transaction): a failed restore leaves the target as it
#                          was; disk: the compressed dump only (that transaction locks every table and index it
#                          creates: max_locks_per_transaction x max_connections, 6,400 by default, must exceed their
#                          number). N > 1: the dump is decompressed to a file first (disk:
#                          compressed + uncompressed size) and restored by N parallel workers (pg_restore -j needs a
#                          seekable file): faster for large databases, but a failure leaves a partial restore.
#   RESTORE_OWNER          optional. A role (the application's, e.g. letta) that receives ownership of everything the
#                          restore created: schemas, tables, views, materialized views, standalone sequences,
#                          functions, procedures, aggregates, types, domains and large objects (extension members
#                          excepted), so the server can use them without a manual step. The restoring user must be
#                          a member of it or a superuser; checked before anything is restored. Objects are handed over
#                          one by one (REASSIGN OWNED cannot be used: it fails when the restoring user is the bootstrap
#                          superuser, as in the in-cluster PostgreSQL, and would also move the database itself).
#                          The hand-over runs in one transaction after the row counts matched; if it fails the
#                          restore stays, owned by the restoring user, and the script exits non-zero.
#   RESTORE_RESULT_FILE    optional. Path of a JSON file this script writes on exit, success or not: status ok|failed,
#                          manifest and dump keys, database, timestamps, differences, error (restore-drill.sh uses it).
#   TMPDIR                 optional, default /tmp. The dump is downloaded here (it needs the dump's size free, see
#                          RESTORE_JOBS) and removed on exit.
#   PATH                   where psql, pg_restore (same major version as the dump's pg_dump or newer), aws (v2),
#                          zstd, sha256sum and the coreutils are found.
#
# Order, each step refusing loudly (non-zero exit, a line starting "restore.sh: FAILED:") before the next:
#   1. the target database answers and is empty (or RESTORE_CLEAN=true);
#   2. the manifest is read (latest.json names it), and is a backup.sh manifest;
#   3. the dump object's size is checked with head-object, the object is downloaded to TMPDIR, and its size and
#      sha256 are compared with the manifest: nothing is restored from a corrupted or replaced object;
#   4. pg_restore --no-owner --no-privileges --exit-on-error (see RESTORE_JOBS);
#   5. every user table's row count is compared with the manifest: a missing or extra table or a different count is
#      a failure, listed in the error message and in RESTORE_RESULT_FILE;
#   6. with RESTORE_OWNER, ownership of every restored object is handed to that role.
set -euo pipefail
umask 077

readonly SELF="restore.sh"
readonly DUMP_SUFFIX=".pgdump.zst"
readonly MANIFEST_SUFFIX=".manifest.json"

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

started_at=$(now_iso)
manifest_key=""
dump_key=""
target_db=""
differences_json=""
work=""

write_result() {
  local status=$1
  [[ -n ${RESTORE_RESULT_FILE:-} ]] || return 0
  printf '{"status": "%s", "manifest_key": %s, "dump_key": %s, "database": %s, "started_at": "%s", "finished_at": "%s", "differences": %s, "error": %s}\n' \
    "$status" "$(json_string "$manifest_key")" "$(json_string "$dump_key")" "$(json_string "$target_db")" \
    "$started_at" "$(now_iso)" "${differences_json:-null}" "$(json_string "$error_message")" >"$RESTORE_RESULT_FILE" ||
    log "WARNING: could not write RESTORE_RESULT_FILE ${RESTORE_RESULT_FILE}"
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  [[ -n $work ]] && rm -rf "$work"
  if ((status == 0)); then
    write_result ok
  else
    [[ -n $error_message ]] || error_message="exited with status ${status}"
    write_result failed
  fi
  remove_admin_passfile
  exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted by SIGTERM"' TERM
trap 'fail "interrupted by SIGINT"' INT
load_admin_password

# --- Configuration ------------------------------------------------------------------------------------------------
parse_backup_s3_uri
bucket=$s3_bucket
readonly SAFE_KEY='^[A-Za-z0-9._=/-]+$'

backup_key=${BACKUP_KEY:-}
[[ -n $backup_key ]] || fail "BACKUP_KEY is not set (latest, or the key of a dump or of its manifest)"
backup_key=${backup_key#"s3://${bucket}/"}
[[ $backup_key == latest || $backup_key =~ $SAFE_KEY ]] || fail "BACKUP_KEY '${backup_key}' is not a key backup.sh writes"

clean=${RESTORE_CLEAN:-false}
[[ $clean == true || $clean == false ]] || fail "RESTORE_CLEAN must be true or false, got '${clean}'"
jobs=${RESTORE_JOBS:-1}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || fail "RESTORE_JOBS must be a positive number, got '${jobs}'"
owner=${RESTORE_OWNER:-}
[[ -z $owner || $owner =~ ^[A-Za-z_][A-Za-z0-9_$-]{0,62}$ ]] || fail "RESTORE_OWNER '${owner}' is not a role name (letters, digits, _, \$ and -; at most 63)"

for tool in psql pg_restore aws zstd sha256sum stat mktemp date tr; do
  command -v "$tool" >/dev/null || fail "'${tool}' is not on PATH (the image needs the PostgreSQL client, the AWS CLI v2, zstd and coreutils)"
done
require_aws_cli_v2

work=$(mktemp -d "${TMPDIR:-/tmp}/restore.XXXXXX") || fail "cannot create a work directory in ${TMPDIR:-/tmp} (it must be writable)"

# psql_run and json_sql: common.sh.

# --- 1. The target database ------------------------------------------------------------------------------------------
target_db=$(psql_run -c "SELECT current_database()") ||
  fail "cannot connect to the target database ${PGDATABASE:-<libpq default>} on ${PGHOST:-<libpq default>}:${PGPORT:-5432} (it must exist; see psql's error above)"
# pg_restore -d takes a connection string; the rest of the connection comes from the PG* variables.
conninfo_db=${target_db//\\/\\\\}
conninfo_db="dbname='${conninfo_db//\'/\\\'}'"

# Anything a restore could collide with, or that would make the result not the backup alone.
NON_EMPTY_SQL=$(cat <<'SQL'
WITH user_ns AS (
  SELECT n.oid, n.nspname FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
), ext_member AS (
  SELECT d.classid, d.objid FROM pg_depend d WHERE d.deptype = 'e'
), found AS (
  SELECT 1 AS o, format('%s %I.%I', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
           WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'table' END,
         n.nspname, c.relname) AS what
    FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
      AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)
  UNION ALL
  SELECT 2, format('function %I.%I', n.nspname, p.proname)
    FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
    WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
  UNION ALL
  SELECT 3, format('type %I.%I', n.nspname, t.typname)
    FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
    WHERE t.typrelid = 0 AND t.typcategory <> 'A'
      AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
  UNION ALL
  SELECT 4, format('schema %I', n.nspname) FROM user_ns n
    WHERE n.nspname <> 'public'
      AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid)
  UNION ALL
  SELECT 5, format('extension %I', x.extname) FROM pg_extension x WHERE x.extname <> 'plpgsql'
  UNION ALL
  SELECT 6, format('%s large object(s)', count(*)) FROM pg_largeobject_metadata HAVING count(*) > 0
)
SELECT coalesce(string_agg(what, ', '), '') || CASE WHEN (SELECT count(*) FROM found) > 20 THEN ', ...' ELSE '' END
  FROM (SELECT what FROM found ORDER BY o, what LIMIT 20) f
SQL
)
readonly NON_EMPTY_SQL

if [[ -n $owner ]]; then
  # Before anything is restored: the role exists and the restoring user may give objects to it.
  can_give=$(psql_run -v "owner=${owner}" <<'SQL'
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') THEN 'missing'
            WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN 'ok'
            -- PostgreSQL 16+ needs the SET privilege on the role to give objects to it; before 16, membership.
            WHEN pg_has_role(current_user, :'owner',
                             CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) THEN 'ok'
            ELSE 'not-member' END
SQL
) || fail "could not look up the role RESTORE_OWNER=${owner}"
  case $can_give in
    ok) ;;
    missing) fail "RESTORE_OWNER names the role '${owner}', which does not exist in the target server; nothing was restored" ;;
    *) fail "the restoring user is neither a superuser nor a member of RESTORE_OWNER '${owner}', so it cannot hand objects to it (GRANT ${owner} TO <restoring user>); nothing was restored" ;;
  esac
fi

if [[ $clean == false ]]; then
  found=$(psql_run -c "$NON_EMPTY_SQL") || fail "could not inspect the target database ${target_db}"
  if [[ -n $found ]]; then
    fail "the target database ${target_db} is not empty (${found}); restore into an empty database, or set RESTORE_CLEAN=true to drop and recreate what the dump contains"
  fi
fi

# --- 2. The manifest ---------------------------------------------------------------------------------------------------
fetch() { # s3 key, local file, what
  awscli s3 cp "s3://${bucket}/$1" "$2" --only-show-errors || fail "could not download $3 s3://${bucket}/$1 (see aws's error above)"
}

if [[ $backup_key == latest ]]; then
  fetch "${key_prefix}latest.json" "$work/latest.json" "the latest-backup pointer"
  manifest_key=$(json_sql "$work/latest.json" "SELECT coalesce(:'doc'::jsonb ->> 'manifest', '')") ||
    fail "s3://${bucket}/${key_prefix}latest.json is not valid JSON"
  [[ -n $manifest_key ]] || fail "s3://${bucket}/${key_prefix}latest.json names no manifest"
  log "latest.json names ${manifest_key}"
elif [[ $backup_key == *"$MANIFEST_SUFFIX" ]]; then
  manifest_key=$backup_key
elif [[ $backup_key == *"$DUMP_SUFFIX" ]]; then
  manifest_key="${backup_key%"$DUMP_SUFFIX"}${MANIFEST_SUFFIX}"
else
  fail "BACKUP_KEY '${backup_key}' is neither latest, a *${DUMP_SUFFIX} dump nor a *${MANIFEST_SUFFIX} manifest"
fi
[[ $manifest_key =~ $SAFE_KEY && $manifest_key == *"$MANIFEST_SUFFIX" ]] || fail "'${manifest_key}' is not a manifest key"

fetch "$manifest_key" "$work/manifest.json" "the manifest"
fields=$(json_sql "$work/manifest.json" "SELECT concat_ws(' ', coalesce(d ->> 'manifest_version', '-'), coalesce(d ->> 'format', '-'),
    coalesce(d ->> 'compression', '-'), coalesce(d ->> 'size', '-'), coalesce(d ->> 'sha256', '-'),
    coalesce(jsonb_typeof(d -> 'tables'), '-'), coalesce(d ->> 'key', '-'))
  FROM (SELECT :'doc'::jsonb AS d) m") || fail "the manifest s3://${bucket}/${manifest_key} is not valid JSON"
read -r m_version m_format m_compression m_size m_sha256 m_tables m_key <<<"$fields"
[[ $m_version == 1 && $m_format == custom && $m_compression == zstd && $m_tables == object ]] ||
  fail "s3://${bucket}/${manifest_key} is not a backup.sh manifest (version ${m_version}, format ${m_format}, compression ${m_compression}, tables ${m_tables})"
[[ $m_size =~ ^[0-9]+$ && $m_sha256 =~ ^[0-9a-f]{64}$ && $m_key =~ $SAFE_KEY && $m_key == *"$DUMP_SUFFIX" ]] ||
  fail "the manifest s3://${bucket}/${manifest_key} has no valid size, sha256 or dump key"
dump_key=$m_key
if [[ $backup_key == *"$DUMP_SUFFIX" && $backup_key != "$dump_key" ]]; then
  fail "the manifest ${manifest_key} describes ${dump_key}, not ${backup_key}"
fi

# --- 3. The dump: size and checksum BEFORE anything is restored ------------------------------------------------------
refuse() {
  fail "REFUSING TO RESTORE s3://${bucket}/${dump_key}: $1; the object is corrupted or was replaced, its checksum does not match the manifest ${manifest_key}; nothing was restored"
}
stored_size=$(awscli s3api head-object --bucket "$bucket" --key "$dump_key" --query ContentLength --output text) ||
  fail "could not find the dump s3://${bucket}/${dump_key} (see aws's error above)"
[[ $stored_size == "$m_size" ]] || refuse "it holds ${stored_size} bytes, the manifest says ${m_size}"
log "downloading s3://${bucket}/${dump_key} (${m_size} bytes) to ${work}"
fetch "$dump_key" "$work/dump.zst" "the dump"
actual_size=$(stat -c %s "$work/dump.zst")
[[ $actual_size == "$m_size" ]] || refuse "${actual_size} bytes were downloaded, the manifest says ${m_size}"
actual_sha256=$(sha256sum "$work/dump.zst") || fail "sha256sum of the downloaded dump failed"
actual_sha256=${actual_sha256%% *}
[[ $actual_sha256 == "$m_sha256" ]] || refuse "sha256 ${actual_sha256}, the manifest says ${m_sha256}"
log "size and sha256 match the manifest"

# --- 4. pg_restore -----------------------------------------------------------------------------------------------------
restore_args=(--no-owner --no-privileges --exit-on-error --no-password --dbname="$conninfo_db")
[[ $clean == true ]] && restore_args+=(--clean --if-exists)
if ((jobs == 1)); then
  log "restoring into ${target_db} in one transaction"
  set +e
  zstd -d -q -c "$work/dump.zst" | pg_restore "${restore_args[@]}" --single-transaction
  statuses=("${PIPESTATUS[@]}")
  set -e
  [[ ${statuses[0]} == 0 ]] || fail "decompressing the dump failed (zstd exited ${statuses[0]}); the restore was rolled back"
  [[ ${statuses[1]} == 0 ]] || fail "pg_restore failed (exit ${statuses[1]}, its error is above); the restore was rolled back: ${target_db} is as it was"
else
  log "decompressing, then restoring into ${target_db} with ${jobs} parallel jobs"
  zstd -d -q -c "$work/dump.zst" >"$work/dump.pgdump" || fail "decompressing the dump into ${work} failed (is TMPDIR large enough?)"
  rm -f "$work/dump.zst"
  pg_restore "${restore_args[@]}" --jobs="$jobs" "$work/dump.pgdump" ||
    fail "pg_restore failed (its error is above); ${target_db} holds a PARTIAL restore: drop it, or restore again with RESTORE_CLEAN=true"
fi
rm -f "$work/dump.zst" "$work/dump.pgdump"

# --- 5. Row counts against the manifest ------------------------------------------------------------------------------
# COUNT_ROWS_SQL (common.sh): the counting query backup.sh used, into psql variable row_counts.

comparison=$(json_sql "$work/manifest.json" "${COUNT_ROWS_SQL}
SELECT coalesce(jsonb_agg(jsonb_build_object('table', name, 'manifest', expected, 'restored', actual) ORDER BY name), '[]')::text,
       coalesce(string_agg(format('%s: manifest %s, restored %s', name, coalesce(expected::text, '(no such table)'),
                                  coalesce(actual::text, '(no such table)')), '; ' ORDER BY name), '')
  FROM (SELECT coalesce(m.key, a.key) AS name, m.value AS expected, a.value AS actual
          FROM jsonb_each(:'doc'::jsonb -> 'tables') m FULL JOIN jsonb_each(:'row_counts'::jsonb) a ON a.key = m.key
         WHERE m.value IS DISTINCT FROM a.value) d" -F $'\x1f') || fail "could not count the restored rows"
differences_json=${comparison%%$'\x1f'*}
differences_text=${comparison#*$'\x1f'}
differences_text=${differences_text//$'\n'/ }
[[ $differences_json == \[* ]] || { differences_json=""; fail "unexpected output while comparing row counts: ${comparison}"; }
if [[ $differences_json != "[]" ]]; then
  fail "the restored row counts differ from the manifest ${manifest_key}: ${differences_text}"
fi
tables=$(json_sql "$work/manifest.json" "SELECT count(*) || ' tables, ' || coalesce(sum(value::bigint), 0) || ' rows' FROM jsonb_each_text(:'doc'::jsonb -> 'tables')") || tables="?"

# --- 6. Ownership --------------------------------------------------------------------------------------------------
if [[ -n $owner ]]; then
  log "handing every restored object to ${owner}"
  handed=$(psql_run -v "owner=${owner}" --single-transaction -f "$(dirname "${BASH_SOURCE[0]}")/hand-over.sql") ||
    fail "the restore of ${dump_key} into ${target_db} succeeded and matches the manifest, but handing ownership to ${owner} failed (see psql's error above): the objects still belong to $(psql_run -c 'SELECT current_user' 2>/dev/null || echo 'the restoring user'); run restore.sh's hand-over again or see docs/backups.md"
  log "${handed} objects now belong to ${owner}"
fi
log "done: ${dump_key} restored into ${target_db}; row counts match the manifest (${tables})"
