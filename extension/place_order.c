/*-------------------------------------------------------------------------
 *
 * place_order.c
 *	  foodorder.place_order() and foodorder.place_order_from_cart(): lock,
 *	  check and decrease the stock of the dishes of an order and write the
 *	  order, all or nothing.
 *
 * Three kept statements do the work:
 *
 *	order	inserts the order row, with totals from the prices as they are,
 *			if the caller may act for the customer, the customer exists, the
 *			address is the customer's and every dish exists and is of one
 *			restaurant.  ON CONFLICT on (customer_id, request_key) makes a
 *			repeated call wait for the first one and then insert nothing.
 *			It runs before any dish is locked: its index entries, its
 *			foreign-key checks and that wait happen while holding nothing
 *			others need.
 *	lock	locks the dish rows in ascending id order (dish_lock.c) and
 *			returns them as of the lock; C checks each line against them.
 *	write	decreases stock, raises sold (finding the locked rows by ctid,
 *			which cannot change while we hold the lock), and inserts the
 *			order's lines at the prices read under the lock.
 *
 * When the order statement inserts nothing, explain_no_order() finds out
 * why: not allowed, no such customer or address, or a request key already
 * used, whose order is then returned.  What is left (a missing, off-sale or
 * sold-out dish, two restaurants) the check of the locked rows reports.
 *
 * A dish's lock is held from the lock statement to commit, so that
 * stretch is kept short: after waiting for a row, the lock statement
 * rechecks only a tiny plan, and the write statement starts with a fresh
 * snapshot that already sees the rows it locked, so it never rechecks.
 *
 * From 1.2, the order statement also returns which of the dishes are hot.
 * The lines are then taken one at a time in ascending dish id order: a
 * hot dish's from one of its slots if one serves it (hot_dish.c), which
 * writes it at once, any other dish's by the lock statement, which locks
 * a hot dish whole, slots included.  The write statement then settles the
 * hot dishes locked whole and writes the rest as before.
 *
 * Each wait, for a dish, a slot, the cart or a concurrent call with the
 * same request key, is bounded by foodorder.lock_wait_timeout (lock_wait.c)
 * and, if it runs out, is 55P03 naming what it waited for.
 *
 * 1.0's place_order runs the same code with what its tables allow: no
 * restaurants, addresses or roles, so its order statement checks only the
 * customer and that the dishes exist, and stores address and pay method
 * as given; and a request key used before is an error (23505), not the
 * order it placed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "common/int.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "foodorder.h"

PG_FUNCTION_INFO_V1(place_order);
PG_FUNCTION_INFO_V1(place_order_1_1);
PG_FUNCTION_INFO_V1(place_order_1_2);
PG_FUNCTION_INFO_V1(place_order_from_cart);
PG_FUNCTION_INFO_V1(place_order_from_cart_1_2);

/* The arguments of an order besides its lines. */
typedef struct OrderOptions
{
	int64		customer_id;
	Datum		address_id;		/* int8, if has_address */
	bool		has_address;
	text	   *pay_method;		/* or NULL */
	text	   *request_key;	/* or NULL */
} OrderOptions;

#define ORDER_NARGS 10
/* The order's dishes, one index probe each; hot_cols adds what 1.2 reads. */
#define ORDER_DISHES(hot_agg, hot_col) \
"SELECT min(p.restaurant_id) AS restaurant_id," \
"       max(p.restaurant_id) AS last_restaurant_id," \
"       sum(r.quantity::bigint * p.price_cents) AS cents," \
"       count(*) AS n" hot_agg \
"  FROM unnest($2, $3) AS r(id, quantity)," \
"       LATERAL (SELECT d.price_cents, d.restaurant_id" hot_col " FROM foodorder.dish d" \
"                 WHERE d.id = r.id OFFSET 0) AS p"
#define ORDER_INSERT(dishes) \
"INSERT INTO foodorder.orders" \
"    (customer_id, restaurant_id, total_count, total_cents, delivery_fee_cents," \
"     address_id, pay_method, request_key)" \
" SELECT $1, a.restaurant_id, $4, a.cents + f.fee, f.fee, $5, $6, $7" \
"  FROM " dishes " AS a," \
"       LATERAL (SELECT CASE WHEN $5 IS NULL THEN 0 ELSE rs.delivery_fee_cents END AS fee" \
"                  FROM foodorder.restaurant rs WHERE rs.id = a.restaurant_id) AS f" \
" WHERE a.n = $8 AND a.restaurant_id = a.last_restaurant_id" \
"   AND EXISTS (SELECT FROM foodorder.customer c WHERE c.id = $1)" \
"   AND ($5 IS NULL OR EXISTS (SELECT FROM foodorder.address ad" \
"                               WHERE ad.id = $5 AND ad.customer_id = $1))" \
"   AND ($9 OR EXISTS (SELECT FROM foodorder.app_role WHERE role = $10)" \
"           OR EXISTS (SELECT FROM foodorder.customer_role" \
"                       WHERE role = $10 AND customer_id = $1))" \
" ON CONFLICT (customer_id, request_key) DO NOTHING" \
" RETURNING id, total_cents, delivery_fee_cents, restaurant_id"

