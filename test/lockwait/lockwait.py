"""foodorder lock-wait test: calls stuck behind a transaction left open.
Run by test/lockwait/run, which sets up the databases; see there.

A holder calls foodorder in a transaction and leaves it open (BEGIN;
SELECT foodorder.place_order(...); and nothing more), as a customer role
could: it holds dish rows, a hot dish's slot, an order, a cart or a
request key until it ends.  Then a victim, as the role that would make
that call, calls what must wait for it, in a session of its own with no
lock_timeout set (PostgreSQL's default, 0).  The test database has
foodorder.lock_wait_timeout = 1s (ALTER DATABASE), so each victim must

  - end with 55P03, "timed out waiting for dish 7" (or the order, the cart,
    the request key it waited for), the detail saying it waited 1s, and
    the hint to retry (with the same request key, for an order);
  - have waited at least the bound: it ends no earlier than 1 s after it
    was sent (measured by the client, so never shorter than the server's
    wait), and while the holder still holds (the holder's transaction is
    still open, same xid), so it was the bound that ended it; the upper
    side is only a generous bound (LOCKWAIT_GENEROUS, 60 s) after which
    the call is cancelled and the check fails: it never hangs the suite;
  - have written nothing: orders, lines, dishes, slots, carts and both logs
    equal, row for row, to before the call;
  - leave the session's lock_timeout as it was.

Then: a caller's own lock_timeout longer than the bound does not lift it,
a shorter one wins (the detail names it); a customer cannot lift the
bound with SET (a placeholder set before the library loads is refused when
it loads, and SET after it is 42501); the caller's lock_timeout is
unchanged after each kind of call, also inside a transaction, with SET
LOCAL and after an error caught by a savepoint; a role for which the DBA
turned the bound off (ALTER ROLE ... SET foodorder.lock_wait_timeout = 0)
is still waiting, seen in pg_stat_activity and pg_blocking_pids(), at
three times the bound, and its order is placed when the holder commits;
and in a database without the setting the default, 5s, applies.
"""
import os
import sys
import threading
import time

import psycopg2

DB = os.environ["LOCKWAIT_DB"]
DEFAULT_DB = os.environ["LOCKWAIT_DEFAULT_DB"]
APP = os.environ["LOCKWAIT_APP_ROLE"]
CUSTOMER = os.environ["LOCKWAIT_CUSTOMER_ROLE"]
STAFF = os.environ["LOCKWAIT_STAFF_ROLE"]
OFF = os.environ["LOCKWAIT_OFF_ROLE"]
GENEROUS = float(os.environ.get("LOCKWAIT_GENEROUS", "60"))
BOUND = 1.0             # seconds: the test database's foodorder.lock_wait_timeout
DEFAULT_BOUND = 5.0     # the setting's default

TABLES = ["orders", "order_item", "dish", "dish_slot", "stock_change", "status_change",
          "cart_item"]
ORDER_HINT = "Retry with the same request key."
CALL_HINT = "Retry the call."


class Fail(Exception):
    """The check failed."""


def detail_for(waited):
    return ("It waited %s, as long as foodorder.lock_wait_timeout or the caller's shorter"
            " lock_timeout allows; nothing was written." % waited)


def connect(user=None, db=DB):
    kwargs = {"dbname": db}
    if user:
        kwargs["user"] = user
    conn = psycopg2.connect(**kwargs)
    conn.autocommit = True
    return conn


def one(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone() if cur.description else None
        return row[0] if row else None


def snapshot(conn):
    """Every table a call writes, row for row (count and digest)."""
    state = {}
    for t in TABLES:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                        " FROM foodorder.%s t" % t)
            state[t] = cur.fetchone()
    return state


def changed(before, after):
    return ", ".join("%s %s -> %s rows" % (t, before[t][0], after[t][0])
                     for t in TABLES if before[t] != after[t])


class Call(threading.Thread):
    """One statement of a session, run in a thread of its own."""

    def __init__(self, conn, sql):
        super().__init__(daemon=True)
        self.conn, self.sql = conn, sql
        self.result = self.error = None
        self.elapsed = None
        self.started = None

    def run(self):
        self.started = time.monotonic()
        try:
            self.result = one(self.conn, self.sql)
        except psycopg2.Error as e:
            self.error = e
        finally:
            self.elapsed = time.monotonic() - self.started


