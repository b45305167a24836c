"""foodorder interrupted calls: statement_timeout, lock_timeout,
pg_cancel_backend and pg_terminate_backend hitting place_order,
place_order_from_cart, cancel_order and open_day, while they wait for a
dish lock and while they hold one.  Run by test/interrupt/run, which sets
up the database; see there.

Every call here locks dish 1, then dish 2 (ascending id order), then
writes.  Each case pauses the victim call at one of two points:

  wait  another session holds dish 2 (SELECT ... FOR NO KEY UPDATE in an
        open transaction): the victim holds dish 1 and waits for dish 2;
  hold  another session holds a SHARE lock on the table the call writes
        next (order_item for the orders, stock_change for cancel_order and
        open_day): the victim holds both dishes and waits for that table.

The victim is a psql session of the app role (the staff role for
open_day), watched and interrupted from psycopg2 connections of the
superuser.  It is seen blocked by polling pg_stat_activity; what it
holds and waits for is shown with pgrowlocks and pg_blocking_pids(), and a third
session's NOWAIT lock of a held dish fails.  Then the interruption, and the
checks: the documented SQLSTATE; nothing written (orders, order_item,
dish, stock_change, status_change, cart_item, restaurant and customer as
before, row for row);
the dishes free (a NOWAIT lock succeeds at once); in the same session
after a cancel or a timeout, the planner settings foodorder changes for
its write statements (kept_plan.c) as before, and the same call succeeding
at once; after terminate, the same call succeeding in a new session.

Half the cases run in a fresh backend (the statements foodorder keeps are
prepared during the call, so the lock wait is in the parser) and half in a
warm one (kept plans, so the wait is in the executor).

A timeout fires on its own clock: if it fired before the blocked state was
shown, the case is run again with a longer timeout (up to 3 times); a
verdict never rests on a timeout firing at a particular moment.
"""
import os
import re
import subprocess
import sys
import threading
import time

import psycopg2

DB = os.environ["INTERRUPT_DB"]
APP = os.environ["INTERRUPT_APP_ROLE"]
STAFF = os.environ["INTERRUPT_STAFF_ROLE"]
BOUND = float(os.environ.get("INTERRUPT_BOUND", "120"))
TIMEOUTS_MS = [1000, 4000, 16000]

TABLES = ["orders", "order_item", "dish", "stock_change", "status_change", "cart_item",
          "restaurant", "customer"]

# function: (role, SQL of the call, table it writes after locking the dishes)
FUNCTIONS = {
    "place_order": (APP, "SELECT foodorder.place_order(2, ARRAY[2, 1], ARRAY[1, 1])", "order_item"),
    "place_order_from_cart": (APP, "SELECT foodorder.place_order_from_cart(1)", "order_item"),
    "cancel_order": (APP, "SELECT foodorder.cancel_order(%(order)s)", "stock_change"),
    "open_day": (STAFF, "SELECT foodorder.open_day(1)", "stock_change"),
}
# interruption: SQLSTATE the victim must get
INTERRUPTIONS = {
    "statement_timeout": "57014",
    "lock_timeout": "55P03",
    "pg_cancel_backend": "57014",
    "pg_terminate_backend": "57P01",
}
PHASES = ["wait", "hold"]


class Fail(Exception):
    """The case failed."""


class Retry(Exception):
    """A timeout fired too early to show where the call was: run it again."""


def connect(user=None):
    conn = psycopg2.connect(dbname=DB, user=user) if user else psycopg2.connect(dbname=DB)
    conn.autocommit = True
    return conn


def one(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone() if cur.description else None
        return row[0] if row else None


def wait_until(what, cond):
    start = time.monotonic()
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() - start > BOUND:
            raise Fail("gave up after %ds waiting for %s" % (BOUND, what))
        time.sleep(0.02)


def snapshot(conn):
    """Every table the calls write, row for row (count and digest)."""
    state = {}
    for t in TABLES:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                        " FROM foodorder.%s t" % t)
            state[t] = cur.fetchone()
    return state


