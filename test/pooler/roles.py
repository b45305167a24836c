"""Which callers of foodorder work through a PgBouncer transaction pool:
the checks of test/pooler/run that need several client connections held
open at once (psycopg2, the simple query protocol, like most drivers).

Environment (set by test/pooler/run):
  PGHOST PGPORT PGUSER  the server, direct; PGUSER a superuser
  POOLER_DB             a database with foodorder installed, nothing else
  POOLER_ROLE_PREFIX    prefix of the roles it creates (run drops them)
  POOLER_TX1            socket folder of a transaction pooler, pool size 1
  POOLER_SESSION1       socket folder of a session pooler, pool size 1
  POOLER_PORT           the poolers' port

Pool size 1: every client of one login role runs on the same server
connection, so what one client leaves on it, the next one gets; the checks
compare pg_backend_pid() to prove the connection is the same one.
Prints "  PASS  what: numbers" or "  FAIL  what: numbers" per check.
"""
import os
import sys
import traceback

import psycopg2

DB = os.environ['POOLER_DB']
OWNER = os.environ['PGUSER']
DIRECT = os.environ['PGHOST']
DIRECT_PORT = os.environ.get('PGPORT', '5432')
TX1 = os.environ['POOLER_TX1']
SESSION1 = os.environ['POOLER_SESSION1']
POOLER_PORT = os.environ['POOLER_PORT']
P = os.environ['POOLER_ROLE_PREFIX']
APP, GATEWAY = f'{P}_app', f'{P}_gateway'
C1, C2 = f'{P}_c1', f'{P}_c2'          # customer roles the gateway SETs
L1, L2 = f'{P}_login1', f'{P}_login2'  # customer roles that log in themselves

failures = 0


def report(ok, what, numbers):
    global failures
    print(f"  {'PASS' if ok else 'FAIL'}  {what}: {numbers}", flush=True)
    failures += 0 if ok else 1


def connect(host, user, db=DB, autocommit=True):
    port = DIRECT_PORT if host == DIRECT else POOLER_PORT
    conn = psycopg2.connect(host=host, port=port, dbname=db, user=user)
    conn.autocommit = autocommit
    return conn


def rows(conn, sql, *params):
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


def value(conn, sql, *params):
    return rows(conn, sql, *params)[0][0]


def sqlstate(conn, sql, *params):
    """None if sql succeeds, else its SQLSTATE (the transaction is rolled back)."""
    try:
        rows(conn, sql, *params)
        return None
    except psycopg2.Error as exc:
        if not conn.autocommit:
            conn.rollback()
        return exc.pgcode


