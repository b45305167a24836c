"""The documented limits of foodorder: the one place test/fuzz/run takes its
expectations for over-long arguments from.

Each limit says which argument of which function is bounded, by how many
array elements or characters, and the SQLSTATE a call over it must get.
From version SINCE on the fuzz run asserts, for every generated call with an
argument over a limit, that the call fails (whatever the SQLSTATE: other
arguments may be wrong too), and runs the targeted cases in run's
limit_cases(): the value at the limit (multibyte characters, so characters
and not bytes are counted) is accepted, one more is refused with exactly
this SQLSTATE, nothing is written, and an over-long order locks no dish.
Before SINCE those cases are printed as SKIP, with what happened.
"""

# The extension version that documents the limits (foodorder--1.1--1.2.sql).
SINCE = "1.2"

# (function, argument, unit, maximum, SQLSTATE over it)
#   unit "elements": array elements (before duplicates are merged)
#   unit "chars":    characters, char_length()
#   unit "lines":    rows the function would leave in a table (the cart)
LIMITS = [
    ("place_order", "dishes", "elements", 100, "54000"),
    ("place_order", "quantities", "elements", 100, "54000"),
    ("place_order", "request_key", "chars", 100, "22001"),
    ("place_order_from_cart", "request_key", "chars", 100, "22001"),
    ("cart_set", "dish", "lines", 100, "54000"),
    ("add_customer", "name", "chars", 200, "22001"),
    ("add_address", "detail", "chars", 500, "22001"),
    ("add_address", "label", "chars", 50, "22001"),
    ("add_restaurant", "name", "chars", 200, "22001"),
    ("add_dish", "name", "chars", 200, "22001"),
]

# For the targeted cases of the "chars" limits: a call that succeeds on the
# data of setup.sql, the caller kind that makes it, and its text arguments'
# valid values; run puts the value under test in place of one of them.
# place_order's locks dish 1, which run holds locked in another session.
VALID_CALLS = {
    "place_order": ("app", "SELECT foodorder.place_order(1, ARRAY[1]::bigint[], ARRAY[1], "
                           "request_key => {request_key})", {"request_key": "NULL"}),
    "place_order_from_cart": ("app", "SELECT foodorder.place_order_from_cart(1, "
                                     "request_key => {request_key})", {"request_key": "NULL"}),
    "add_customer": ("app", "SELECT foodorder.add_customer({name})", {"name": "'Li'"}),
    "add_address": ("app", "SELECT foodorder.add_address(1, {detail}, {label})",
                    {"detail": "'Building 1'", "label": "NULL"}),
    "add_restaurant": ("owner", "SELECT foodorder.add_restaurant({name})", {"name": "'Deli'"}),
    "add_dish": ("staff", "SELECT foodorder.add_dish(1, {name}, 100)", {"name": "'Pie'"}),
}


def version_tuple(v):
    return tuple(int(x) for x in v.split("."))


def active(installed_version):
    return version_tuple(installed_version) >= version_tuple(SINCE)


def limits_of(function):
    return [lim for lim in LIMITS if lim[0] == function]


def over_limits(function, args):
    """The limits a call breaks.  args: {argument name: Value} (Values carry
    n = array elements or chars = characters, None when not known)."""
    broken = []
    for _, arg, unit, maximum, sqlstate in limits_of(function):
        v = args.get(arg)
        if v is None:
            continue
        size = v.n if unit == "elements" else v.chars if unit == "chars" else None
        if size is not None and size > maximum:
            broken.append((arg, unit, maximum, sqlstate))
    return broken