/*
 * 1.0: into 1.0's orders, with no fee and restaurant 1 returned for its
 * one kitchen, as the lock statement does (dish_lock.c).  A used request
 * key inserts nothing, as a missing customer or dish does.
 */
static const char *const order_sql_1_0 =
"INSERT INTO foodorder.orders"
"    (customer_id, total_count, total_cents, address_id, pay_method, request_key)"
" SELECT $1, $4, sum(r.quantity::bigint * p.price_cents), $5, $6, $7"
"  FROM unnest($2, $3) AS r(id, quantity),"
"       LATERAL (SELECT d.price_cents FROM foodorder.dish d"
"                 WHERE d.id = r.id OFFSET 0) AS p"
" WHERE EXISTS (SELECT FROM foodorder.customer c WHERE c.id = $1)"
"   AND NOT EXISTS (SELECT FROM foodorder.orders o"
"                    WHERE o.customer_id = $1 AND o.request_key = $7)"
" HAVING count(*) = $8"
" RETURNING id, total_cents, 0, 1::bigint";

static const char *const order_sql_1_1 = ORDER_INSERT("(" ORDER_DISHES("", "") ")");

/* 1.2: and which of the dishes are hot, read by the same probes */
static const char *const order_sql_1_2 =
"WITH dishes AS (" ORDER_DISHES(", array_agg(r.id ORDER BY r.id) FILTER (WHERE p.hot) AS hot_ids",
								", d.hot") "),"
"     ins AS (" ORDER_INSERT("dishes") ")"
"SELECT ins.id, ins.total_cents, ins.delivery_fee_cents, ins.restaurant_id, dishes.hot_ids"
"  FROM ins, dishes";

/* $2-$4: the lines written to dish rows; $5-$7: every line */
#define WRITE_NARGS 7
static const char *const write_sql =
"WITH upd AS ("
"    UPDATE foodorder.dish d"
"       SET stock = d.stock - r.quantity, sold = d.sold + r.quantity"
"      FROM unnest($2, $3, $4) AS r(tid, dish_id, quantity)"
"     WHERE d.ctid = r.tid AND d.id = r.dish_id"
"    RETURNING d.id"
"), items AS ("
"    INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents)"
"    SELECT $1, l.dish_id, l.quantity, l.price_cents"
"      FROM unnest($5, $6, $7) AS l(dish_id, quantity, price_cents)"
")"
"SELECT count(*) FROM upd";

/* How a line, once checked, is written. */
typedef enum LineWrite
{
	LINE_DISH_ROW,				/* the locked dish row's stock and sold */
	LINE_HOT_SETTLE,			/* a hot dish locked whole: settle_hot_stock() */
	LINE_HOT_TAKEN				/* taken from a hot slot, written already */
} LineWrite;

typedef struct CheckedLine
{
	LineWrite	how;
	int32		price;
	Datum		tid;			/* LINE_DISH_ROW: the locked row */
} CheckedLine;

static SPIPlanPtr order_plan_1_0 = NULL;
static SPIPlanPtr order_plan_1_1 = NULL;
static SPIPlanPtr order_plan_1_2 = NULL;
static SPIPlanPtr write_plan = NULL;
static SPIPlanPtr total_plan = NULL;
static SPIPlanPtr customer_exists_plan = NULL;
static SPIPlanPtr address_plan = NULL;
static SPIPlanPtr order_by_key_plan = NULL;
static SPIPlanPtr order_lines_plan = NULL;
static SPIPlanPtr cart_plan = NULL;
static SPIPlanPtr cart_delete_plan = NULL;

