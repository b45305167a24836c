-- The canteen's dinner menu and the 30 colleagues who order at 17:00.
-- Stock is small on purpose: the popular dishes sell out during the rush.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS foodorder CASCADE;
CREATE EXTENSION foodorder;

INSERT INTO foodorder.dish (name, price_cents, stock) VALUES
    ('Kung Pao chicken',          2800, 30),
    ('Mapo tofu',                 1800, 40),
    ('Twice-cooked pork',         3200, 15),
    ('Tomato and egg stir-fry',   1500, 40),
    ('Fish-fragrant aubergine',   1900, 20),
    ('Dan dan noodles',           1600, 30),
    ('Steamed rice',               200, 200),
    ('Sour plum drink',            600, 60);

INSERT INTO foodorder.customer (name)
SELECT 'colleague ' || g FROM generate_series(1, 30) AS g;

-- The application role, granted as the README shows: it orders for any
-- colleague and reads the menu and orders, and writes no table directly.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dinner_app') THEN
        CREATE ROLE dinner_app LOGIN;
    END IF;
END $$;
SELECT foodorder.grant_app('dinner_app');

-- The kitchen: staff of restaurant 1, the default one, where the dishes are.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dinner_kitchen') THEN
        CREATE ROLE dinner_kitchen LOGIN;
    END IF;
END $$;
SELECT foodorder.grant_staff('dinner_kitchen', 1);

CREATE TABLE IF NOT EXISTS public.rush_start AS SELECT pg_catalog.now() AS at WITH NO DATA;
