-- The least-privilege role postgres_exporter connects as (database.mode=statefulset): LOGIN and membership in
-- pg_monitor, PostgreSQL's predefined monitoring role (it reads the pg_stat_* views, pg_settings and every
-- session's activity, but no table data), a connection limit of 3, read-only transactions, and nothing else. Never
-- the admin: the exporter is reachable from Prometheus's namespace, and its credentials sit in its pod.
--
-- Run as the database's admin (a superuser in-cluster) by the monitoring-role Job:
--
--   PGOPTIONS="-c monitoring.role=postgres_exporter -c monitoring.password=<password>" \
--     psql -X -v ON_ERROR_STOP=1 -f monitoring-role.sql
--
-- Idempotent and convergent: creates the role, or puts its attributes, password and membership back.
DO $monitoring$
DECLARE
  role_name text := current_setting('monitoring.role', true);
  role_password text := current_setting('monitoring.password', true);
  failure_state text;
  failure_message text;
BEGIN
  IF coalesce(role_name, '') !~ '^[a-z_][a-z0-9_]{0,62}$' OR role_name LIKE 'pg\_%' THEN
    RAISE EXCEPTION 'monitoring-role: monitoring.role % is not a plain lower-case identifier outside pg_*', quote_literal(coalesce(role_name, ''));
  END IF;
  IF coalesce(role_password, '') = '' THEN
    RAISE EXCEPTION 'monitoring-role: setting monitoring.password is missing or empty';
  END IF;
  IF role_name = current_user THEN
    RAISE EXCEPTION 'monitoring-role: monitoring.role % is the admin running this script; the exporter needs a role of its own', quote_literal(role_name);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
    EXECUTE format('CREATE ROLE %I', role_name);
  END IF;
  EXECUTE format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 3', role_name);
  -- The password alone, and a failure re-raised without the statement as context, which would print the password
  -- into the Job's log (as bootstrap.sql does for the app role).
  BEGIN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', role_name, role_password);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS failure_state = RETURNED_SQLSTATE, failure_message = MESSAGE_TEXT;
    RAISE EXCEPTION USING ERRCODE = failure_state,
      MESSAGE = format('monitoring-role: could not set the password of role %s: %s', quote_ident(role_name), failure_message);
  END;
  EXECUTE format('GRANT pg_monitor TO %I', role_name);
  EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', role_name);
END
$monitoring$;