static Datum place_order_args(FunctionCallInfo fcinfo, FoodorderVersion version);
static Datum place_order_cart(FunctionCallInfo fcinfo, FoodorderVersion version);
static int64 place(const OrderOptions *opt, const OrderRequest *req, bool from_cart,
				   FoodorderVersion version);
static void check_locked_lines(const OrderRequest *req, int from, int to,
							   int64 *restaurant, CheckedLine *checked);
static void check_restaurant(const OrderRequest *req, int line, int64 dish_restaurant,
							 int64 *restaurant);
static ArrayType *line_dish_ids(const OrderRequest *req, int from, int to);
static void write_lines(int64 order_id, const OrderRequest *req,
						const CheckedLine *checked);
static int64 explain_no_order(const OrderOptions *opt, const OrderRequest *req,
							  FoodorderVersion version);
static void check_customer_exists(int64 customer_id);
static int64 order_for_request_key(const OrderOptions *opt, const OrderRequest *req);
static void options_from_args(FunctionCallInfo fcinfo, int address_arg,
							  FoodorderVersion version, OrderOptions *opt);
static void check_pay_method(text *pay_method);
static void check_request_key(text *request_key);

/* 1.0's: the library keeps serving a database not yet updated */
Datum
place_order(PG_FUNCTION_ARGS)
{
	return place_order_args(fcinfo, FOODORDER_1_0);
}

Datum
place_order_1_1(PG_FUNCTION_ARGS)
{
	return place_order_args(fcinfo, FOODORDER_1_1);
}

Datum
place_order_1_2(PG_FUNCTION_ARGS)
{
	return place_order_args(fcinfo, FOODORDER_1_2);
}

Datum
place_order_from_cart(PG_FUNCTION_ARGS)
{
	return place_order_cart(fcinfo, FOODORDER_1_1);
}

Datum
place_order_from_cart_1_2(PG_FUNCTION_ARGS)
{
	return place_order_cart(fcinfo, FOODORDER_1_2);
}

static Datum
place_order_args(FunctionCallInfo fcinfo, FoodorderVersion version)
{
	OrderOptions opt;
	OrderRequest req;
	int64		order_id;

	/* 1.0 checks the customer first, 1.1 the arrays */
	if (version == FOODORDER_1_0)
		options_from_args(fcinfo, 3, version, &opt);
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("dishes must not be null")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("quantities must not be null")));
	if (version != FOODORDER_1_0)
		options_from_args(fcinfo, 3, version, &opt);
	order_request_from_arrays(PG_GETARG_ARRAYTYPE_P(1),
							  PG_GETARG_ARRAYTYPE_P(2), &req);

	bound_lock_wait();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	order_id = place(&opt, &req, false, version);
	SPI_finish();

	PG_RETURN_INT64(order_id);
}

/*
 * Order what is in the cart.  The cart rows are locked first, so a
 * concurrent cart_set() waits, and exactly the rows ordered are deleted.
 */
static Datum
place_order_cart(FunctionCallInfo fcinfo, FoodorderVersion version)
{
	static Oid	cart_argtypes[1] = {INT8OID};
	MemoryContext oldcontext = CurrentMemoryContext;
	OrderOptions opt;
	OrderRequest req;
	Datum		values[1];
	int64		order_id;
	uint64		i;

	options_from_args(fcinfo, 1, version, &opt);

	bound_lock_wait();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* Nobody reads a cart, not even to learn it is empty, without leave. */
	check_may_act_for_customer(opt.customer_id);

	values[0] = Int64GetDatum(opt.customer_id);
	PG_TRY();
	{
		if (SPI_execute_plan(kept_plan(&cart_plan,
									   "SELECT dish_id, quantity FROM foodorder.cart_item"
									   " WHERE customer_id = $1 ORDER BY dish_id FOR UPDATE",
									   1, cart_argtypes),
							 values, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "cart statement failed");
	}
	PG_CATCH();
	{
		/* a cart_set() or a cart order of the customer holds the cart */
		MemoryContextSwitchTo(oldcontext);
		if (!caught_lock_wait())
			PG_RE_THROW();
		raise_lock_wait(FOODORDER_RETRY_ORDER,
						psprintf("the cart of customer " INT64_FORMAT, opt.customer_id));
	}
	PG_END_TRY();

	check_order_lines((int) Min(SPI_processed, (uint64) INT_MAX), "cart");
	req.nlines = (int) SPI_processed;
	req.lines = palloc(sizeof(OrderLine) * Max(req.nlines, 1));
	req.total_count = 0;
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int32		quantity;

		CHECK_FOR_INTERRUPTS();
		req.lines[i].dish_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
														   SPI_tuptable->tupdesc,
														   1, &isnull));
		quantity = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
											   SPI_tuptable->tupdesc, 2, &isnull));
		req.lines[i].quantity = quantity;
		if (pg_add_s32_overflow(req.total_count, quantity, &req.total_count))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("order is too large"),
					 errdetail("The quantities add up to more than %d.", PG_INT32_MAX)));
	}

	if (req.nlines == 0)
	{
		/* A retry of a cart order that already emptied the cart. */
		order_id = order_for_request_key(&opt, NULL);
		if (order_id == 0)
			check_customer_exists(opt.customer_id);
		if (order_id == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cart of customer " INT64_FORMAT " is empty",
							opt.customer_id),
					 errhint("Add dishes with foodorder.cart_set() first.")));
	}
	else
		order_id = place(&opt, &req, true, version);

	SPI_finish();

	PG_RETURN_INT64(order_id);
}

