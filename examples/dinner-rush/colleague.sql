-- One colleague at 17:00, run as the application role: connect, wait for
-- the shared start time, then place the orders of order.sql that follow.
-- Refusals are printed with their SQLSTATE (VERBOSITY sqlstate) and counted
-- by scripts/demo.
\set ON_ERROR_STOP 0
\set VERBOSITY sqlstate
SELECT pg_catalog.pg_sleep_until(:'start') \g /dev/null
