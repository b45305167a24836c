-- What the extension foodorder consists of in the current database, one
-- line per fact, without OIDs or anything else that differs between two
-- databases built by the same statements.  test/upgrade/run diffs this for
-- an upgraded 1.0 and a fresh install (alongside a pg_dump --binary-upgrade
-- of each), so each line should name an object and state its definition.
--
-- Covers: the extension row (version, config tables and their conditions),
-- its member objects, and everything in schema foodorder: relations and
-- their options, row-level security and ACLs, columns (type, default,
-- identity, generated, ACL), constraints (with convalidated),
-- indexes, triggers, rules, policies, sequences and what owns them, types,
-- functions (full definition, ACL), comments and initial privileges.
--
--   psql -X -At -v ON_ERROR_STOP=1 -f test/upgrade/catalog.sql
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' | '
\pset null '<null>'
SET search_path = pg_catalog, pg_temp;

-- The extension and its pg_dump configuration, OIDs as names.
SELECT 'extension', e.extname, e.extversion, e.extrelocatable,
       e.extnamespace::regnamespace, pg_get_userbyid(e.extowner)
  FROM pg_extension e WHERE e.extname = 'foodorder';
SELECT 'extconfig', x.n, x.cfg::regclass, x.cond
  FROM pg_extension e,
       unnest(e.extconfig::oid[], e.extcondition) WITH ORDINALITY AS x(cfg, cond, n)
 WHERE e.extname = 'foodorder'
 ORDER BY x.n;

-- Its members, whatever their kind or schema.
SELECT 'member', pg_describe_object(d.classid, d.objid, d.objsubid)
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'foodorder')
   AND d.deptype = 'e'
 ORDER BY 2;

-- The schema.
SELECT 'schema', n.nspname, pg_get_userbyid(n.nspowner), n.nspacl
  FROM pg_namespace n WHERE n.nspname = 'foodorder';

-- Relations.
SELECT 'relation', c.oid::regclass, c.relkind, c.relpersistence,
       pg_get_userbyid(c.relowner), c.relacl, c.reloptions,
       c.relrowsecurity, c.relforcerowsecurity, c.relreplident,
       c.reltoastrelid <> 0 AS has_toast, c.relispartition, c.reloftype::regtype,
       c.relam::regclass
  FROM pg_class c
 WHERE c.relnamespace = 'foodorder'::regnamespace
 ORDER BY c.oid::regclass::text;

-- Columns, in order, dropped ones included.  Not their missing value
-- (atthasmissing, attmissingval): what rows that predate an ALTER TABLE ...
-- ADD COLUMN read there, which a fresh install, made by CREATE TABLE with
-- no such rows, does not have; test/upgrade/run checks those rows' values.
SELECT 'column', c.oid::regclass, a.attnum, a.attname, a.attisdropped,
       format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(ad.adbin, ad.adrelid) AS "default",
       a.attidentity, a.attgenerated,
       a.attcollation::regcollation, a.attstorage, a.attcompression,
       a.attstattarget, a.attacl,
       -- pg_attver, which this server keeps in attoptions, is the LSN the
       -- column was made at: left out
       (SELECT array_agg(o ORDER BY o) FROM unnest(a.attoptions) o
         WHERE o NOT LIKE 'pg_attver=%') AS attoptions
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
 WHERE c.relnamespace = 'foodorder'::regnamespace
   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
 ORDER BY c.oid::regclass::text, a.attnum;

-- Constraints of tables and domains.
SELECT 'constraint', coalesce(co.conrelid::regclass::text, co.contypid::regtype::text),
       co.conname, co.contype, pg_get_constraintdef(co.oid), co.convalidated,
       co.condeferrable, co.condeferred, co.connoinherit, co.conislocal
  FROM pg_constraint co
 WHERE co.connamespace = 'foodorder'::regnamespace
 ORDER BY 2, 3;

-- Indexes (of the tables in the schema, wherever the index is).
SELECT 'index', i.indrelid::regclass, i.indexrelid::regclass,
       pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary,
       i.indisexclusion, i.indimmediate, i.indisclustered, i.indisvalid,
       i.indisreplident
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
 WHERE c.relnamespace = 'foodorder'::regnamespace
 ORDER BY i.indrelid::regclass::text, i.indexrelid::regclass::text;