/*
 * Read the customer and the optional arguments, which start at argument
 * number address_arg: address, pay_method, request_key.  1.0 stored any
 * pay method and request key as given.
 */
static void
options_from_args(FunctionCallInfo fcinfo, int address_arg, FoodorderVersion version,
				  OrderOptions *opt)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("customer must not be null")));
	opt->customer_id = PG_GETARG_INT64(0);
	opt->has_address = !PG_ARGISNULL(address_arg);
	opt->address_id = opt->has_address ? PG_GETARG_DATUM(address_arg) : (Datum) 0;
	opt->pay_method = PG_ARGISNULL(address_arg + 1) ? NULL :
		PG_GETARG_TEXT_PP(address_arg + 1);
	opt->request_key = PG_ARGISNULL(address_arg + 2) ? NULL :
		PG_GETARG_TEXT_PP(address_arg + 2);
	if (version == FOODORDER_1_0)
		return;
	if (opt->pay_method != NULL)
		check_pay_method(opt->pay_method);
	if (opt->request_key != NULL)
		check_request_key(opt->request_key);
}

static void
check_request_key(text *request_key)
{
	int			chars = pg_mbstrlen_with_len(VARDATA_ANY(request_key),
											 VARSIZE_ANY_EXHDR(request_key));

	if (chars > FOODORDER_MAX_REQUEST_KEY)
		ereport(ERROR,
				(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
				 errmsg("request_key may have at most %d characters",
						FOODORDER_MAX_REQUEST_KEY),
				 errdetail("The request_key given has %d.", chars)));
}

static void
check_pay_method(text *pay_method)
{
	static const char *const methods[] = {"wechat", "alipay", "cash", "card"};
	char	   *given = text_to_cstring(pay_method);
	int			i;

	for (i = 0; i < lengthof(methods); i++)
		if (strcmp(given, methods[i]) == 0)
			return;
	/* Show at most 20 bytes of what was given, cut at a character boundary. */
	given[pg_mbcliplen(given, strlen(given), 20)] = '\0';
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown pay method \"%s\"", given),
			 errhint("Use one of wechat, alipay, cash, card, or null to decide later.")));
}