def nowait_lock(conn, dishes):
    """Lock the dishes NOWAIT in a transaction rolled back at once: None if
    it worked, else the SQLSTATE."""
    try:
        with conn.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("SELECT id FROM foodorder.dish WHERE id = ANY (%s)"
                        " ORDER BY id FOR NO KEY UPDATE NOWAIT", (dishes,))
            return None
    except psycopg2.Error as e:
        return e.pgcode
    finally:
        one(conn, "ROLLBACK")


def dishes_locked_by(conn, pid):
    with conn.cursor() as cur:
        # The lock an update of stock takes, not the key-share lock of a
        # foreign-key check; by transaction id, which also finds a lock
        # taken in a subtransaction (pgrowlocks' pids do not).
        cur.execute("SELECT array_agg(DISTINCT d.id) FROM foodorder.dish d"
                    " JOIN pgrowlocks('foodorder.dish') p ON p.locked_row = d.ctid,"
                    " unnest(p.xids, p.modes) AS l(xid, mode)"
                    " WHERE l.mode IN ('For No Key Update', 'For Update', 'No Key Update', 'Update')"
                    " AND EXISTS (SELECT FROM pg_locks k WHERE k.locktype = 'transactionid'"
                    "             AND k.transactionid = l.xid AND k.pid = %s AND k.granted)", (pid,))
        return cur.fetchone()[0] or []


class Session:
    """A psql session of the given role, fed one statement at a time.

    The victims are psql sessions rather than psycopg2 connections: when a
    backend is terminated, psycopg2 reports only "server closed the
    connection unexpectedly", while libpq did receive the FATAL error with
    SQLSTATE 57P01 first, and psql prints it (VERBOSITY verbose)."""

    def __init__(self, role):
        self.proc = subprocess.Popen(
            ["psql", "-X", "-q", "-At", "-v", "VERBOSITY=verbose", "-U", role, "-d", DB],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1)
        self.stderr = []
        self.err_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.err_reader.start()
        self.pid = int(self.run("SELECT pg_backend_pid()"))

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    def call(self, sql):
        """Run one statement: (SQLSTATE, output); SQLSTATE 00000 on success,
        the FATAL's SQLSTATE (or None) if the connection was lost."""
        self.proc.stdin.write("%s;\n\\echo __end__ :SQLSTATE\n" % sql)
        self.proc.stdin.flush()
        out = []
        for line in self.proc.stdout:
            if line.startswith("__end__ "):
                return line.split()[1], "\n".join(out)
            out.append(line.rstrip("\n"))
        # psql exits when the connection is lost; the FATAL is on stderr
        self.proc.wait(BOUND)
        self.err_reader.join(BOUND)
        fatal = [m.group(1) for m in (re.search(r"FATAL:  ([0-9A-Z]{5}):", l) for l in self.stderr) if m]
        return (fatal[0] if fatal else None), "\n".join(out)

    def run(self, sql):
        """Run a statement that must succeed, within the bound; its output."""
        t = Victim(self, sql)
        t.start()
        t.join(BOUND)
        if t.is_alive():
            raise Fail("%s did not end within %ds" % (sql, BOUND))
        state, out = t.state, t.output
        if state != "00000":
            raise Fail("%s failed with %s: %s" % (sql, state, " ".join(self.stderr[-3:])))
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(BOUND)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Victim(threading.Thread):
    """Runs one call of a session in its own thread."""

    def __init__(self, session, sql):
        super().__init__(daemon=True)
        self.session, self.sql = session, sql
        self.state = self.output = None

    def run(self):
        self.state, self.output = self.session.call(self.sql)