-- Triggers other than the internal ones of foreign keys (whose names hold
-- OIDs; the constraints above stand for them).
SELECT 'trigger', t.tgrelid::regclass, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'foodorder'::regnamespace AND NOT t.tgisinternal
 ORDER BY t.tgrelid::regclass::text, t.tgname;

-- Rewrite rules other than views' own (views show as their definition).
SELECT 'rule', r.ev_class::regclass, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
 WHERE c.relnamespace = 'foodorder'::regnamespace AND r.rulename <> '_RETURN'
 ORDER BY r.ev_class::regclass::text, r.rulename;
SELECT 'view', c.oid::regclass, pg_get_viewdef(c.oid)
  FROM pg_class c
 WHERE c.relnamespace = 'foodorder'::regnamespace AND c.relkind IN ('v', 'm')
 ORDER BY c.oid::regclass::text;

-- Row-level security policies.
SELECT 'policy', p.schemaname, p.tablename, p.policyname, p.permissive,
       p.roles, p.cmd, p.qual, p.with_check
  FROM pg_policies p
 WHERE p.schemaname = 'foodorder'
 ORDER BY 3, 4;

-- Sequences, and the column or table that owns each.
SELECT 'sequence', s.seqrelid::regclass, format_type(s.seqtypid, NULL),
       s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle,
       (SELECT string_agg(pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
                          || ' (' || d.deptype::text || ')', ', ' ORDER BY 1)
          FROM pg_depend d
         WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
           AND d.refclassid = 'pg_class'::regclass) AS owned_by
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
 WHERE c.relnamespace = 'foodorder'::regnamespace
 ORDER BY s.seqrelid::regclass::text;

-- Types (row types of the tables included).
SELECT 'type', t.oid::regtype, t.typtype, pg_get_userbyid(t.typowner), t.typacl,
       t.typrelid <> 0 AS is_row_type, t.typnotnull,
       format_type(t.typbasetype, t.typtypmod), t.typdefault
  FROM pg_type t
 WHERE t.typnamespace = 'foodorder'::regnamespace
 ORDER BY t.oid::regtype::text;

-- Functions and procedures: owner, ACL and full definition.
SELECT 'function', p.oid::regprocedure, p.prokind, pg_get_userbyid(p.proowner),
       p.proacl, p.proleakproof,
       CASE WHEN p.prokind = 'a' THEN '<aggregate>' ELSE pg_get_functiondef(p.oid) END
  FROM pg_proc p
 WHERE p.pronamespace = 'foodorder'::regnamespace
 ORDER BY p.oid::regprocedure::text;

-- Comments, and initial privileges (the ACLs the extension scripts set),
-- on the extension, the schema and anything in it, columns included.
WITH obj(classid, objid) AS (
    SELECT 'pg_extension'::regclass, e.oid FROM pg_extension e WHERE e.extname = 'foodorder'
    UNION ALL SELECT 'pg_namespace'::regclass, 'foodorder'::regnamespace::oid
    UNION ALL SELECT 'pg_class'::regclass, c.oid FROM pg_class c
               WHERE c.relnamespace = 'foodorder'::regnamespace
    UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p
               WHERE p.pronamespace = 'foodorder'::regnamespace
    UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t
               WHERE t.typnamespace = 'foodorder'::regnamespace
    UNION ALL SELECT 'pg_constraint'::regclass, co.oid FROM pg_constraint co
               WHERE co.connamespace = 'foodorder'::regnamespace
    UNION ALL SELECT 'pg_policy'::regclass, po.oid FROM pg_policy po
               JOIN pg_class c ON c.oid = po.polrelid
               WHERE c.relnamespace = 'foodorder'::regnamespace
    UNION ALL SELECT 'pg_trigger'::regclass, t.oid FROM pg_trigger t
               JOIN pg_class c ON c.oid = t.tgrelid
               WHERE c.relnamespace = 'foodorder'::regnamespace AND NOT t.tgisinternal
)
SELECT * FROM (
    SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid) AS what,
           d.description AS detail
      FROM pg_description d JOIN obj ON obj.classid = d.classoid AND obj.objid = d.objoid
    UNION ALL
    SELECT 'init_privs', pg_describe_object(ip.classoid, ip.objoid, ip.objsubid),
           ip.privtype::text || ' ' || ip.initprivs::text
      FROM pg_init_privs ip JOIN obj ON obj.classid = ip.classoid AND obj.objid = ip.objoid
) x
ORDER BY 1, 2, 3;