/* Place the order; inside SPI_connect(). */
static int64
place(const OrderOptions *opt, const OrderRequest *req, bool from_cart,
	  FoodorderVersion version)
{
	static Oid	order_argtypes[ORDER_NARGS] = {
		INT8OID, INT8ARRAYOID, INT4ARRAYOID, INT4OID, INT8OID, TEXTOID, TEXTOID,
		INT8OID, BOOLOID, REGROLEOID
	};
	static Oid	total_argtypes[2] = {INT8OID, INT8OID};
	static Oid	cart_delete_argtypes[2] = {INT8OID, INT8ARRAYOID};
	ArrayType  *dish_ids = order_request_dish_ids(req);
	ArrayType  *quantities = order_request_quantities(req);
	CheckedLine *checked = palloc(sizeof(CheckedLine) * req->nlines);
	bool	   *hot = palloc0(sizeof(bool) * req->nlines);
	bool		any_hot = false;
	Datum		values[ORDER_NARGS];
	char		nulls[ORDER_NARGS];
	SPIPlanPtr	plan;
	int64		order_id = 0;
	int64		order_total = 0;
	int64		delivery_fee = 0;
	int64		order_restaurant = 0;
	int64		restaurant = 0;
	int64		total_cents;
	Datum		hot_datum;
	bool		isnull;
	int			line;
	MemoryContext oldcontext = CurrentMemoryContext;

	/* The order row first, before any dish is locked. */
	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(opt->customer_id);
	values[1] = PointerGetDatum(dish_ids);
	values[2] = PointerGetDatum(quantities);
	values[3] = Int32GetDatum(req->total_count);
	values[4] = opt->address_id;
	nulls[4] = opt->has_address ? ' ' : 'n';
	values[5] = PointerGetDatum(opt->pay_method);
	nulls[5] = opt->pay_method ? ' ' : 'n';
	values[6] = PointerGetDatum(opt->request_key);
	nulls[6] = opt->request_key ? ' ' : 'n';
	values[7] = Int64GetDatum((int64) req->nlines);
	if (version == FOODORDER_1_0)
	{
		/* 1.0 has no roles: EXECUTE on place_order is the permission */
		plan = kept_plan(&order_plan_1_0, order_sql_1_0, ORDER_NARGS, order_argtypes);
		nulls[8] = nulls[9] = 'n';
	}
	else
	{
		plan = version == FOODORDER_1_1 ?
			kept_plan(&order_plan_1_1, order_sql_1_1, ORDER_NARGS, order_argtypes) :
			kept_plan(&order_plan_1_2, order_sql_1_2, ORDER_NARGS, order_argtypes);
		values[8] = BoolGetDatum(caller_is_trusted());
		values[9] = ObjectIdGetDatum(caller_role());
	}
	PG_TRY();
	{
		if (SPI_execute_plan(plan, values, nulls, false, 0) !=
			(version >= FOODORDER_1_2 ? SPI_OK_SELECT : SPI_OK_INSERT_RETURNING))
			elog(ERROR, "order insert statement failed");
	}
	PG_CATCH();
	{
		/* the insert waits for a concurrent call with the request key */
		MemoryContextSwitchTo(oldcontext);
		if (opt->request_key == NULL || !caught_lock_wait())
			PG_RE_THROW();
		raise_lock_wait(FOODORDER_RETRY_ORDER,
						psprintf("the order with request key \"%s\" of customer " INT64_FORMAT,
								 text_to_cstring(opt->request_key), opt->customer_id));
	}
	PG_END_TRY();
	if (SPI_processed == 1)
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;

		order_id = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 1, &isnull));
		order_total = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 2, &isnull));
		delivery_fee = DatumGetInt32(SPI_getbinval(tuple, tupdesc, 3, &isnull));
		order_restaurant = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 4, &isnull));
		if (version >= FOODORDER_1_2 &&
			(hot_datum = SPI_getbinval(tuple, tupdesc, 5, &isnull), !isnull))
		{
			ArrayType  *hot_ids = DatumGetArrayTypeP(hot_datum);
			int			nhot = ArrayGetNItems(ARR_NDIM(hot_ids), ARR_DIMS(hot_ids));
			int64	   *ids = (int64 *) ARR_DATA_PTR(hot_ids);
			int			h = 0;

			/* both lists ascend */
			for (line = 0; line < req->nlines && h < nhot; line++)
				if (req->lines[line].dish_id == ids[h])
				{
					hot[line] = any_hot = true;
					h++;
				}
		}
	}
	else
	{
		int64		earlier = explain_no_order(opt, req, version);

		if (earlier != 0)
			return earlier;
	}

	/*
	 * Lock and check every line.  The first failure in dish id order is the
	 * one reported.  Without a hot dish, one statement locks them all.
	 */
	if (!any_hot)
	{
		lock_dishes_ascending(dish_ids, version, FOODORDER_RETRY_ORDER);
		check_locked_lines(req, 0, req->nlines, &restaurant, checked);
	}
	else
	{
		line = 0;
		while (line < req->nlines)
		{
			const OrderLine *l = &req->lines[line];
			int64		dish_restaurant;
			int			to;

			CHECK_FOR_INTERRUPTS();
			if (hot[line] &&
				take_from_hot_slot(l->dish_id, l->quantity, &checked[line].price,
								   &dish_restaurant))
			{
				check_restaurant(req, line, dish_restaurant, &restaurant);
				checked[line].how = LINE_HOT_TAKEN;
				line++;
				continue;
			}
			/* this dish whole, and the dishes up to the next hot one */
			for (to = line + 1; to < req->nlines && !hot[to]; to++)
				;
			lock_dishes_ascending(line_dish_ids(req, line, to), version,
								  FOODORDER_RETRY_ORDER);
			check_locked_lines(req, line, to, &restaurant, checked);
			line = to;
		}
	}

	/*
	 * Every dish is there and has the portions.  If the order statement
	 * could not see them all, or saw them at another restaurant, a dish
	 * was created or moved meanwhile: let the client retry, not guess.
	 */
	if (order_id == 0 || order_restaurant != restaurant)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not place order due to a concurrent change"),
				 errhint("Retry the order.")));

	total_cents = delivery_fee;
	for (line = 0; line < req->nlines; line++)
		/* quantities sum to at most INT32_MAX, so this cannot overflow */
		total_cents += (int64) req->lines[line].quantity * checked[line].price;

	write_lines(order_id, req, checked);

	/* A price changed between the order statement and the lock. */
	if (total_cents != order_total)
	{
		values[0] = Int64GetDatum(order_id);
		values[1] = Int64GetDatum(total_cents);
		if (SPI_execute_plan(kept_plan(&total_plan,
									   "UPDATE foodorder.orders SET total_cents = $2"
									   " WHERE id = $1",
									   2, total_argtypes),
							 values, NULL, false, 0) != SPI_OK_UPDATE ||
			SPI_processed != 1)
			elog(ERROR, "order total update failed");
	}

	if (from_cart)
	{
		values[0] = Int64GetDatum(opt->customer_id);
		values[1] = PointerGetDatum(dish_ids);
		if (SPI_execute_plan(kept_plan(&cart_delete_plan,
									   "DELETE FROM foodorder.cart_item"
									   " WHERE customer_id = $1 AND dish_id = ANY ($2)",
									   2, cart_delete_argtypes),
							 values, NULL, false, 0) != SPI_OK_DELETE ||
			SPI_processed != req->nlines)
			elog(ERROR, "cart delete statement failed");
	}

	return order_id;
}

