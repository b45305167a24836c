"""Argument values for test/fuzz/run, per parameter type.

Every value is a SQL expression with an explicit type, so the call resolves
to the function it fuzzes and big values are built by the server (the
statement, which the server log repeats on error, stays short).  Values
that depend on the data (ids that exist) come from ctx, which run fills
from the database after loading setup.sql.  A parameter with a default
also gets OMIT: the call leaves it out (named notation).

A type with no generator here makes run fail its "a generator for every
parameter type" check: add one when the extension gets a new type.
"""

from limits import limits_of

HUGE = 100000            # elements of the huge arrays
MEGABYTE = 1024 * 1024   # characters of the megabyte strings


class Value:
    def __init__(self, label, sql, n=None, chars=None):
        self.label = label   # short, for the summary and repros
        self.sql = sql       # SQL expression
        self.n = n           # array elements, if an array (None: NULL)
        self.chars = chars   # characters, if text


OMIT = Value("(omitted)", None)


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def ints(typ, extra=()):
    vals = [None, 0, -1, 1, 2, 2147483647, -2147483648]
    if typ == "bigint":
        vals += [9223372036854775807, -9223372036854775808, 999999]
    vals += [x for x in extra if x not in vals]
    return [Value("NULL" if x is None else str(x),
                  "NULL::%s" % typ if x is None else "'%d'::%s" % (x, typ)) for x in vals]


def arrays(typ, some):
    """Arrays of element type typ ('bigint' or 'integer'); some: a few
    valid-looking elements (existing dish ids, or quantities)."""
    a, b = some[0], some[1]
    t = typ + "[]"

    def arr(label, body, n):
        return Value(label, "%s::%s" % (lit(body), t), n=n)

    vals = [
        Value("NULL", "NULL::" + t),
        arr("{}", "{}", 0),
        arr("{{%s,%s},{%s,%s}} (2-D)" % (a, b, a, b), "{{%s,%s},{%s,%s}}" % (a, b, a, b), 4),
        arr("{%s,NULL}" % a, "{%s,NULL}" % a, 2),
        arr("{NULL}", "{NULL}", 1),
        arr("{%s}" % a, "{%s}" % a, 1),
        arr("{%s,%s}" % (a, b), "{%s,%s}" % (a, b), 2),
        arr("{%s,%s,%s}" % (b, a, a), "{%s,%s,%s}" % (b, a, a), 3),
        arr("[0:1]={%s,%s} (lower bound 0)" % (a, b), "[0:1]={%s,%s}" % (a, b), 2),
        arr("{-1}", "{-1}", 1),
        arr("{0}", "{0}", 1),
    ]
    top = 9223372036854775807 if typ == "bigint" else 2147483647
    vals.append(arr("{%d}" % top, "{%d}" % top, 1))
    vals.append(arr("{%d,%d}" % (top, top), "{%d,%d}" % (top, top), 2))
    vals.append(Value("%d x %s" % (HUGE, a),
                      "pg_catalog.array_fill(%s::%s, ARRAY[%d])" % (a, typ, HUGE), n=HUGE))
    if typ == "bigint":
        vals.append(Value("1..%d" % HUGE,
                          "ARRAY(SELECT pg_catalog.generate_series(1, %d)::bigint)" % HUGE, n=HUGE))
    return vals


