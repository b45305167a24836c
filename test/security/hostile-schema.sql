-- A schema of mallory's that anyone may write a row into: her functions
-- note there whoever ran them.
CREATE SCHEMA hostile AUTHORIZATION mallory;
CREATE TABLE hostile.ran (who name, at timestamptz DEFAULT now());
ALTER TABLE hostile.ran OWNER TO mallory;
GRANT USAGE ON SCHEMA hostile TO PUBLIC;
GRANT INSERT ON hostile.ran TO PUBLIC;