/*
 * Check lines from .. to-1 against the rows the lock statement left in
 * SPI_tuptable, one per line, in the same order; a row of NULLs is an
 * unknown dish.
 */
static void
check_locked_lines(const OrderRequest *req, int from, int to,
				   int64 *restaurant, CheckedLine *checked)
{
	int			line;
	bool		isnull;

	for (line = from; line < to; line++)
	{
		const OrderLine *l = &req->lines[line];
		HeapTuple	tuple = SPI_tuptable->vals[line - from];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		int32		stock;

		CHECK_FOR_INTERRUPTS();
		(void) SPI_getbinval(tuple, tupdesc, DISH_LOCK_ID, &isnull);
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("dish " INT64_FORMAT " does not exist", l->dish_id)));
		check_restaurant(req, line,
						 DatumGetInt64(SPI_getbinval(tuple, tupdesc,
													 DISH_LOCK_RESTAURANT_ID, &isnull)),
						 restaurant);
		if (!DatumGetBool(SPI_getbinval(tuple, tupdesc, DISH_LOCK_ON_SALE, &isnull)))
			ereport(ERROR,
					(errcode(ERRCODE_FOODORDER_NOT_ON_SALE),
					 errmsg("dish " INT64_FORMAT " is not on sale", l->dish_id),
					 errdetail("Dish " INT64_FORMAT " (%s) has been taken off the menu.",
							   l->dish_id,
							   TextDatumGetCString(SPI_getbinval(tuple, tupdesc,
																 DISH_LOCK_NAME,
																 &isnull)))));
		stock = DatumGetInt32(SPI_getbinval(tuple, tupdesc, DISH_LOCK_STOCK, &isnull));
		if (stock < l->quantity)
			ereport(ERROR,
					(errcode(ERRCODE_FOODORDER_INSUFFICIENT_STOCK),
					 errmsg("insufficient stock for dish " INT64_FORMAT,
							l->dish_id),
					 errdetail("Not enough portions left: dish " INT64_FORMAT
							   " has %d left, %d requested.",
							   l->dish_id, stock, l->quantity)));
		checked[line].price = DatumGetInt32(SPI_getbinval(tuple, tupdesc,
														  DISH_LOCK_PRICE, &isnull));
		if (DatumGetBool(SPI_getbinval(tuple, tupdesc, DISH_LOCK_HOT, &isnull)))
			checked[line].how = LINE_HOT_SETTLE;
		else
		{
			checked[line].how = LINE_DISH_ROW;
			checked[line].tid = SPI_getbinval(tuple, tupdesc, DISH_LOCK_CTID, &isnull);
		}
	}
}