def run_case(obs, func, phase, how, warm, timeout_ms):
    """One case; returns a description of what was shown, raises Fail."""
    role, sql_template, next_table = FUNCTIONS[func]
    expected = INTERRUPTIONS[how]
    notes = []

    victim = Session(role)
    vpid = victim.pid
    blocker = t = None
    try:
        args = {}
        if func == "cancel_order":
            args["order"] = one(obs, "SELECT foodorder.place_order(2, ARRAY[1, 2], ARRAY[1, 2])")
        fill_cart = "SELECT foodorder.cart_set(1, 1, 1), foodorder.cart_set(1, 2, 2)"
        if warm:
            # the same call once, so that its statements are kept plans
            if func == "cancel_order":
                victim.run(sql_template % {"order": one(obs, "SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1])")})
            else:
                if func == "place_order_from_cart":
                    one(obs, fill_cart)
                victim.run(sql_template % args)
        if func == "place_order_from_cart":
            one(obs, fill_cart)
        sql = sql_template % args
        if how.endswith("timeout"):
            victim.run("SET %s = %d" % (how, timeout_ms))

        before = snapshot(obs)

        blocker = connect()
        bpid = one(blocker, "SELECT pg_backend_pid()")
        one(blocker, "BEGIN")
        if phase == "wait":
            one(blocker, "SELECT id FROM foodorder.dish WHERE id = 2 FOR NO KEY UPDATE")
        else:
            one(blocker, "LOCK TABLE foodorder.%s IN SHARE MODE" % next_table)

        t = Victim(victim, sql)
        t.start()

        # Blocked on a lock: seen in pg_stat_activity, not after a sleep.
        def blocked():
            if not t.is_alive():
                return "done"
            return one(obs, "SELECT wait_event FROM pg_stat_activity"
                            " WHERE pid = %s AND wait_event_type = 'Lock'", (vpid,))
        event = wait_until("the call to block on a lock", blocked)
        if event == "done":
            raise Retry("the call ended before it was seen blocked: %s" % t.state)
        blocking = one(obs, "SELECT pg_blocking_pids(%s)", (vpid,))
        held = dishes_locked_by(obs, vpid)
        probe = nowait_lock(connect_probe(), [1])
        still = one(obs, "SELECT wait_event FROM pg_stat_activity"
                         " WHERE pid = %s AND wait_event_type = 'Lock'", (vpid,))
        if not still or not t.is_alive():
            raise Retry("the timeout fired before the blocked state was shown")
        want_event = ("transactionid", "tuple") if phase == "wait" else ("relation",)
        want_held = [1] if phase == "wait" else [1, 2]
        if event not in want_event or blocking != [bpid] or held != want_held or probe != "55P03":
            raise Fail("not paused where intended: wait_event %s, blocked by %s (blocker %s),"
                       " holds dishes %s, NOWAIT lock of dish 1: %s"
                       % (event, blocking, bpid, held, probe or "succeeded"))
        notes.append("blocked on %s holding dishes %s (pgrowlocks; NOWAIT %s)"
                     % (event, ",".join(map(str, held)), probe))

        if how == "pg_cancel_backend":
            if not one(obs, "SELECT pg_cancel_backend(%s)", (vpid,)):
                raise Fail("pg_cancel_backend returned false")
        elif how == "pg_terminate_backend":
            if not one(obs, "SELECT pg_terminate_backend(%s)", (vpid,)):
                raise Fail("pg_terminate_backend returned false")
        t.join(BOUND)
        if t.is_alive():
            raise Fail("the call did not end within %ds of the %s" % (BOUND, how))
        # From here on, every check is made and every failure reported.
        problems = []
        if t.state != expected:
            problems.append("SQLSTATE %s, expected %s (%s)" % (t.state, expected,
                            " ".join(victim.stderr[-3:]) or "output " + t.output))
        notes.append(t.state)

        if how == "pg_terminate_backend":
            # The client sees the error before the backend has exited and
            # let go of its locks; wait until it is gone.
            if victim.proc.poll() is None:
                problems.append("psql still runs after the terminate")
                one(obs, "SELECT pg_terminate_backend(%s)", (vpid,))
            wait_until("the terminated backend to exit", lambda: one(
                obs, "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = %s)", (vpid,)))

        # The dishes it held are free while the blocker still holds its lock.
        probe = nowait_lock(connect_probe(), want_held)
        if probe is not None:
            problems.append("dishes %s not free after the %s: NOWAIT lock gave %s"
                            % (want_held, how, probe))
        one(blocker, "ROLLBACK")
        blocker.close()
        blocker = None
        probe = nowait_lock(connect_probe(), [1, 2])
        if probe is not None:
            problems.append("dishes 1,2 not free after the blocker let go: NOWAIT lock gave %s"
                            % probe)
        notes.append("dishes free (NOWAIT)")

        after = snapshot(obs)
        changed = [tb for tb in TABLES if before[tb] != after[tb]]
        if changed:
            problems.append("written despite the %s: %s" % (how, ", ".join(
                "%s %s -> %s rows" % (tb, before[tb][0], after[tb][0]) for tb in changed)))
        notes.append("nothing written")

        # The same call goes through at once, in the same session if it survived.
        if how == "pg_terminate_backend":
            victim.close()
            victim = Session(role)
            who = "a new session"
        else:
            # foodorder runs its write statements with these set off for
            # the statement (kept_plan.c); an interrupted one must not leak
            # them into the session
            planner = victim.run("SELECT concat_ws(',', current_setting('enable_seqscan'),"
                                 " current_setting('enable_hashjoin'), current_setting('enable_mergejoin'))")
            if planner != "on,on,on":
                problems.append("enable_seqscan, enable_hashjoin, enable_mergejoin are %s after the %s"
                                % (planner, how))
            who = "the same session (planner settings intact)"
            if how.endswith("timeout"):
                # what follows must not depend on how fast this machine is
                victim.run("RESET %s" % how)
        result = victim.run(sql)
        if func == "cancel_order" and result != "t":
            problems.append("the repeated cancel returned %s" % result)
        notes.append("%s then ran it: %s" % (who, result))
        if problems:
            raise Fail("; ".join(problems))
        return notes
    finally:
        # a failed case leaves nothing behind for the next
        if blocker is not None:
            blocker.close()
        if t is not None and t.is_alive():
            one(obs, "SELECT pg_terminate_backend(%s)", (vpid,))
            t.join(BOUND)
        victim.close()