def call(obs, conn, sql):
    """Run sql in conn, within the generous bound: the Call.  A call still
    running then is cancelled, and the check fails."""
    pid = conn.get_backend_pid()
    c = Call(conn, sql)
    c.start()
    c.join(GENEROUS)
    if c.is_alive():
        one(obs, "SELECT pg_cancel_backend(%s)", (pid,))
        c.join(GENEROUS)
        raise Fail("%s had not ended after %ds (cancelled)" % (sql, GENEROUS))
    return c


class Holder:
    """A session that ran its statements in a transaction and left it open."""

    def __init__(self, obs, user, *statements, db=DB):
        self.obs = obs
        self.conn = connect(user, db)
        self.pid = self.conn.get_backend_pid()
        one(self.conn, "BEGIN")
        for s in statements:
            one(self.conn, s)
        self.xid = one(obs, "SELECT backend_xid::text FROM pg_stat_activity WHERE pid = %s",
                       (self.pid,))
        if self.xid is None:
            raise Fail("the holder (%s) has no transaction id" % "; ".join(statements))

    def still_holds(self):
        """Its transaction is still open: the same one, idle in it."""
        state, xid = None, None
        with self.obs.cursor() as cur:
            cur.execute("SELECT state, backend_xid::text FROM pg_stat_activity WHERE pid = %s",
                        (self.pid,))
            row = cur.fetchone()
            if row:
                state, xid = row
        return state == "idle in transaction" and xid == self.xid

    def end(self, how="ROLLBACK"):
        one(self.conn, how)
        self.conn.close()


def gives_up(obs, role, sql, what, hint, holder, settings=(), waited="1s", bound=BOUND,
             lock_timeout_after="0", db=DB):
    """A call that must wait for what holder holds and give up with 55P03
    naming what; checks everything in the module's docstring."""
    before = snapshot(obs)
    victim = connect(role, db)
    try:
        for s in settings:
            one(victim, s)
        c = call(obs, victim, sql)
        problems = []
        e = c.error
        if e is None:
            raise Fail("it did not fail: returned %s after %.2fs" % (c.result, c.elapsed))
        if e.pgcode != "55P03":
            problems.append("SQLSTATE %s: %s" % (e.pgcode, e.diag.message_primary))
        if e.diag.message_primary != "timed out waiting for %s" % what:
            problems.append("message %r" % e.diag.message_primary)
        if e.diag.message_detail != detail_for(waited):
            problems.append("detail %r" % e.diag.message_detail)
        if e.diag.message_hint != hint:
            problems.append("hint %r" % e.diag.message_hint)
        if c.elapsed < bound:
            problems.append("it ended after %.2fs, before the bound of %gs" % (c.elapsed, bound))
        if not holder.still_holds():
            problems.append("the holder no longer holds (it was not the bound that ended the call)")
        after = snapshot(obs)
        if before != after:
            problems.append("written: %s" % changed(before, after))
        lt = one(victim, "SHOW lock_timeout")
        if lt != lock_timeout_after:
            problems.append("the session's lock_timeout is %s after the call, was %s"
                            % (lt, lock_timeout_after))
        if problems:
            raise Fail("; ".join(problems))
        return "55P03 %r after %.2fs, holder still holding; nothing written; lock_timeout %s after" % (
            e.diag.message_primary, c.elapsed, lt)
    finally:
        victim.close()


class Suite:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, fn):
        try:
            notes = fn()
            print("  PASS  %s: %s" % (name, notes), flush=True)
            self.passed += 1
        except Exception as e:  # Fail, or anything unforeseen
            kind = "" if isinstance(e, Fail) else type(e).__name__ + ": "
            print("  FAIL  %s: %s%s" % (name, kind, str(e).strip()), flush=True)
            self.failed += 1