/* The dish ids of lines from .. to-1. */
static ArrayType *
line_dish_ids(const OrderRequest *req, int from, int to)
{
	int64	   *ids = palloc(sizeof(int64) * Max(to - from, 1));
	int			line;

	for (line = from; line < to; line++)
		ids[line - from] = req->lines[line].dish_id;
	return int8_array(ids, to - from);
}

/* The first line's dish sets the order's restaurant; every other must match. */
static void
check_restaurant(const OrderRequest *req, int line, int64 dish_restaurant,
				 int64 *restaurant)
{
	if (line == 0)
		*restaurant = dish_restaurant;
	else if (dish_restaurant != *restaurant)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an order cannot have dishes of more than one restaurant"),
				 errdetail("Dish " INT64_FORMAT " is from restaurant " INT64_FORMAT
						   ", dish " INT64_FORMAT " from restaurant " INT64_FORMAT ".",
						   req->lines[0].dish_id, *restaurant,
						   req->lines[line].dish_id, dish_restaurant),
				 errhint("Place one order per restaurant.")));
}

/*
 * Write the checked lines: settle the hot dishes locked whole, decrease
 * the stock of the locked dish rows (finding them by ctid, which cannot
 * change while we hold the lock; a fresh snapshot sees the rows just
 * locked), and insert every line.
 */
static void
write_lines(int64 order_id, const OrderRequest *req, const CheckedLine *checked)
{
	static Oid	write_argtypes[WRITE_NARGS] = {
		INT8OID, TIDARRAYOID, INT8ARRAYOID, INT4ARRAYOID,
		INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID
	};
	int			n = req->nlines;
	Datum	   *tids = palloc(sizeof(Datum) * n);
	int64	   *row_ids = palloc(sizeof(int64) * n);
	int32	   *row_qty = palloc(sizeof(int32) * n);
	int64	   *hot_ids = palloc(sizeof(int64) * n);
	int32	   *hot_take = palloc(sizeof(int32) * n);
	int32	   *hot_sold = palloc(sizeof(int32) * n);
	int64	   *ids = palloc(sizeof(int64) * n);
	int32	   *qty = palloc(sizeof(int32) * n);
	int32	   *prices = palloc(sizeof(int32) * n);
	int			nrows = 0;
	int			nhot = 0;
	Datum		values[WRITE_NARGS];
	bool		isnull;
	int			line;

	for (line = 0; line < n; line++)
	{
		const OrderLine *l = &req->lines[line];

		ids[line] = l->dish_id;
		qty[line] = l->quantity;
		prices[line] = checked[line].price;
		if (checked[line].how == LINE_DISH_ROW)
		{
			tids[nrows] = checked[line].tid;
			row_ids[nrows] = l->dish_id;
			row_qty[nrows++] = l->quantity;
		}
		else if (checked[line].how == LINE_HOT_SETTLE)
		{
			hot_ids[nhot] = l->dish_id;
			hot_take[nhot] = -l->quantity;
			hot_sold[nhot++] = l->quantity;
		}
	}

	if (nhot > 0)
		settle_hot_stock(int8_array(hot_ids, nhot), int4_array(hot_take, nhot),
						 int4_array(hot_sold, nhot));

	values[0] = Int64GetDatum(order_id);
	values[1] = PointerGetDatum(construct_array(tids, nrows, TIDOID,
												sizeof(ItemPointerData), false,
												TYPALIGN_SHORT));
	values[2] = PointerGetDatum(int8_array(row_ids, nrows));
	values[3] = PointerGetDatum(int4_array(row_qty, nrows));
	values[4] = PointerGetDatum(int8_array(ids, n));
	values[5] = PointerGetDatum(int4_array(qty, n));
	values[6] = PointerGetDatum(int4_array(prices, n));
	if (execute_kept_plan_by_index(kept_plan(&write_plan, write_sql,
											 WRITE_NARGS, write_argtypes),
								   values, NULL) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "order write statement failed");
	if (DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									SPI_tuptable->tupdesc, 1, &isnull)) != nrows)
		elog(ERROR, "order write statement updated the wrong number of dishes");
}

