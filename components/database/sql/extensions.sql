-- Installs the extensions the Letta server needs (pgvector's `vector`) in the application's schema, so that they
-- resolve through the database's search_path (set by bootstrap.sql, which must run first). Upstream's init.sql:
-- CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA <db name>.
--
--   PGOPTIONS="-c bootstrap.schema=letta ..." psql -X -v ON_ERROR_STOP=1 -f bootstrap.sql -f extensions.sql
--
-- Plain SQL only (runs on PGlite too); the schema comes from the bootstrap.schema session setting. Idempotent.
-- `vector` is not a trusted extension: the admin must be a superuser, or on RDS a member of rds_superuser (pgvector
-- is on RDS's allow-list); a non-superuser also needs CREATE on the schema, which membership in the app role
-- (granted by bootstrap.sql) gives it.
-- If `vector` is already installed in another schema it is left there (moving it could break objects that use it)
-- and a NOTICE says so.
DO $extensions$
DECLARE
  identifier constant text := '^[a-z_][a-z0-9_]{0,62}$';
  app_schema text := current_setting('bootstrap.schema', true);
  installed_in name;
BEGIN
  IF coalesce(app_schema, '') = '' THEN
    RAISE EXCEPTION 'extensions: setting bootstrap.schema is missing or empty'
      USING HINT = 'Pass it as a session setting: PGOPTIONS="-c bootstrap.schema=..."';
  END IF;
  IF app_schema !~ identifier THEN
    RAISE EXCEPTION 'extensions: bootstrap.schema % is not a plain lower-case identifier (must match %)', quote_literal(app_schema), identifier;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = app_schema) THEN
    RAISE EXCEPTION 'extensions: schema % does not exist in database %', quote_ident(app_schema), quote_ident(current_database())
      USING HINT = 'Run bootstrap.sql first, with the same settings.';
  END IF;

  SELECT n.nspname INTO installed_in
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'vector';
  IF NOT FOUND THEN
    EXECUTE format('CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA %I', app_schema);
    RAISE NOTICE 'extensions: installed vector in schema %', quote_ident(app_schema);
  ELSIF installed_in <> app_schema THEN
    RAISE NOTICE 'extensions: vector is already installed in schema %, not in %; leaving it there',
      quote_ident(installed_in), quote_ident(app_schema)
      USING DETAIL = format('Sessions whose search_path is %s alone will not resolve the vector type unqualified.', quote_ident(app_schema)),
        HINT = format('To move it (it is relocatable): ALTER EXTENSION vector SET SCHEMA %s;', quote_ident(app_schema));
  END IF;
END
$extensions$;
