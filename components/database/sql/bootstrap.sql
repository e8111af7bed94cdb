-- Prepares the application database for the Letta server BEFORE its own (alembic) migrations run: an application
-- role with its own password, and a schema owned by that role that is the database's search_path. This mirrors
-- upstream Letta's compose init.sql (schema named after the database, owned by the app user, database search_path
-- set to it), except that `public` is left alone. extensions.sql, run right after this file, installs `vector`.
--
-- Run as the database's admin user, connected to the application database (the bootstrap Job):
--
--   PGOPTIONS="-c bootstrap.app_role=letta -c bootstrap.schema=letta -c bootstrap.app_password=<password>" \
--     psql -X -v ON_ERROR_STOP=1 -f bootstrap.sql -f extensions.sql
--
-- Plain SQL only (no psql meta-commands), so the same file also runs on PGlite. Parameters are custom session
-- settings read with current_setting(); every statement built from them uses format() with %I / %L.
--
-- The admin is either a superuser (the in-cluster StatefulSet) or a non-superuser with CREATEROLE that owns the
-- database (the RDS master user, a member of rds_superuser). For the non-superuser, PostgreSQL requires membership
-- in the app role to create a schema AUTHORIZATION it or give it a schema (PostgreSQL 15: MEMBER; 16 and later: the
-- SET option), and it needs CREATE on the app's schema for extensions.sql: so the app role is granted to the admin.
-- PostgreSQL 16+ also needs ADMIN OPTION on the app role to alter it (the creator gets it implicitly).
--
-- Idempotent and convergent: safe to re-run on every deployment. The password is set on every run (rotation), the
-- role's attributes, the schema's owner and the database settings are put back if they drifted. The whole file is
-- one DO block, so one transaction: it either changes everything or nothing (a failed validation changes nothing).
DO $bootstrap$
DECLARE
  identifier constant text := '^[a-z_][a-z0-9_]{0,62}$';
  app_role text := current_setting('bootstrap.app_role', true);
  app_schema text := current_setting('bootstrap.schema', true);
  app_password text := current_setting('bootstrap.app_password', true);
  admin_is_superuser boolean;
  admin_can_create_role boolean;
  app_role_oid oid;
  existing record;
  schema_owner oid;
  membership text;
  failure_state text;
  failure_message text;
  failure_detail text;
  failure_hint text;
