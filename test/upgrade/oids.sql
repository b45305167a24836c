-- "oid<TAB>name" of the relations in schema foodorder and their toast
-- tables: normalize-dump.pl puts the names in place of the OIDs.
SELECT c.oid, c.oid::regclass::text FROM pg_class c
 WHERE c.relnamespace = 'foodorder'::regnamespace
UNION ALL
SELECT c.reltoastrelid, 'toast table of ' || c.oid::regclass FROM pg_class c
 WHERE c.relnamespace = 'foodorder'::regnamespace AND c.reltoastrelid <> 0;
