-- Every row pg_dump keeps of the tables the extension marks (those their
-- extconfig condition selects), in a fixed order: what a pg_restore of
-- the updated database must give back.
SET TimeZone = 'UTC';
SELECT format('SELECT %L', c.oid::regclass::text || ' ' || x.cond),
       format('COPY (SELECT * FROM %s t %s ORDER BY t::text COLLATE "C") TO STDOUT',
              c.oid::regclass, x.cond)
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(cfg, cond)
  JOIN pg_class c ON c.oid = x.cfg
 WHERE e.extname = 'foodorder' AND c.relkind = 'r'
 ORDER BY c.oid::regclass::text
\gexec
