-- One colleague at 17:00, run as the application role: connect, read the
-- menu of the canteen (:restaurant) once, wait for the shared start time,
-- then place the orders of order.sql that follow.  Refusals are printed
-- with their SQLSTATE (VERBOSITY sqlstate) and counted by scripts/demo.
\set ON_ERROR_STOP 0
\set VERBOSITY sqlstate
-- the canteen's dishes in menu order: d1 is the popular Kung Pao chicken,
-- d7 the rice
SELECT m[1] AS d1, m[2] AS d2, m[3] AS d3, m[4] AS d4, m[5] AS d5, m[6] AS d6, m[7] AS d7
  FROM (SELECT array_agg(id ORDER BY id) AS m FROM foodorder.menu WHERE restaurant_id = :restaurant) AS x
\gset
SELECT pg_catalog.pg_sleep_until(:'start') \g /dev/null
