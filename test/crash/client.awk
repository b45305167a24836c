# Writes the SQL one crash-test client runs: -v client=K round=R
# iterations=N customers_per_client=M.  Every statement the checker needs
# prints one line, and psql prints it only once the call has returned, i.e.
# after the commit (autocommit) was acknowledged:
#   P <order id> <kind> <dishes> <quantities>     an order (kind o or cart)
#   C <order id> <true|false>                     a cancel
# Each client has its own customers, so its cart statements run in order.
function pick(   i, j, n, d, q, ds, qs, seen) {
    # the hot dish plus 0-2 distinct others of 2..20, 1-3 portions each
    n = int(rand() * 3)
    ds = "1"; qs = int(rand() * 3) + 1
    split("", seen)
    for (i = 0; i < n; i++) {
        d = 2 + int(rand() * 19)
        if (d in seen) continue
        seen[d] = 1
    }
    for (d = 2; d <= 20; d++)
        if (d in seen) { ds = ds "," d; qs = qs "," (int(rand() * 3) + 1) }
    DISHES = ds; QTYS = qs
}
BEGIN {
    srand(round * 1000 + client)
    for (i = 1; i <= iterations; i++) {
        customer = client * customers_per_client + (i % customers_per_client) + 1
        key = "r" round "k" client "i" i
        pick()
        if (i % 10 == 0) {
            n = split(DISHES, d, ","); split(QTYS, q, ",")
            print "SELECT foodorder.cart_clear(" customer ");"
            for (j = 1; j <= n; j++)
                print "SELECT foodorder.cart_set(" customer ", " d[j] ", " q[j] ");"
            print "SELECT 'P ' || foodorder.place_order_from_cart(" customer \
                  ", request_key => '" key "') || ' cart " DISHES " " QTYS "';"
        } else {
            print "SELECT 'P ' || foodorder.place_order(" customer ", ARRAY[" DISHES \
                  "], ARRAY[" QTYS "], request_key => '" key "') || ' o " DISHES " " QTYS "';"
        }
        if (i % 4 == 0)
            print "SELECT 'C ' || o.id || ' ' || foodorder.cancel_order(o.id)" \
                  " FROM foodorder.orders o WHERE o.customer_id = " customer \
                  " AND o.request_key = '" key "';"
    }
}