BEGIN
  -- 1. Validate the parameters before changing anything.
  IF coalesce(app_role, '') = '' THEN
    RAISE EXCEPTION 'bootstrap: setting bootstrap.app_role is missing or empty'
      USING HINT = 'Pass the parameters as session settings: PGOPTIONS="-c bootstrap.app_role=... -c bootstrap.schema=... -c bootstrap.app_password=..."';
  END IF;
  IF coalesce(app_schema, '') = '' THEN
    RAISE EXCEPTION 'bootstrap: setting bootstrap.schema is missing or empty'
      USING HINT = 'Pass the parameters as session settings: PGOPTIONS="-c bootstrap.app_role=... -c bootstrap.schema=... -c bootstrap.app_password=..."';
  END IF;
  IF coalesce(app_password, '') = '' THEN
    RAISE EXCEPTION 'bootstrap: setting bootstrap.app_password is missing or empty'
      USING HINT = 'Pass the parameters as session settings: PGOPTIONS="-c bootstrap.app_role=... -c bootstrap.schema=... -c bootstrap.app_password=..."';
  END IF;
  IF app_role !~ identifier THEN
    RAISE EXCEPTION 'bootstrap: bootstrap.app_role % is not a plain lower-case identifier (must match %)', quote_literal(app_role), identifier;
  END IF;
  IF app_schema !~ identifier THEN
    RAISE EXCEPTION 'bootstrap: bootstrap.schema % is not a plain lower-case identifier (must match %)', quote_literal(app_schema), identifier;
  END IF;
  IF app_role LIKE 'pg\_%' THEN
    RAISE EXCEPTION 'bootstrap: bootstrap.app_role % is reserved (role names starting with pg_ belong to PostgreSQL)', quote_literal(app_role);
  END IF;
  IF app_schema LIKE 'pg\_%' OR app_schema IN ('public', 'information_schema') THEN
    RAISE EXCEPTION 'bootstrap: bootstrap.schema % is not allowed: the application needs a schema of its own', quote_literal(app_schema);
  END IF;
  IF app_role = current_user THEN
    RAISE EXCEPTION 'bootstrap: bootstrap.app_role % is the admin user running this script; the application needs a role of its own', quote_literal(app_role);
  END IF;

  -- 2. Check the admin can do the job, so a wrong admin fails with a message that says why. Setting the database's
  -- search_path first doubles as the ownership check (pg_database is not read: PGlite denies it to non-superusers);
  -- the schema it names is created below, in the same transaction.
  SELECT r.rolsuper, r.rolcreaterole INTO admin_is_superuser, admin_can_create_role FROM pg_roles r WHERE r.rolname = current_user;
  IF NOT admin_is_superuser AND NOT admin_can_create_role THEN
    RAISE EXCEPTION 'bootstrap: % is neither a superuser nor has CREATEROLE: it cannot create or alter role %', quote_ident(current_user), quote_ident(app_role)
      USING HINT = 'Run this as the database admin: the RDS master user, or the superuser of the in-cluster PostgreSQL.';
  END IF;
  BEGIN
    EXECUTE format('ALTER DATABASE %I SET search_path TO %I', current_database(), app_schema);
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'bootstrap: % cannot alter database %: %', quote_ident(current_user), quote_ident(current_database()), SQLERRM
      USING ERRCODE = 'insufficient_privilege',
        HINT = 'Run this as the owner of the application database (the RDS master user) or a superuser.';
  END;

  -- 3. The application role: LOGIN and nothing else. Created with its attributes; an existing one is refused when it
  -- has attributes only a superuser could take away (a misconfiguration: never demote e.g. the admin or `postgres`),
  -- and only the attributes that drifted are altered (PostgreSQL 16+ lets a non-superuser change CREATEDB only if it
  -- has CREATEDB itself, even to remove it).
  SELECT r.rolsuper, r.rolreplication, r.rolbypassrls, r.rolcreatedb, r.rolcreaterole, r.rolcanlogin
    INTO existing FROM pg_roles r WHERE r.rolname = app_role;
  IF NOT FOUND THEN
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', app_role);
  ELSE
    IF existing.rolsuper OR existing.rolreplication OR existing.rolbypassrls THEN
      RAISE EXCEPTION 'bootstrap: role % already exists with SUPERUSER, REPLICATION or BYPASSRLS; refusing to use it as the application role', quote_ident(app_role);
    END IF;
    IF NOT existing.rolcanlogin THEN
      EXECUTE format('ALTER ROLE %I LOGIN', app_role);
    END IF;
    IF existing.rolcreatedb THEN
      EXECUTE format('ALTER ROLE %I NOCREATEDB', app_role);
    END IF;
    IF existing.rolcreaterole THEN
      EXECUTE format('ALTER ROLE %I NOCREATEROLE', app_role);
    END IF;
  END IF;
  -- The password, on every run. Any failure is re-raised without the statement as context: that would print the
  -- password into the Job's log and the server's log.
  BEGIN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', app_role, app_password);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS failure_state = RETURNED_SQLSTATE, failure_message = MESSAGE_TEXT,
      failure_detail = PG_EXCEPTION_DETAIL, failure_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = failure_state,
      MESSAGE = format('bootstrap: could not set the password of role %s: %s', quote_ident(app_role), failure_message),
      DETAIL = failure_detail, HINT = failure_hint;
  END;
  SELECT r.oid INTO app_role_oid FROM pg_roles r WHERE r.rolname = app_role;

  -- 4. A non-superuser admin must be able to act as the app role (see the header). PostgreSQL 16+ gives a role's
  -- creator ADMIN OPTION but neither SET nor INHERIT, so check for the privilege that version needs.
  IF NOT admin_is_superuser THEN
    membership := CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END;
    IF NOT pg_has_role(current_user, app_role_oid, membership) THEN
      EXECUTE format('GRANT %I TO %I', app_role, current_user);
    END IF;
  END IF;

  -- 5. The schema, owned by the app role.
  SELECT n.nspowner INTO schema_owner FROM pg_namespace n WHERE n.nspname = app_schema;
  IF NOT FOUND THEN
    EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', app_schema, app_role);
  ELSIF schema_owner <> app_role_oid THEN
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', app_schema, app_role);
  END IF;

  -- 6. The app may connect and use temporary tables even where PUBLIC's default grants were revoked. (New sessions
  -- resolve unqualified names in the app's schema: the search_path set in step 2.)
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), app_role);

  RAISE NOTICE 'bootstrap: role % and schema % ready in database % (search_path %)',
    quote_ident(app_role), quote_ident(app_schema), quote_ident(current_database()), quote_ident(app_schema);
END
$bootstrap$;
