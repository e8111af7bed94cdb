#!/usr/bin/env bash
# backup.sh: one logical backup of one PostgreSQL database, streamed into S3, that restore.sh can verify and restore.
# Runs the same in the backup CronJob (mounted from a ConfigMap) and on any machine with the tools below.
#
# Environment it reads:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE  the database to back up, as libpq reads them (psql and
#                          pg_dump); any other libpq variable (PGSSLROOTCERT, PGCONNECT_TIMEOUT, PGPASSFILE, ...) is
#                          honoured the same way. The user must be able to read every table (a superuser, or the
#                          database's admin with membership in the owning roles).
#   BACKUP_S3_URI          required. s3://bucket/prefix: where the dumps, their manifests and latest.json go.
#   S3_ENDPOINT_URL        optional. An S3-compatible endpoint (e.g. http://127.0.0.1:9000): passed to every aws call
#                          as --endpoint-url.
#   AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE,
#   AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE (IRSA), AWS_EC2_METADATA_DISABLED, HOME  read by the AWS CLI itself
#                          (credentials, region; HOME holds ~/.aws), never by this script.
#   ADMIN_CREDENTIALS_ID   optional. A Secrets Manager secret (ARN or name) holding the password as JSON "password"
#                          (RDS's managed master user secret): read at the start of every run with the AWS identity
#                          (IRSA), written as a password file that PGPASSFILE then names; PGPASSWORD is then ignored.
#   ADMIN_PASSFILE_DIR     optional, default TMPDIR. Where that password file goes (the Jobs mount an in-memory
#                          emptyDir); it is deleted when the run ends.
#   SECRETS_ENDPOINT_URL   optional. Another Secrets Manager endpoint (tests): passed to that one aws call.
#   BACKUP_ZSTD_LEVEL      optional, default 3. zstd compression level (1-19).
#   BACKUP_ZSTD_THREADS    optional, default 2. zstd worker threads (0: one per CPU the machine has, which ignores
#                          the container's CPU limit; zstd's memory grows with them: ~55 MiB at 2 threads, level 3).
#   BACKUP_LOCK_WAIT_TIMEOUT  optional, default 15min. How long to wait for the table locks a dump needs (a
#                          PostgreSQL interval such as 90s or 15min) before failing.
#   BACKUP_EXPECTED_SIZE   optional, bytes. The size the AWS CLI plans its multipart parts for (at most 10,000
#                          parts). Default: the database's size (pg_database_size), which a compressed dump does not
#                          exceed in practice (no indexes, no bloat). The CLI keeps about 10 parts in memory, a part
#                          being max(8 MiB, expected size / 10,000).
#   TMPDIR                 optional, default /tmp. A few small files (FIFOs, checksum, manifest): no dump data.
#   PATH                   where pg_dump, psql (same major version as the server or newer), aws (v2), zstd,
#                          sha256sum and the coreutils are found.
#
# What it writes, in this order, under s3://bucket/prefix/:
#   dumps/<UTC time>-<random>.pgdump.zst       the dump, streamed: no temporary file, bounded memory
#   dumps/<UTC time>-<random>.manifest.json    only after the dump's upload succeeded and S3 reports its size
#   latest.json                                moved LAST: {"manifest": <manifest key>, ...}
# A failed or interrupted run writes no manifest, leaves latest.json alone and never completes its dump object (see
# "Failure detection" below); an object under dumps/ without its manifest is not a backup and restore.sh never uses
# it (the bucket's lifecycle rules expire it and abort incomplete multipart uploads).
#
# Format: pg_dump's custom format (-Fc) without pg_dump's own compression (-Z0), compressed by zstd. The custom
# format is one stream (so it can go straight into an S3 multipart upload) that pg_restore can restore selectively
# (-n schema, -t table, -l/-L lists) and in parallel (-j) once it is a file; the directory format (-Fd) is the only
# one pg_dump itself writes in parallel but it is many files, so it cannot stream into one object; the plain format
# (-Fp) can be neither restored selectively nor in parallel. zstd instead of pg_dump's built-in gzip: pg_dump 15
# only has gzip for this format, which compresses on pg_dump's own single thread at a fraction of zstd's speed and
# ratio; zstd runs in its own process (and threads) beside pg_dump. Extensions (pgvector's `vector` included) are
# not excluded: CREATE EXTENSION is in the dump. Ownership and privileges are in the dump too; restore.sh ignores
# them (--no-owner --no-privileges), so any role that can create objects in the target database can restore it.
#
# Consistent row counts: the manifest records a row count for every user table, taken in the very snapshot pg_dump
# dumps. A psql session (a coprocess) opens a REPEATABLE READ transaction, exports its snapshot
# (pg_export_snapshot()), takes ACCESS SHARE locks on the user tables (as pg_dump does: a TRUNCATE or a table rewrite,
# which are not MVCC-safe, cannot slip in before the counts), and keeps the transaction open while pg_dump runs with
# --snapshot=<that snapshot>; once pg_dump has finished, the same transaction counts the rows: both saw exactly the
# same data. (A lock request that conflicts, e.g. a migration's ALTER TABLE, arriving between those locks and
# pg_dump's own queues pg_dump behind it: pg_dump gives up after BACKUP_LOCK_WAIT_TIMEOUT and the run fails cleanly.
# Schedule backups away from deployments.)
#
# Failure detection, stage by stage:
#   pg_dump | zstd | tee -> FIFOs for sha256sum and wc -c, and the upload FIFO -> aws s3 cp - (multipart upload)
#   - The producer pipeline runs in a subshell that records PIPESTATUS (pg_dump, zstd, tee); any non-zero is a
#     failure. sha256sum and wc are waited for and their status checked.
#   - aws reads the upload FIFO, whose write end this script keeps open until every stage has succeeded and the row
#     counts are in. aws only completes a multipart upload when it reads end-of-file, so a failed stage (a pg_dump
#     that died mid-dump, a zstd or tee error) is handled by killing aws BEFORE closing the FIFO: it never sees the
#     end of the stream and never completes the object. The upload itself failing (S3 unreachable, denied) makes aws
#     exit non-zero; its reader end closes, so tee and the stages before it die of EPIPE/SIGPIPE: also a failure.
#   - After aws exits 0, head-object must report exactly the number of bytes produced; otherwise the object is
#     deleted. Only then is the manifest written (if that fails, the dump is deleted) and, last, latest.json (if
#     that fails, the dump and manifest stay: a complete backup that latest.json does not name; exit non-zero).
#   - SIGTERM/SIGINT (a Job's deadline, a manual stop) kill aws first, then the rest: no completion either. A
#     SIGKILL of this script alone cannot complete a truncated object either (the pipeline's own copy of the FIFO
#     stays open until the dump finishes), at worst a complete dump without a manifest, which is not a backup.
#   - Every failure exits non-zero with a line starting "backup.sh: FAILED:".
set -euo pipefail
umask 077