/*
 * The order statement wrote nothing.  Raise the error if the caller may
 * not act for the customer, or the customer or address is unknown; return
 * the order a used request key placed (1.0: raise 23505 naming it); or
 * return 0 and let the check of the locked dishes name the dish at fault.
 *
 * The lookups run read-write so that, in READ COMMITTED, each takes a new
 * snapshot and sees what was committed since the order statement began,
 * such as the order of a concurrent call with the same request key.
 */
static int64
explain_no_order(const OrderOptions *opt, const OrderRequest *req,
				 FoodorderVersion version)
{
	static Oid	address_argtypes[2] = {INT8OID, INT8OID};
	Datum		values[2];
	int64		order_id;

	if (version == FOODORDER_1_0)
	{
		check_customer_exists(opt->customer_id);
		order_id = order_for_request_key(opt, NULL);
		if (order_id != 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("request key \"%s\" was already used by customer " INT64_FORMAT,
							text_to_cstring(opt->request_key), opt->customer_id),
					 errdetail("It placed order " INT64_FORMAT ".", order_id),
					 errhint("Look up that order instead of placing it again.")));
		return 0;
	}

	check_may_act_for_customer(opt->customer_id);

	check_customer_exists(opt->customer_id);

	if (opt->has_address)
	{
		values[0] = Int64GetDatum(opt->customer_id);
		values[1] = opt->address_id;
		if (SPI_execute_plan(kept_plan(&address_plan,
									   "SELECT FROM foodorder.address"
									   " WHERE customer_id = $1 AND id = $2",
									   2, address_argtypes),
							 values, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "address lookup failed");
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("address " INT64_FORMAT " is not an address of customer "
							INT64_FORMAT, DatumGetInt64(opt->address_id),
							opt->customer_id),
					 errhint("Add it with foodorder.add_address() first.")));
	}

	return order_for_request_key(opt, req);
}

static void
check_customer_exists(int64 customer_id)
{
	static Oid	argtypes[1] = {INT8OID};
	Datum		values[1];

	values[0] = Int64GetDatum(customer_id);
	if (SPI_execute_plan(kept_plan(&customer_exists_plan,
								   "SELECT FROM foodorder.customer WHERE id = $1",
								   1, argtypes),
						 values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "customer lookup failed");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("customer " INT64_FORMAT " does not exist", customer_id)));
}

/*
 * The order a request key of the customer placed, or 0.  With req, the
 * order must have exactly its lines, else OR004; without, any order will
 * do (a cart order's retry, whose cart the first call emptied).
 */
static int64
order_for_request_key(const OrderOptions *opt, const OrderRequest *req)
{
	static Oid	key_argtypes[2] = {INT8OID, TEXTOID};
	static Oid	lines_argtypes[1] = {INT8OID};
	Datum		values[2];
	bool		isnull;
	int64		order_id;
	bool		same;
	uint64		i;

	if (opt->request_key == NULL)
		return 0;

	values[0] = Int64GetDatum(opt->customer_id);
	values[1] = PointerGetDatum(opt->request_key);
	if (SPI_execute_plan(kept_plan(&order_by_key_plan,
								   "SELECT id FROM foodorder.orders"
								   " WHERE customer_id = $1 AND request_key = $2",
								   2, key_argtypes),
						 values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "request key lookup failed");
	if (SPI_processed == 0)
		return 0;
	order_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	if (req == NULL)
		return order_id;

	values[0] = Int64GetDatum(order_id);
	if (SPI_execute_plan(kept_plan(&order_lines_plan,
								   "SELECT dish_id, quantity FROM foodorder.order_item"
								   " WHERE order_id = $1 ORDER BY dish_id",
								   1, lines_argtypes),
						 values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "order lines lookup failed");
	same = (SPI_processed == req->nlines);
	for (i = 0; same && i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;

		CHECK_FOR_INTERRUPTS();
		same = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 1, &isnull)) ==
			req->lines[i].dish_id &&
			DatumGetInt32(SPI_getbinval(tuple, tupdesc, 2, &isnull)) ==
			req->lines[i].quantity;
	}
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_FOODORDER_REQUEST_KEY_REUSED),
				 errmsg("request key \"%s\" of customer " INT64_FORMAT
						" was used for a different order",
						text_to_cstring(opt->request_key), opt->customer_id),
				 errdetail("Order " INT64_FORMAT " was placed with that key, "
						   "with other dishes or quantities.", order_id),
				 errhint("Use a new request key for a new order.")));
	return order_id;
}
