-- hand-over.sql: run by restore.sh (RESTORE_OWNER) in one transaction, as the user that restored. Gives every object
-- that user owns in this database to the role :'owner', one ALTER ... OWNER each, and prints how many it moved.
-- Extension members stay with their extension; system schemas are skipped. Owned sequences move with their table
-- (ALTER TABLE recurses to them, and ALTER SEQUENCE on one is an error); array and multirange types with their base.
-- REASSIGN OWNED is not used: it fails for the bootstrap superuser and would also move the database itself.
-- A new owner needs CREATE on the schema of what it receives: schemas the restore created move first, and a schema
-- it did not create (public, owned by pg_database_owner) gets CREATE granted to the role only when objects in it
-- move (the original database had granted the same, which --no-privileges did not restore).
SELECT set_config('restore.owner', :'owner', true) \gset ignored_
DO $$
DECLARE
  target text := current_setting('restore.owner');
  me oid := (SELECT oid FROM pg_roles WHERE rolname = current_user);
  command text;
  moved int := 0;
BEGIN
  FOR command IN
    WITH user_ns AS (
      SELECT n.oid, n.nspname FROM pg_namespace n
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
    ), ext_member AS (
      SELECT d.classid, d.objid FROM pg_depend d WHERE d.deptype = 'e'
    )
    , moves AS (
    SELECT 1 AS ord, NULL::oid AS ns, format('ALTER SCHEMA %I OWNER TO %I', n.nspname, target) AS stmt
      FROM user_ns n JOIN pg_namespace x ON x.oid = n.oid
      WHERE x.nspowner = me
        AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid)
    UNION ALL
    SELECT 3, c.relnamespace, format('ALTER %s %s OWNER TO %I',
                  CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                 WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END,
                  c.oid::regclass, target)
      FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
      WHERE c.relowner = me AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
        AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)
        -- a sequence owned by a column moves with its table
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                              AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT 3, p.pronamespace, format('ALTER %s %s OWNER TO %I',
                  CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                  p.oid::regprocedure, target)
      FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
      WHERE p.proowner = me
        AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
    UNION ALL
    SELECT 3, t.typnamespace, format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype, target)
      FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
      WHERE t.typowner = me AND t.typrelid = 0 AND t.typcategory <> 'A' AND t.typtype IN ('b', 'd', 'e', 'r')
        AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
    UNION ALL
    SELECT 3, NULL, format('ALTER LARGE OBJECT %s OWNER TO %I', l.oid, target)
      FROM pg_largeobject_metadata l WHERE l.lomowner = me
    )
    SELECT stmt FROM (
      SELECT ord, stmt FROM moves
      UNION ALL
      SELECT DISTINCT 2, format('GRANT CREATE ON SCHEMA %I TO %I', x.nspname, target)
        FROM moves m JOIN pg_namespace x ON x.oid = m.ns
       WHERE x.nspowner <> me AND NOT has_schema_privilege(target, x.oid, 'CREATE')
    ) s ORDER BY ord, stmt
  LOOP
    EXECUTE command;
    IF command LIKE 'GRANT%' THEN RAISE NOTICE '%', command; ELSE moved := moved + 1; END IF;
  END LOOP;
  PERFORM set_config('restore.moved', moved::text, true);
END
$$;
SELECT current_setting('restore.moved');
