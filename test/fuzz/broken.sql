-- Broken functions for test/fuzz/run to catch, made members of the extension
-- so the catalog query finds them:
--
--   FUZZ_EXTRA_SQL=test/fuzz/broken.sql test/fuzz/run
--
-- must fail these checks, each for its function (and pass the rest):
--   fuzz_broken_internal  raises XX000 when given 0       -> no XX000 ...
--   fuzz_broken_write     writes a customer through a second connection
--                         (dblink), then raises 22023     -> nothing written ...
--   fuzz_broken_leak      raises a resource-leak WARNING  -> no resource-leak WARNING
--   fuzz_broken_public    executable by PUBLIC            -> a role with no grant gets 42501
--   fuzz_broken_terminate ends its own session for -1     -> no ... lost connection,
--                                                            server alive
CREATE EXTENSION IF NOT EXISTS dblink;

CREATE FUNCTION foodorder.fuzz_broken_internal(x bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF x = 0 THEN
        RAISE EXCEPTION 'unexpected state' USING ERRCODE = 'XX000';
    END IF;
END
$$;

CREATE FUNCTION foodorder.fuzz_broken_write(name text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.dblink_exec(
        format('dbname=%s host=%s port=%s user=%s', current_database(),
               split_part(current_setting('unix_socket_directories'), ',', 1),
               current_setting('port'), session_user),
        format('INSERT INTO foodorder.customer (name) VALUES (%L)', left(name, 20)));
    RAISE EXCEPTION 'refused after writing' USING ERRCODE = '22023';
END
$$;

CREATE FUNCTION foodorder.fuzz_broken_leak() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE WARNING 'relcache reference leak: relation "dish" not closed';
END
$$;

-- EXECUTE stays granted to PUBLIC (no REVOKE below)
CREATE FUNCTION foodorder.fuzz_broken_public() RETURNS integer
LANGUAGE sql AS $$ SELECT 1 $$;

CREATE FUNCTION foodorder.fuzz_broken_terminate(x integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF x = -1 THEN
        PERFORM pg_terminate_backend(pg_backend_pid());
    END IF;
END
$$;

REVOKE ALL ON FUNCTION foodorder.fuzz_broken_internal(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.fuzz_broken_write(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.fuzz_broken_leak() FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.fuzz_broken_terminate(integer) FROM PUBLIC;

ALTER EXTENSION foodorder ADD FUNCTION foodorder.fuzz_broken_internal(bigint);
ALTER EXTENSION foodorder ADD FUNCTION foodorder.fuzz_broken_write(text);
ALTER EXTENSION foodorder ADD FUNCTION foodorder.fuzz_broken_leak();
ALTER EXTENSION foodorder ADD FUNCTION foodorder.fuzz_broken_public();
ALTER EXTENSION foodorder ADD FUNCTION foodorder.fuzz_broken_terminate(integer);