_probe = None


def connect_probe():
    global _probe
    if _probe is None or _probe.closed:
        _probe = connect()
    return _probe


def main():
    obs = connect()
    passed = failed = 0
    n = 0
    for func in FUNCTIONS:
        for p, phase in enumerate(PHASES):
            for i, how in enumerate(INTERRUPTIONS):
                n += 1
                # each interruption of each function once fresh, once warm
                warm = (p + i) % 2 == 1
                what = "%s, %s, %s (%s backend)" % (
                    func, "waiting for a dish" if phase == "wait" else "holding its dishes",
                    how, "warm" if warm else "fresh")
                attempts = TIMEOUTS_MS if how.endswith("timeout") else TIMEOUTS_MS[:1]
                for attempt, timeout_ms in enumerate(attempts):
                    try:
                        notes = run_case(obs, func, phase, how, warm, timeout_ms)
                        if how.endswith("timeout"):
                            notes.insert(0, "%s = %dms" % (how, timeout_ms))
                        print("  PASS  %s: %s" % (what, "; ".join(notes)), flush=True)
                        passed += 1
                        break
                    except Retry as e:
                        if attempt + 1 < len(attempts):
                            print("  ...   %s: %s; again with a longer timeout" % (what, e), flush=True)
                            continue
                        print("  FAIL  %s: %s" % (what, e), flush=True)
                        failed += 1
                    except Exception as e:  # Fail, or anything unforeseen
                        print("  FAIL  %s: %s: %s" % (what, type(e).__name__, str(e).strip()), flush=True)
                        failed += 1
                        break
    rows = one(obs, "SELECT count(*) FROM foodorder.verify()")
    print("  %s  foodorder.verify() is empty after all cases: %s rows" % ("PASS" if rows == 0 else "FAIL", rows))
    passed, failed = passed + (rows == 0), failed + (rows != 0)
    print("interrupt: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed == n + 1 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # no connection, say: still end with the count
        print("  FAIL  interrupt test could not go on: %s: %s" % (type(e).__name__, str(e).strip()))
        print("interrupt: 0 passed, 1 failed")
        sys.exit(1)
