-- What extension :'ext' consists of in the current database, one line per
-- fact, without OIDs: its version, config tables, members, and each member
-- function's full definition and ACL, each member relation's columns and
-- ACL.  test/router-api/run diffs it for an updated 1.2.1 and a fresh 1.2.2.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' | '
\pset null '<null>'
SET search_path = pg_catalog, pg_temp;

SELECT 'extension', e.extname, e.extversion, e.extnamespace::regnamespace
  FROM pg_extension e WHERE e.extname = :'ext';
SELECT 'extconfig', x.cfg::regclass, x.cond
  FROM pg_extension e, unnest(e.extconfig::oid[], e.extcondition) AS x(cfg, cond)
 WHERE e.extname = :'ext' ORDER BY x.cfg::regclass::text;
SELECT 'member', pg_describe_object(d.classid, d.objid, 0)
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = :'ext'
 ORDER BY 2;
SELECT 'function', p.oid::regprocedure, pg_get_functiondef(p.oid), p.proacl
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_proc p ON p.oid = d.objid
 WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e' AND e.extname = :'ext'
 ORDER BY p.oid::regprocedure::text;
SELECT 'column', c.oid::regclass, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attacl
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_class c ON c.oid = d.objid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
 WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND e.extname = :'ext'
 ORDER BY c.oid::regclass::text, a.attnum;
SELECT 'relation', c.oid::regclass, c.relkind, c.relpersistence, c.relrowsecurity, c.relacl,
       pg_get_partkeydef(c.oid)
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_class c ON c.oid = d.objid
 WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND e.extname = :'ext'
 ORDER BY c.oid::regclass::text;
SELECT 'constraint', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_constraint c ON c.conrelid = d.objid
 WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND e.extname = :'ext'
 ORDER BY c.conrelid::regclass::text, c.conname;
SELECT 'policy', p.polrelid::regclass, p.polname, p.polcmd, pg_get_expr(p.polqual, p.polrelid),
       pg_get_expr(p.polwithcheck, p.polrelid)
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_policy p ON p.polrelid = d.objid
 WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND e.extname = :'ext'
 ORDER BY p.polrelid::regclass::text, p.polname;