def console(host, statement):
    """Rows as dicts of a statement on a pooler's admin console."""
    conn = connect(host, OWNER, db='pgbouncer')
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
            names = [c.name for c in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        conn.close()


def who(conn):
    """(backend pid, current_user) in one transaction; current_user is also
    the role foodorder acts for (foodorder.calling_role(), which only the
    owner may call)."""
    return tuple(rows(conn, 'SELECT pg_backend_pid(), current_user::text')[0])


def check(fn):
    """Run one check; an unexpected error is its failure, not the end."""
    try:
        fn()
    except Exception as exc:  # reported as the check's failure
        report(False, fn.__doc__.strip().splitlines()[0], f'{type(exc).__name__}: {exc}')
        traceback.print_exc(file=sys.stdout)


# --- set-up, direct, as the owner ---------------------------------------
owner = connect(DIRECT, OWNER)
dish = value(owner, "SELECT foodorder.add_dish(1, 'Dumplings', 900, 1000)")
rice = value(owner, "SELECT foodorder.add_dish(1, 'Rice', 200, 1000)")
cust = {n: value(owner, 'SELECT foodorder.add_customer(%s)', f'customer {n}') for n in (1, 2, 3, 4)}
for sql in (f'CREATE ROLE {APP} LOGIN',
            f'CREATE ROLE {GATEWAY} LOGIN NOINHERIT',  # no rights until it SETs a role
            f'CREATE ROLE {C1}', f'CREATE ROLE {C2}',
            f'GRANT {C1}, {C2} TO {GATEWAY}',
            f'CREATE ROLE {L1} LOGIN', f'CREATE ROLE {L2} LOGIN'):
    rows(owner, sql)
rows(owner, 'SELECT foodorder.grant_app(%s)', APP)
for role, n in ((C1, 1), (C2, 2), (L1, 3), (L2, 4)):
    rows(owner, 'SELECT foodorder.grant_customer(%s, %s)', role, cust[n])


def stock(d):
    return value(owner, 'SELECT stock FROM foodorder.dish WHERE id = %s', d)


def place(customer, d=None):
    return f'SELECT foodorder.place_order({customer}, ARRAY[{d or dish}]::bigint[], ARRAY[1])'


def app_role():
    """an app role orders, reads its cart and orders, pays and cancels through the transaction pool"""
    before = stock(dish), stock(rice)
    app = connect(TX1, APP)   # autocommit: every call its own transaction
    me = value(app, "SELECT foodorder.add_customer('Ada')")
    home = value(app, "SELECT foodorder.add_address(%s, '1 Main St', 'home')", me)
    rows(app, 'SELECT foodorder.cart_set(%s, %s, 2)', me, dish)
    cart = rows(app, 'SELECT dish_id, quantity FROM foodorder.cart(%s)', me)
    first = value(app, "SELECT foodorder.place_order_from_cart(%s, %s, 'wechat', 'k1')", me, home)
    cart_after = rows(app, 'SELECT dish_id FROM foodorder.cart(%s)', me)
    again = value(app, "SELECT foodorder.place_order_from_cart(%s, request_key => 'k1')", me)
    second = value(app, 'SELECT foodorder.place_order(%s, %s, ARRAY[1, 1])', me, [dish, rice])
    listed = [r[0] for r in rows(app, 'SELECT id FROM foodorder.customer_orders(%s)', me)]
    seen = value(app, 'SELECT count(*) FROM foodorder.orders WHERE customer_id = %s', me)
    paid = value(app, 'SELECT foodorder.mark_paid(%s)', first)
    cancelled = value(app, 'SELECT foodorder.cancel_order(%s)', second)
    after = stock(dish), stock(rice)
    servers = [s for s in console(TX1, 'SHOW SERVERS') if s['user'] == APP and s['database'] == DB]
    app.close()
    bad = value(owner, 'SELECT count(*) FROM foodorder.verify()')
    ok = (cart == [(dish, 2)] and cart_after == [] and again == first
          and listed == [second, first] and seen == 2 and paid and cancelled
          and after == (before[0] - 2, before[1]) and bad == 0 and len(servers) == 1)
    report(ok, 'app role through the transaction pool: order, cart, request-key retry, '
               'customer_orders, mark_paid, cancel',
           f'orders {first}, {second}; retry gave {again}; listed {listed}; stock '
           f'{before} -> {after}; verify() {bad} rows; pooler server connections of the '
           f'app role {len(servers)}')


gateway_pid = None


def gateway_set_local_role():
    """a gateway login role with SET LOCAL ROLE acts as that customer, and only as that customer"""
    global gateway_pid
    g = connect(TX1, GATEWAY, autocommit=False)
    try:
        denied_bare = sqlstate(g, place(cust[1]))      # no role set: the gateway may do nothing
        g.rollback()
        rows(g, f'SET LOCAL ROLE {C1}')
        pid, user = who(g)
        order = value(g, place(cust[1]))
        mine = [r[0] for r in rows(g, 'SELECT id FROM foodorder.customer_orders(%s)', cust[1])]
        g.commit()
        rows(g, f'SET LOCAL ROLE {C1}')
        other = sqlstate(g, place(cust[2]))             # rolls back
        rows(g, f'SET LOCAL ROLE {C1}')
        visible = rows(g, 'SELECT count(*), count(*) FILTER (WHERE customer_id <> %s)'
                          ' FROM foodorder.orders', cust[1])[0]
        g.rollback()
    finally:
        g.close()
    gateway_pid = pid
    total = value(owner, 'SELECT count(*) FROM foodorder.orders')
    ok = (denied_bare == '42501' and user == C1 and order in mine
          and other == '42501' and visible[0] >= 1 and visible[1] == 0 and total > visible[0])
    report(ok, 'gateway: BEGIN; SET LOCAL ROLE customer role; ... acts as that customer',
           f'without SET: {denied_bare}; as {user} placed order '
           f'{order}; another customer: {other}; sees {visible[0]} of {total} orders, '
           f'{visible[1]} of others')


def set_local_role_does_not_leak():
    """SET LOCAL ROLE ends with its transaction: the next transaction on the same server connection is the gateway again"""
    g1 = connect(TX1, GATEWAY, autocommit=False)
    g2 = connect(TX1, GATEWAY)
    try:
        rows(g1, f'SET LOCAL ROLE {C1}')
        pid1, user1 = who(g1)
        g1.commit()
        pid2, user2 = who(g2)                        # another client, g1 still connected
        denied = sqlstate(g2, place(cust[1]))
        g1.autocommit = True
        pid3, user3 = who(g1)                        # g1's own next transaction
    finally:
        g1.close()
        g2.close()
    ok = (user1 == C1 and pid1 == pid2 == pid3 and user2 == user3 == GATEWAY
          and denied == '42501')
    report(ok, 'SET LOCAL ROLE does not leak to the next transaction on the server connection',
           f'backend pid {pid1}, {pid2}, {pid3} (pool size 1); roles {user1} -> '
           f'{user2}, {user3}; the next client ordering for customer 1: {denied}')


def session_set_role_leaks():
    """hazard: a session SET ROLE of one client is in force in another client's transaction"""
    g1 = connect(TX1, GATEWAY)
    g2 = connect(TX1, GATEWAY)
    try:
        rows(g1, f'SET ROLE {C1}')                     # session level, its own transaction
        pid1 = value(g1, 'SELECT pg_backend_pid()')
        pid2, user2 = who(g2)                          # the other client, who set nothing
        order = value(g2, place(cust[1]))              # orders as customer 1
        rows(g2, 'RESET ROLE')                         # clean the shared connection
        _, user_after = who(g2)
    finally:
        g1.close()
        g2.close()
    ok = pid1 == pid2 and user2 == C1 and order is not None and user_after == GATEWAY
    report(ok, 'hazard shown: a session-level SET ROLE of one client is in force in another '
               "client's transaction on the same server connection",
           f'backend pid {pid1} = {pid2}; the other client runs as {user2} and placed order '
           f'{order} for customer 1; after RESET ROLE: {user_after}')


def session_pooling():
    """session pooling: SET ROLE lasts the client's session; the pooler's DISCARD ALL ends it"""
    s1 = connect(SESSION1, GATEWAY)
    try:
        rows(s1, f'SET ROLE {C1}')
        pid1, user1 = who(s1)
        order = value(s1, place(cust[1]))
        other = sqlstate(s1, place(cust[2]))
    finally:
        s1.close()
    s2 = connect(SESSION1, GATEWAY)   # waits for the only server connection, reset
    try:
        pid2, user2 = who(s2)
        denied = sqlstate(s2, place(cust[1]))
    finally:
        s2.close()
    ok = (user1 == C1 and order is not None and other == '42501' and pid1 == pid2
          and user2 == GATEWAY and denied == '42501')
    report(ok, 'session pooling: SET ROLE for the whole client session, gone for the next client',
           f'as {user1}: order {order}, another customer {other}; backend pid {pid1} = {pid2}, '
           f'next client runs as {user2}, ordering for customer 1: {denied}')


def login_roles():
    """per-customer LOGIN roles work through a transaction pool: one pool (and server connection) per role"""
    l1 = connect(TX1, L1)
    l2 = connect(TX1, L2)
    try:
        seen = []
        for _ in range(3):  # alternating transactions of the two clients
            seen.append((who(l1), who(l2)))
        own1, other1 = value(l1, place(cust[3])), sqlstate(l1, place(cust[4]))
        own2, other2 = value(l2, place(cust[4])), sqlstate(l2, place(cust[3]))
        pools = [p for p in console(TX1, 'SHOW POOLS') if p['database'] == DB]
    finally:
        l1.close()
        l2.close()
    pids1 = {s[0][0] for s in seen}
    pids2 = {s[1][0] for s in seen}
    users = {s[0][1] for s in seen} | {s[1][1] for s in seen}
    # server connections in any state (active, idle, used, tested, login...)
    by_user = {p['user']: sum(v for k, v in p.items() if k.startswith('sv_')) for p in pools}
    ok = (len(pids1) == 1 and len(pids2) == 1 and pids1 != pids2 and gateway_pid not in pids1 | pids2
          and users == {L1, L2} and own1 and own2 and other1 == other2 == '42501'
          and by_user.get(L1, 0) >= 1 and by_user.get(L2, 0) >= 1)
    report(ok, 'per-customer LOGIN roles through the transaction pool: each its own pool, '
               'own customer only',
           f'backend pids {sorted(pids1)} and {sorted(pids2)} (gateway {gateway_pid}); orders '
           f'{own1}, {own2}; the other customer {other1}, {other2}; pools for {DB}: '
           f'{len(pools)} ({", ".join(f"{u}: {n} server" for u, n in sorted(by_user.items()))})')


for fn in (app_role, gateway_set_local_role, set_local_role_does_not_leak,
           session_set_role_leaks, session_pooling, login_roles):
    check(fn)
owner.close()
sys.exit(1 if failures else 0)
