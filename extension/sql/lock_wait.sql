-- foodorder: bounded lock waits (issue 17, item 6).
--
-- A transaction left open after a call holds its dishes until it ends;
-- with lock_timeout 0 (PostgreSQL's default) every call needing one of
-- them would wait for ever.  Each function that may wait for a dish (its
-- row or a hot dish's slots), an order or a cart lowers lock_timeout for
-- the rest of the function to foodorder.lock_wait_timeout (the DBA's
-- setting, 5s by default), or keeps the caller's shorter one; a wait that
-- runs out is 55P03 naming the dish.  The C functions do both themselves
-- (lock_wait.c); the PL/pgSQL functions below call bound_lock_wait() first
-- and catch the 55P03 of their dish locks, which costs a subtransaction:
-- they are staff calls, not the order path.

-- Lower lock_timeout until the calling function returns: the caller must
-- have a SET clause (a GUC nest level), as every foodorder function does.
-- None here, or the lower value would end with this function.
CREATE FUNCTION foodorder.bound_lock_wait() RETURNS void
AS 'MODULE_PATHNAME', 'sql_bound_lock_wait'
LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION foodorder.bound_lock_wait() FROM PUBLIC;