readonly SELF="backup.sh"
readonly MANIFEST_VERSION=1
readonly DUMP_SUFFIX=".pgdump.zst"
readonly MANIFEST_SUFFIX=".manifest.json"

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# --- Configuration ------------------------------------------------------------------------------------------------
parse_backup_s3_uri
bucket=$s3_bucket

zstd_level=${BACKUP_ZSTD_LEVEL:-3}
if [[ ! $zstd_level =~ ^[0-9]+$ ]] || ((zstd_level < 1 || zstd_level > 19)); then
  fail "BACKUP_ZSTD_LEVEL must be 1-19, got '${zstd_level}'"
fi
zstd_threads=${BACKUP_ZSTD_THREADS:-2}
[[ $zstd_threads =~ ^[0-9]+$ ]] || fail "BACKUP_ZSTD_THREADS must be a number, got '${zstd_threads}'"
lock_wait_timeout=${BACKUP_LOCK_WAIT_TIMEOUT:-15min}
[[ $lock_wait_timeout =~ ^[0-9]+[[:space:]]*(ms|s|min|h|d)?$ ]] || fail "BACKUP_LOCK_WAIT_TIMEOUT must look like 90s or 15min, got '${lock_wait_timeout}'"
expected_size=${BACKUP_EXPECTED_SIZE:-}
[[ -z $expected_size || $expected_size =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_EXPECTED_SIZE must be a number of bytes, got '${expected_size}'"


for tool in pg_dump psql aws zstd sha256sum wc tee mkfifo mktemp date; do
  command -v "$tool" >/dev/null || fail "'${tool}' is not on PATH (the image needs the PostgreSQL client, the AWS CLI v2, zstd and coreutils)"
done
require_aws_cli_v2
pg_dump_version=$(pg_dump --version) || fail "'pg_dump --version' failed"

work=$(mktemp -d "${TMPDIR:-/tmp}/backup.XXXXXX") || fail "cannot create a work directory in ${TMPDIR:-/tmp} (it must be writable)"

# --- Cleanup: whatever happens, no completed upload without a manifest, no leftover processes --------------------
upload_pid=""
upload_fd=""
producer_pid=""
reader_pids=()
dump_key=""
upload_started=false   # aws was started: an incomplete multipart upload may exist
dump_completed=false   # aws exited 0: an object exists at dump_key
manifest_attempted=false
backup_done=false      # the dump and its manifest are stored: a complete backup, never deleted

# True when aws (the upload) has exited, or is a zombie, within $1 seconds.
upload_exited_within() {
  local waited=0 stat
  while ((waited < $1 * 10)); do
    stat=$(cat "/proc/${upload_pid}/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    [[ ${stat%% *} == Z ]] && return 0
    sleep 0.1
    waited=$((waited + 1))
  done
  return 1
}

kill_upload() {
  # Before the FIFO's write end is closed: aws must die without ever reading end-of-file.
  if [[ -n $upload_pid ]]; then
    kill -TERM "$upload_pid" 2>/dev/null || true
    wait "$upload_pid" 2>/dev/null || true
    upload_pid=""
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  if [[ $backup_done != true ]]; then
    kill_upload
    # The producer runs in its own process group: this stops pg_dump, zstd and tee too.
    [[ -n $producer_pid ]] && kill -TERM -- "-${producer_pid}" 2>/dev/null
    ((${#reader_pids[@]})) && kill -TERM "${reader_pids[@]}" 2>/dev/null
  fi
  [[ -n $upload_fd ]] && exec {upload_fd}>&-
  if [[ -n ${PSQL_PID:-} ]]; then
    kill -TERM "$PSQL_PID" 2>/dev/null
    wait "$PSQL_PID" 2>/dev/null
  fi
  if [[ $backup_done != true && -n $dump_key ]]; then
    if [[ $manifest_attempted == true ]]; then
      awscli s3 rm "s3://${bucket}/${manifest_key}" --only-show-errors >/dev/null 2>&1 || true
    fi
    if [[ $dump_completed == true ]]; then
      log "deleting s3://${bucket}/${dump_key}: it has no manifest, so it is not a backup"
      awscli s3 rm "s3://${bucket}/${dump_key}" --only-show-errors ||
        log "WARNING: could not delete s3://${bucket}/${dump_key} (it is still no backup: no manifest names it)"
    elif [[ $upload_started == true ]]; then
      abort_incomplete_uploads
    fi
  fi
  rm -rf "$work"
  if [[ $backup_done != true ]]; then
    ((status != 0)) || status=1
    log "FAILED: no backup was made; latest.json was not changed"
  fi
  remove_admin_passfile
  exit "$status"
}

abort_incomplete_uploads() {
  # Best effort: the lifecycle rule aborts incomplete multipart uploads after a day anyway.
  local ids id
  if ! ids=$(awscli s3api list-multipart-uploads --bucket "$bucket" --prefix "$dump_key" \
    --query "Uploads[?Key=='${dump_key}'].UploadId" --output text 2>/dev/null); then
    log "note: could not list incomplete multipart uploads of ${dump_key}; the bucket's lifecycle rule aborts them"
    return 0
  fi
  for id in $ids; do
    [[ $id == None ]] && continue
    awscli s3api abort-multipart-upload --bucket "$bucket" --key "$dump_key" --upload-id "$id" >/dev/null 2>&1 &&
      log "aborted the incomplete multipart upload of ${dump_key}"
  done
  return 0
}

trap cleanup EXIT
trap 'log "interrupted by SIGTERM"; exit 143' TERM
trap 'log "interrupted by SIGINT"; exit 130' INT
load_admin_password

# --- A psql session holding the snapshot ---------------------------------------------------------------------------
stamp="$(date -u +%Y%m%dT%H%M%SZ)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
dump_key="${key_prefix}dumps/${stamp}${DUMP_SUFFIX}"
manifest_key="${key_prefix}dumps/${stamp}${MANIFEST_SUFFIX}"
latest_key="${key_prefix}latest.json"
started_at=$(now_iso)
log "backing up database ${PGDATABASE:-<libpq default>} on ${PGHOST:-<libpq default>}:${PGPORT:-5432} to s3://${bucket}/${dump_key}"

coproc PSQL {
  exec psql -X -q -A -t -w -v ON_ERROR_STOP=1 \
    -v "dump_key=${dump_key}" -v "manifest_key=${manifest_key}" -v "bucket=${bucket}" \
    -v "pg_dump_version=${pg_dump_version}" -v "started_at=${started_at}" -v "zstd_level=${zstd_level}" \
    -v "lock_wait_timeout=${lock_wait_timeout}"
}
psql_in=${PSQL[1]}
psql_out=${PSQL[0]}
readonly SENTINEL="__backup_sh_end_of_result__"

# Sends SQL and psql meta-commands to the session; its output, up to the sentinel, lands in $session_out (no
# subshell: the coprocess's descriptors are not usable from one). Fails when the session has ended (an SQL error
# ends it: ON_ERROR_STOP; psql's own message is on stderr).
session_out=""
session() {
  local line
  session_out=""
  if ! { printf '%s\n\\echo %s\n' "$1" "$SENTINEL" >&"$psql_in"; } 2>/dev/null; then
    log "the psql session has ended (see psql's error above)"
    return 1
  fi
  while IFS= read -r line <&"$psql_out"; do
    if [[ $line == "$SENTINEL" ]]; then
      session_out=${session_out%$'\n'}
      return 0
    fi
    session_out+="${line}"$'\n'
  done
  log "the psql session has ended (see psql's error above)"
  return 1
}

# COUNT_ROWS_SQL (common.sh) plus an echo: the counts of the dump's snapshot, printed for the manifest.
readonly COUNT_AND_PRINT_SQL="${COUNT_ROWS_SQL}"'\echo :row_counts'$'\n'

# ACCESS SHARE locks on what pg_dump will lock, as pg_dump takes them: held until the counts are taken.
LOCK_TABLES_SQL=$(cat <<'SQL'
SELECT 'LOCK TABLE ' || string_agg(format('ONLY %I.%I', n.nspname, c.relname), ', ') || ' IN ACCESS SHARE MODE'
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  HAVING count(*) > 0
\gexec
SQL
)
readonly LOCK_TABLES_SQL

session "SET lock_timeout = :'lock_wait_timeout';
BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;
SELECT pg_export_snapshot();" || fail "could not open the snapshot transaction on the database"
snapshot=$session_out
[[ $snapshot =~ ^[0-9A-Fa-f-]+$ ]] || fail "unexpected snapshot id from pg_export_snapshot(): '${snapshot}'"
session "$LOCK_TABLES_SQL" || fail "could not lock the tables for the dump (waited at most ${lock_wait_timeout})"
session "SELECT pg_database_size(current_database());" || fail "could not read the database size"
db_size=$session_out
[[ $db_size =~ ^[0-9]+$ ]] || fail "unexpected database size '${db_size}'"
expected_size=${expected_size:-$((db_size > 8388608 ? db_size : 8388608))}
log "snapshot ${snapshot}; database size ${db_size} bytes; planning the upload for ${expected_size} bytes"

# --- The streaming pipeline ------------------------------------------------------------------------------------------
mkfifo "$work/upload.fifo" "$work/hash.fifo" "$work/size.fifo"
sha256sum <"$work/hash.fifo" >"$work/sha256" &
reader_pids+=("$!")
wc -c <"$work/size.fifo" >"$work/size" &
reader_pids+=("$!")
# aws itself, not a function or subshell around it: $! must be the process that would complete the upload.
aws "${aws_args[@]}" s3 cp - "s3://${bucket}/${dump_key}" --expected-size "$expected_size" --only-show-errors <"$work/upload.fifo" &
upload_pid=$!
upload_started=true
# Opening the write end waits for aws's shell to open the read end; from here aws reads until this end is closed.
exec {upload_fd}>"$work/upload.fifo"

pg_dump_args=(--format=custom --compress=0 --snapshot="$snapshot" --lock-wait-timeout="$lock_wait_timeout" --no-password)
# In its own process group (job control on just for this job), so that a cleanup can stop all of it at once.
set -m
(
  set +e
  pg_dump "${pg_dump_args[@]}" |
    zstd -q -c "-${zstd_level}" "-T${zstd_threads}" |
    tee "$work/hash.fifo" "$work/size.fifo" >&"$upload_fd"
  printf '%s\n' "${PIPESTATUS[*]}" >"$work/pipestatus"
) &
producer_pid=$!
set +m
wait "$producer_pid" || true
producer_pid=""

read -r -a statuses <"$work/pipestatus" 2>/dev/null || statuses=()
((${#statuses[@]} == 3)) || { kill_upload; fail "the dump pipeline did not finish (no exit statuses recorded); the upload was cancelled"; }
if [[ ${statuses[*]} != "0 0 0" ]]; then
  summary="exit statuses: pg_dump ${statuses[0]}, zstd ${statuses[1]}, tee ${statuses[2]}"
  # tee failing means a reader went away: usually aws, after the upload failed (S3 unreachable, access denied).
  if [[ ${statuses[2]} != 0 ]] && upload_exited_within 15; then
    upload_status=0
    wait "$upload_pid" || upload_status=$?
    upload_pid=""
    if ((upload_status != 0)); then
      fail "uploading the dump to s3://${bucket}/${dump_key} failed (aws exited ${upload_status}, its error is above); the dump pipeline stopped with it (${summary})"
    fi
  fi
  [[ " ${statuses[*]} " == *" 141 "* ]] && summary+="; 141 is SIGPIPE: the next stage stopped reading"
  kill_upload
  fail "the dump pipeline failed (${summary}); the upload was cancelled before completing"
fi
for pid in "${reader_pids[@]}"; do
  wait "$pid" || { kill_upload; fail "computing the dump's sha256 or size failed"; }
done
reader_pids=()
read -r sha256 _ <"$work/sha256" || true
read -r size <"$work/size" || true
[[ ${sha256:-} =~ ^[0-9a-f]{64}$ ]] || { kill_upload; fail "no sha256 computed for the dump"; }
[[ ${size:-} =~ ^[1-9][0-9]*$ ]] || { kill_upload; fail "no size computed for the dump"; }

# Row counts in the dump's snapshot, while aws still waits for the end of the stream.
session "$COUNT_AND_PRINT_SQL" || { kill_upload; fail "counting the rows in the dump's snapshot failed"; }
row_counts=$session_out
[[ $row_counts == \{* ]] || { kill_upload; fail "unexpected row counts: ${row_counts}"; }

# All stages succeeded: let aws see the end of the stream and complete the upload.
exec {upload_fd}>&-
upload_fd=""
upload_status=0
wait "$upload_pid" || upload_status=$?
upload_pid=""
((upload_status == 0)) || fail "uploading the dump to s3://${bucket}/${dump_key} failed (aws exited ${upload_status})"
dump_completed=true

stored_size=$(awscli s3api head-object --bucket "$bucket" --key "$dump_key" --query ContentLength --output text) ||
  fail "head-object on s3://${bucket}/${dump_key} failed after the upload"
[[ $stored_size == "$size" ]] || fail "S3 stored ${stored_size} bytes at s3://${bucket}/${dump_key}, the dump has ${size}"
finished_at=$(now_iso)

# --- Manifest, then latest.json, last ------------------------------------------------------------------------------
session "\\set dump_size '${size}'
\\set dump_sha256 '${sha256}'
\\set finished_at '${finished_at}'
\\set snapshot '${snapshot}'
SELECT json_build_object(
  'manifest_version', ${MANIFEST_VERSION},
  'key', :'dump_key', 'manifest_key', :'manifest_key', 'bucket', :'bucket',
  'size', :'dump_size'::bigint, 'sha256', :'dump_sha256',
  'format', 'custom', 'compression', 'zstd', 'zstd_level', :'zstd_level'::int,
  'pg_dump_options', '--format=custom --compress=0 --snapshot',
  'started_at', :'started_at', 'snapshot_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),
  'finished_at', :'finished_at', 'snapshot', :'snapshot',
  'database', current_database(), 'encoding', pg_encoding_to_char(d.encoding),
  'lc_collate', d.datcollate, 'lc_ctype', d.datctype,
  'server_version', current_setting('server_version'), 'server_version_num', current_setting('server_version_num')::int,
  'pg_dump_version', :'pg_dump_version',
  'table_count', (SELECT count(*) FROM jsonb_object_keys(:'row_counts'::jsonb)),
  'row_count', (SELECT coalesce(sum(value::bigint), 0) FROM jsonb_each_text(:'row_counts'::jsonb)),
  'tables', :'row_counts'::jsonb)
FROM pg_database d WHERE d.datname = current_database();" || fail "could not build the manifest"
manifest=$session_out
[[ $manifest == \{* ]] || fail "could not build the manifest: '${manifest}'"
printf '%s\n' "$manifest" >"$work/manifest.json"
manifest_attempted=true
awscli s3 cp "$work/manifest.json" "s3://${bucket}/${manifest_key}" --content-type application/json --only-show-errors ||
  fail "uploading the manifest s3://${bucket}/${manifest_key} failed"

printf '{"manifest": "%s", "key": "%s", "size": %s, "sha256": "%s", "finished_at": "%s"}\n' \
  "$manifest_key" "$dump_key" "$size" "$sha256" "$finished_at" >"$work/latest.json"
# From here the dump and its manifest are a complete backup: nothing deletes them, even if moving latest.json fails
# (S3 may have stored it anyway: deleting the manifest could leave latest.json naming nothing).
backup_done=true
if ! awscli s3 cp "$work/latest.json" "s3://${bucket}/${latest_key}" --content-type application/json --only-show-errors; then
  log "FAILED: moving s3://${bucket}/${latest_key} failed; the backup itself is complete: manifest s3://${bucket}/${manifest_key}"
  exit 1
fi
session "ROLLBACK;" || true
log "done: s3://${bucket}/${dump_key} (${size} bytes, sha256 ${sha256}); latest.json names ${manifest_key}"