def texts(function, param, extra=()):
    vals = [
        Value("NULL", "NULL::text"),
        Value("''", "''::text", chars=0),
        Value("'x'", "'x'::text", chars=1),
        Value("quotes and a semicolon", lit("O'Brien\"; DROP TABLE foodorder.dish; --") + "::text",
              chars=len("O'Brien\"; DROP TABLE foodorder.dish; --")),
        Value("'é🍜' (multibyte)", "'é🍜'::text", chars=2),
        # a 2-byte character across byte 20, where an error message may cut
        Value("'x' and 30 x 'é'", "'x' || pg_catalog.repeat('é', 30)", chars=31),
        Value("1 MB of 'x'", "pg_catalog.repeat('x', %d)" % MEGABYTE, chars=MEGABYTE),
        Value("1 MB of md5 hex",
              "(SELECT pg_catalog.string_agg(pg_catalog.md5(i::text), '') "
              "FROM pg_catalog.generate_series(1, %d) i)" % (MEGABYTE // 32), chars=MEGABYTE),
    ]
    vals += [Value(lit(x), lit(x) + "::text", chars=len(x)) for x in extra]
    # at and just over every documented length limit of this argument
    for _, arg, unit, maximum, _ in limits_of(function):
        if arg == param and unit == "chars":
            vals.append(Value("%d x 'é'" % maximum, "pg_catalog.repeat('é', %d)" % maximum,
                              chars=maximum))
            vals.append(Value("%d x 'x'" % (maximum + 1),
                              "pg_catalog.repeat('x', %d)" % (maximum + 1), chars=maximum + 1))
    return vals


def names(ctx):
    vals = [Value("NULL", "NULL::name"), Value("''", "''::name")]
    for kind, role in sorted(ctx.roles.items()):
        vals.append(Value("%s role" % kind, lit(role) + "::name"))
    vals += [
        Value("owner", lit(ctx.owner) + "::name"),
        Value("'public'", "'public'::name"),
        Value("'PUBLIC'", "'PUBLIC'::name"),
        Value("'pg_monitor'", "'pg_monitor'::name"),
        Value("no such role", "'foodorder_fuzz_no_such_role'::name"),
        Value("app role name upper-cased", lit(ctx.roles["app"].upper()) + "::name"),
        # 70 characters: name keeps 63, which is the long role's name
        Value("70 chars, first 63 a role", lit(ctx.long_role + "1234567") + "::name"),
        Value("1 MB", "pg_catalog.repeat('r', %d)::name" % MEGABYTE),
    ]
    return vals


def intervals():
    xs = [None, "0", "1 microsecond", "-1 second", "15 minutes", "178000000 years",
          "-178000000 years", "2147483647 days", "-2147483648 days",
          "2147483647 months 2147483647 days 2562047788 hours"]
    return [Value("NULL" if x is None else x,
                  "NULL::interval" if x is None else lit(x) + "::interval") for x in xs]


def regroles(ctx):
    vals = [Value("NULL", "NULL::regrole")]
    for kind, oid in sorted(ctx.role_oids.items()):
        vals.append(Value("%s role" % kind, "%d::oid::regrole" % oid))
    vals += [Value("pg_monitor", "'pg_monitor'::regrole"),
             Value("oid 0", "0::oid::regrole"),
             Value("oid 4294967295", "4294967295::oid::regrole")]
    return vals


# which existing ids a bigint parameter gets, by its name
ID_KINDS = {"customer": "customer", "dish": "dish", "order_id": "orders",
            "restaurant": "restaurant", "address": "address"}


def values_for(function, param, typ, ctx):
    """The values of one parameter, or None if its type has no generator;
    the first is a valid one (BASE_LABELS), which the base-choice cases
    give this parameter while another one varies."""
    vals = _values_for(function, param, typ, ctx)
    if vals is None:
        return None
    want = BASE_LABELS.get(param, BASE_LABELS.get(typ))
    if param in ID_KINDS and typ == "bigint":
        want = str(ctx.ids[ID_KINDS[param]][0])
    base = [v for v in vals if v.label == want] or vals[:1]
    return base + [v for v in vals if v is not base[0]]


# a valid value per parameter name or else type, by label
BASE_LABELS = {"pay_method": "'wechat'", "request_key": "NULL", "address": "NULL",
               "label": "NULL", "bigint": "1", "integer": "1", "bigint[]": "{1}",
               "integer[]": "{1}", "text": "'x'", "name": "app role",
               "interval": "15 minutes", "boolean": "true", "regrole": "nogrant role"}


def _values_for(function, param, typ, ctx):
    if typ in ("bigint", "integer"):
        extra = ctx.ids.get(ID_KINDS.get(param), [1, 2, 3]) if typ == "bigint" else [100]
        return ints(typ, extra)
    if typ == "bigint[]":
        d = ctx.ids["dish"]
        vals = arrays("bigint", [d[0], d[1]])
        # two restaurants, off sale, none left
        vals += [Value("{1,4} (two restaurants)", "'{1,4}'::bigint[]", n=2),
                 Value("{3} (off sale)", "'{3}'::bigint[]", n=1),
                 Value("{5} (none left)", "'{5}'::bigint[]", n=1)]
        return vals
    if typ == "integer[]":
        return arrays("integer", [1, 2])
    if typ == "text":
        extra = {"pay_method": ["wechat", "WECHAT", "bitcoin"],
                 "request_key": ["k1", "k2", "k3"]}.get(param, [])
        return texts(function, param, extra)
    if typ == "name":
        return names(ctx)
    if typ == "interval":
        return intervals()
    if typ == "boolean":
        return [Value("NULL", "NULL::boolean"), Value("true", "true"), Value("false", "false")]
    if typ == "regrole":
        return regroles(ctx)
    return None
