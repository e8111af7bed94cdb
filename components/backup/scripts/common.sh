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