def main():
    obs = connect()
    s = Suite()
    soup_order = one(obs, "SELECT id FROM foodorder.orders WHERE request_key = 'soup'")
    bread_order = one(obs, "SELECT id FROM foodorder.orders WHERE request_key = 'bread'")

    # A customer orders soup, dumplings (hot: one slot) and tea, and leaves
    # the transaction open; an app session takes the noodles' one slot
    # with 2 portions (slot 0) the same way.
    h1 = Holder(obs, CUSTOMER, "SELECT foodorder.place_order(1, ARRAY[1, 2, 7], ARRAY[1, 1, 1])")
    h2 = Holder(obs, APP, "SELECT foodorder.place_order(1, ARRAY[4], ARRAY[2])")
    try:
        s.check("place_order of a plain dish (app role, lock_timeout 0)", lambda: gives_up(
            obs, APP, "SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1], request_key => 'k1')",
            "dish 1", ORDER_HINT, h1))
        s.check("place_order of a hot dish needing the whole dish, one slot held", lambda: gives_up(
            obs, APP, "SELECT foodorder.place_order(2, ARRAY[2], ARRAY[100])",
            "dish 2", ORDER_HINT, h1))
        s.check("place_order of a hot dish waiting for the one slot with the portions", lambda: gives_up(
            obs, APP, "SELECT foodorder.place_order(3, ARRAY[4], ARRAY[2])",
            "dish 4", ORDER_HINT, h2))
        s.check("place_order names the held dish 7 after bread and missing dish 6", lambda: gives_up(
            obs, APP, "SELECT foodorder.place_order(2, ARRAY[7, 6, 3], ARRAY[1, 1, 1])",
            "dish 7", ORDER_HINT, h1))
        s.check("place_order_from_cart (soup and bread in the cart)", lambda: gives_up(
            obs, APP, "SELECT foodorder.place_order_from_cart(3, request_key => 'cart')",
            "dish 1", ORDER_HINT, h1))
        s.check("restock (staff)", lambda: gives_up(
            obs, STAFF, "SELECT foodorder.restock(1, 5)", "dish 1", CALL_HINT, h1))
        s.check("cancel_order of an order of the dish (app)", lambda: gives_up(
            obs, APP, "SELECT foodorder.cancel_order(%d)" % soup_order, "dish 1", CALL_HINT, h1))
        s.check("expire_orders (owner)", lambda: gives_up(
            obs, None, "SELECT foodorder.expire_orders('0 seconds')", "dish 1", CALL_HINT, h1))
        s.check("open_day (staff)", lambda: gives_up(
            obs, STAFF, "SELECT foodorder.open_day(1)", "dish 1", CALL_HINT, h1))
        s.check("set_price (staff)", lambda: gives_up(
            obs, STAFF, "SELECT foodorder.set_price(7, 110)", "dish 7", CALL_HINT, h1))
        s.check("set_hot of a held plain dish (staff)", lambda: gives_up(
            obs, STAFF, "SELECT foodorder.set_hot(1)", "dish 1", CALL_HINT, h1))
        s.check("set_hot(false) of a hot dish with a held slot (staff)", lambda: gives_up(
            obs, STAFF, "SELECT foodorder.set_hot(2, false)", "dish 2", CALL_HINT, h1))
        s.check("a caller's longer lock_timeout (30s) does not lift the bound", lambda: gives_up(
            obs, APP, "SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1])", "dish 1", ORDER_HINT,
            h1, settings=["SET lock_timeout = '30s'"], lock_timeout_after="30s"))
        s.check("a caller's shorter lock_timeout (300ms) wins", lambda: gives_up(
            obs, APP, "SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1])", "dish 1", ORDER_HINT,
            h1, settings=["SET lock_timeout = '300ms'"], waited="300ms", bound=0.3,
            lock_timeout_after="300ms"))

        def customer_cannot_lift():
            # a fresh session: the library is not loaded yet, so SET makes
            # a placeholder, which the library refuses when it loads
            victim = connect(CUSTOMER)
            try:
                one(victim, "SET foodorder.lock_wait_timeout = 0")
                c = call(obs, victim, "SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])")
                warned = [n for n in victim.notices
                          if 'permission denied to set parameter "foodorder.lock_wait_timeout"' in n]
                e = c.error
                if e is None or e.pgcode != "55P03" or c.elapsed < BOUND \
                        or e.diag.message_detail != detail_for("1s") or not warned:
                    raise Fail("after SET foodorder.lock_wait_timeout = 0 before the library loaded:"
                               " %s after %.2fs, warnings %s" % (
                                   e.pgcode + " " + e.diag.message_primary if e else c.result,
                                   c.elapsed, victim.notices))
                try:
                    one(victim, "SET foodorder.lock_wait_timeout = 0")
                    raise Fail("SET foodorder.lock_wait_timeout = 0 worked once the library was loaded")
                except psycopg2.Error as e2:
                    if e2.pgcode != "42501":
                        raise Fail("SET once the library was loaded: %s %s"
                                   % (e2.pgcode, e2.diag.message_primary))
                return ("placeholder refused on load (WARNING), the order still gave up after"
                        " %.2fs; SET afterwards: 42501" % c.elapsed)
            finally:
                victim.close()
        s.check("a customer cannot lift the bound with SET", customer_cannot_lift)

        def request_key():
            h3 = Holder(obs, APP, "SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1],"
                                  " request_key => 'same')")
            try:
                return gives_up(obs, APP, "SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1],"
                                          " request_key => 'same')",
                                'the order with request key "same" of customer 2', ORDER_HINT, h3)
            finally:
                h3.end()
        s.check("place_order repeating a request key another open transaction used", request_key)

        def order_row():
            h4 = Holder(obs, STAFF, "SELECT foodorder.accept_order(%d)" % bread_order)
            try:
                return gives_up(obs, APP, "SELECT foodorder.cancel_order(%d)" % bread_order,
                                "order %d" % bread_order, CALL_HINT, h4)
            finally:
                h4.end()
        s.check("cancel_order of an order another open transaction is accepting", order_row)

        def cart():
            h5 = Holder(obs, APP, "SELECT foodorder.cart_set(3, 3, 2)")
            try:
                return gives_up(obs, APP, "SELECT foodorder.place_order_from_cart(3)",
                                "the cart of customer 3", ORDER_HINT, h5)
            finally:
                h5.end()
        s.check("place_order_from_cart of a cart another open transaction changes", cart)

        def lock_timeout_kept():
            seen = []
            problems = []

            def session(role, statements):
                """Run (statement, expected) pairs: "ok", a SQLSTATE, or for
                SHOW the value."""
                conn = connect(role)
                try:
                    last = None
                    for sql, want in statements:
                        c = call(obs, conn, sql)
                        if c.error is not None:
                            got = c.error.pgcode
                        else:
                            got = c.result if sql.startswith("SHOW") else "ok"
                        if sql.startswith("SHOW"):
                            seen.append("%s:%s" % (last, got))
                        else:
                            last = sql.split("(")[0].replace("SELECT foodorder.", "")
                        if got != want:
                            problems.append("%s as %s: %s, expected %s" % (sql, role, got, want))
                finally:
                    conn.close()

            show0 = ("SHOW lock_timeout", "0")
            show7 = ("SHOW lock_timeout", "7s")
            session(APP, [
                ("BEGIN", "ok"),
                ("SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1])", "ok"), show0,
                ("SELECT foodorder.cancel_order(%d)" % bread_order, "ok"), show0,
                ("SAVEPOINT s", "ok"),
                ("SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1])", "55P03"),
                ("ROLLBACK TO s", "ok"), show0,
                ("SET LOCAL lock_timeout = '7s'", "ok"),
                ("SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1])", "ok"), show7,
                ("SAVEPOINT s", "ok"),
                ("SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1])", "55P03"),
                ("ROLLBACK TO s", "ok"), show7,
                ("ROLLBACK", "ok"), show0])
            session(STAFF, [
                ("BEGIN", "ok"),
                ("SELECT foodorder.restock(3, 1)", "ok"), show0,
                ("SELECT foodorder.set_price(3, 130)", "ok"), show0,
                ("SELECT foodorder.set_hot(3)", "ok"), show0,
                ("SELECT foodorder.set_hot(3, false)", "ok"), show0,
                ("SELECT foodorder.open_day(2)", "ok"), show0,
                ("SAVEPOINT s", "ok"),
                ("SELECT foodorder.open_day(1)", "55P03"),
                ("ROLLBACK TO s", "ok"), show0,
                ("ROLLBACK", "ok")])
            if problems:
                raise Fail("; ".join(problems))
            return ("SHOW lock_timeout after each call, in a transaction, with SET LOCAL and after"
                    " a 55P03 rolled back to a savepoint: %s" % " ".join(seen))
        s.check("the caller's lock_timeout is unchanged after each call", lock_timeout_kept)

        def bound_off():
            h6 = Holder(obs, CUSTOMER, "SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1])")
            victim = connect(OFF)
            vpid = victim.get_backend_pid()
            try:
                setting = one(victim, "SHOW foodorder.lock_wait_timeout")
                c = Call(victim, "SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1])")
                c.start()
                c.join(3 * BOUND)
                waiting = one(obs, "SELECT wait_event_type || ' ' || wait_event FROM pg_stat_activity"
                                   " WHERE pid = %s AND wait_event_type = 'Lock'", (vpid,))
                blockers = one(obs, "SELECT pg_blocking_pids(%s)", (vpid,))
                alive = c.is_alive()
                h6.end("COMMIT")
                c.join(GENEROUS)
                if c.is_alive():
                    one(obs, "SELECT pg_cancel_backend(%s)", (vpid,))
                    c.join(GENEROUS)
                    raise Fail("still waiting %ds after the holder committed" % GENEROUS)
                if setting != "0" or not alive or not waiting or blockers != [h6.pid] \
                        or c.error is not None:
                    raise Fail("foodorder.lock_wait_timeout %s; at %gs: %s, %s, blocked by %s"
                               " (holder %s); then %s" % (
                                   setting, 3 * BOUND, "running" if alive else "ended",
                                   waiting or "not waiting for a lock", blockers, h6.pid,
                                   c.error.pgcode if c.error else "order %s" % c.result))
                return ("still waiting at %gs (%s, blocked by the holder); order %s placed when"
                        " the holder committed" % (3 * BOUND, waiting, c.result))
            finally:
                victim.close()
        s.check("foodorder.lock_wait_timeout = 0 (ALTER ROLE ... SET) turns the bound off", bound_off)
    finally:
        h1.end()
        h2.end()

    def default_bound():
        dobs = connect(db=DEFAULT_DB)
        try:
            one(dobs, "LOAD 'foodorder'")
            with dobs.cursor() as cur:
                cur.execute("SELECT boot_val, source, setting FROM pg_settings"
                            " WHERE name = 'foodorder.lock_wait_timeout'")
                row = cur.fetchone()
            if row is None:
                raise Fail("the library defines no foodorder.lock_wait_timeout")
            boot, source, value = row
            if (boot, source, value) != ("5000", "default", "5000"):
                raise Fail("foodorder.lock_wait_timeout: boot_val %s, source %s, setting %s;"
                           " expected 5000, default, 5000" % (boot, source, value))
            h = Holder(dobs, None, "SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])", db=DEFAULT_DB)
            try:
                return "boot value 5000 ms in force; " + gives_up(
                    dobs, None, "SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])", "dish 1",
                    ORDER_HINT, h, waited="5s", bound=DEFAULT_BOUND, db=DEFAULT_DB)
            finally:
                h.end()
        finally:
            dobs.close()
    s.check("the default bound, 5s, in a database that does not set it", default_bound)

    def verified():
        rows = one(obs, "SELECT count(*) FROM foodorder.verify()")
        if rows != 0:
            raise Fail("%s rows" % rows)
        return "0 rows"
    s.check("foodorder.verify() is empty after all checks", verified)
    print("lockwait: %d passed, %d failed" % (s.passed, s.failed))
    return 0 if s.failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # no connection, say: still end with the count
        print("  FAIL  lockwait test could not go on: %s: %s" % (type(e).__name__, str(e).strip()))
        print("lockwait: 0 passed, 1 failed")
        sys.exit(1)
