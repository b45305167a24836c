-- mallory's look-alikes of functions foodorder_router calls, for an
-- unpinned search_path to find first.
CREATE FUNCTION hostile.split_part(text, text, integer) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO hostile.ran (who) VALUES (current_user);
    RETURN pg_catalog.split_part($1, $2, $3);
END
$$;
CREATE FUNCTION hostile.format(text, text, text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO hostile.ran (who) VALUES (current_user);
    RETURN pg_catalog.format($1, $2, $3);
END
$$;
