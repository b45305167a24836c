/*-------------------------------------------------------------------------
 *
 * place_order_1_0.c
 *	  foodorder.place_order() as version 1.0 of the SQL defines it.  Kept
 *	  unchanged so that a database still at 1.0 keeps working with this
 *	  library until ALTER EXTENSION foodorder UPDATE; 1.1 calls
 *	  place_order_1_1 (place_order.c).
 *
 * Three kept statements do the work:
 *
 *	order	inserts the order row, with totals from the prices as they are,
 *			if the customer exists and the request key is new.  It runs
 *			before any dish is locked: its index entries, its foreign-key
 *			check on customer, and a wait for a concurrent call with the
 *			same request key all happen while holding nothing others need.
 *	lock	takes FOR NO KEY UPDATE on the dish rows in ascending id order,
 *			so concurrent orders can wait for each other but never deadlock,
 *			and returns their stock, price and ctid as of the lock.  The ids
 *			come sorted from order_request.c, and each row is locked inside a
 *			LATERAL subquery, which can only run as the inner side of a nested
 *			loop over unnest(), i.e. one id at a time in array order; it is
 *			also one index probe per dish whatever the planner thinks of the
 *			array's size.  NO KEY UPDATE is what the UPDATE needs anyway, and
 *			it does not block foreign-key checks of order lines that reference
 *			the dish.
 *	write	decreases stock, raises sold (finding the locked rows by ctid,
 *			which cannot change while we hold the lock), and inserts the
 *			order's lines at the prices read under the lock.
 *
 * The stock check happens in C between lock and write.  The hot dish's
 * lock is held from the lock statement to commit, so that stretch is kept
 * short: after waiting for a row, the lock statement rechecks only a tiny
 * plan (EvalPlanQual), and the write statement starts with a fresh snapshot
 * that already sees the rows it locked, so it never rechecks at all.  Every
 * error rolls back whatever was written.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "foodorder.h"

PG_FUNCTION_INFO_V1(place_order);

#define ORDER_NARGS 8
static const char *const order_sql =
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
" RETURNING id, total_cents";

#define LOCK_NARGS 1
static const char *const lock_sql =
"SELECT l.id, l.stock, l.price_cents, l.ctid"
"  FROM unnest($1) AS r(id),"
"       LATERAL (SELECT d.id, d.stock, d.price_cents, d.ctid FROM foodorder.dish d"
"                 WHERE d.id = r.id FOR NO KEY UPDATE) AS l";

#define WRITE_NARGS 5
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
"      FROM unnest($3, $4, $5) AS l(dish_id, quantity, price_cents)"
")"
"SELECT count(*) FROM upd";

#define TOTAL_NARGS 2
static const char *const total_sql =
"UPDATE foodorder.orders SET total_cents = $2 WHERE id = $1";

static SPIPlanPtr order_plan = NULL;
static SPIPlanPtr lock_plan = NULL;
static SPIPlanPtr write_plan = NULL;
static SPIPlanPtr total_plan = NULL;
static SPIPlanPtr customer_exists_plan = NULL;
static SPIPlanPtr order_by_request_key_plan = NULL;

static void explain_no_order(int64 customer_id, text *request_key);

Datum
place_order(PG_FUNCTION_ARGS)
{
	static Oid	order_argtypes[ORDER_NARGS] = {
		INT8OID, INT8ARRAYOID, INT4ARRAYOID, INT4OID, INT8OID, TEXTOID, TEXTOID,
		INT8OID
	};
	static Oid	lock_argtypes[LOCK_NARGS] = {INT8ARRAYOID};
	static Oid	write_argtypes[WRITE_NARGS] = {
		INT8OID, TIDARRAYOID, INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID
	};
	static Oid	total_argtypes[TOTAL_NARGS] = {INT8OID, INT8OID};
	Datum		values[ORDER_NARGS];
	char		nulls[ORDER_NARGS];
	int64		customer_id;
	text	   *request_key;
	OrderRequest req;
	ArrayType  *dish_ids;
	ArrayType  *quantities;
	Datum	   *prices;
	Datum	   *tids;
	int64		order_id = 0;
	int64		order_total = 0;
	int64		total_cents = 0;
	bool		isnull;
	uint64		row;
	int			line;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("customer must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("dishes must not be null")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("quantities must not be null")));

	customer_id = PG_GETARG_INT64(0);
	request_key = PG_ARGISNULL(5) ? NULL : PG_GETARG_TEXT_PP(5);
	order_request_from_arrays(PG_GETARG_ARRAYTYPE_P(1),
							  PG_GETARG_ARRAYTYPE_P(2), &req);
	dish_ids = order_request_dish_ids(&req);
	quantities = order_request_quantities(&req);
	prices = palloc(sizeof(Datum) * req.nlines);
	tids = palloc(sizeof(Datum) * req.nlines);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* The order row first, before any dish is locked. */
	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(customer_id);
	values[1] = PointerGetDatum(dish_ids);
	values[2] = PointerGetDatum(quantities);
	values[3] = Int32GetDatum(req.total_count);
	values[4] = PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3);
	nulls[4] = PG_ARGISNULL(3) ? 'n' : ' ';
	values[5] = PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4);
	nulls[5] = PG_ARGISNULL(4) ? 'n' : ' ';
	values[6] = request_key ? PointerGetDatum(request_key) : (Datum) 0;
	nulls[6] = request_key ? ' ' : 'n';
	values[7] = Int64GetDatum((int64) req.nlines);
	if (SPI_execute_plan(kept_plan(&order_plan, order_sql, ORDER_NARGS, order_argtypes),
						 values, nulls, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "order insert statement failed");
	if (SPI_processed == 1)
	{
		order_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 1, &isnull));
		order_total = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 2, &isnull));
	}
	else
		explain_no_order(customer_id, request_key);

	/* Lock the dishes, ascending. */
	values[0] = PointerGetDatum(dish_ids);
	if (SPI_execute_plan(kept_plan(&lock_plan, lock_sql, LOCK_NARGS, lock_argtypes),
						 values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "dish lock statement failed");

	/*
	 * Check every line against the locked rows.  Both lists are sorted by
	 * dish id, so the first line without its row is an unknown dish; the
	 * first failure in id order is the one reported.
	 */
	row = 0;
	for (line = 0; line < req.nlines; line++)
	{
		const OrderLine *l = &req.lines[line];
		HeapTuple	tuple = row < SPI_processed ? SPI_tuptable->vals[row] : NULL;
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		int32		stock;
		int32		price;

		CHECK_FOR_INTERRUPTS();
		if (tuple == NULL ||
			DatumGetInt64(SPI_getbinval(tuple, tupdesc, 1, &isnull)) != l->dish_id)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("dish " INT64_FORMAT " does not exist", l->dish_id)));
		stock = DatumGetInt32(SPI_getbinval(tuple, tupdesc, 2, &isnull));
		price = DatumGetInt32(SPI_getbinval(tuple, tupdesc, 3, &isnull));
		if (stock < l->quantity)
			ereport(ERROR,
					(errcode(ERRCODE_FOODORDER_INSUFFICIENT_STOCK),
					 errmsg("insufficient stock for dish " INT64_FORMAT,
							l->dish_id),
					 errdetail("Not enough portions left: dish " INT64_FORMAT
							   " has %d left, %d requested.",
							   l->dish_id, stock, l->quantity)));
		/* quantities sum to at most INT32_MAX, so this cannot overflow */
		total_cents += (int64) l->quantity * price;
		prices[line] = Int32GetDatum(price);
		tids[line] = SPI_getbinval(tuple, tupdesc, 4, &isnull);
		row++;
	}

	/*
	 * Every dish is there and has the portions.  If the order statement
	 * could not see them all, a dish was created meanwhile: let the client
	 * retry rather than guess.
	 */
	if (order_id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not place order due to a concurrent change"),
				 errhint("Retry the order.")));

	/* Write.  A fresh snapshot: it sees the rows just locked. */
	values[0] = Int64GetDatum(order_id);
	values[1] = PointerGetDatum(construct_array(tids, req.nlines, TIDOID,
												sizeof(ItemPointerData), false,
												TYPALIGN_SHORT));
	values[2] = PointerGetDatum(dish_ids);
	values[3] = PointerGetDatum(quantities);
	values[4] = PointerGetDatum(construct_array(prices, req.nlines, INT4OID,
												sizeof(int32), true, TYPALIGN_INT));
	if (execute_kept_plan_by_index(kept_plan(&write_plan, write_sql,
											 WRITE_NARGS, write_argtypes),
								   values, NULL) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "order write statement failed");
	if (DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									SPI_tuptable->tupdesc, 1, &isnull)) != req.nlines)
		elog(ERROR, "order write statement updated the wrong number of dishes");

	/* A price changed between the order statement and the lock. */
	if (total_cents != order_total)
	{
		values[0] = Int64GetDatum(order_id);
		values[1] = Int64GetDatum(total_cents);
		if (SPI_execute_plan(kept_plan(&total_plan, total_sql, TOTAL_NARGS, total_argtypes),
							 values, NULL, false, 0) != SPI_OK_UPDATE ||
			SPI_processed != 1)
			elog(ERROR, "order total update failed");
	}

	SPI_finish();

	PG_RETURN_INT64(order_id);
}

/*
 * The order statement wrote nothing: the customer does not exist, the
 * request key was used, or a dish is missing.  Raise the error for the
 * first two here; for the third return, and let the check of the locked
 * dishes name the dish.
 *
 * The lookups run read-write so that, in READ COMMITTED, each takes a new
 * snapshot, and see what was committed since the order statement began.
 */
static void
explain_no_order(int64 customer_id, text *request_key)
{
	Oid			customer_argtypes[1] = {INT8OID};
	Oid			key_argtypes[2] = {INT8OID, TEXTOID};
	Datum		values[2];
	SPIPlanPtr	plan;

	values[0] = Int64GetDatum(customer_id);
	plan = kept_plan(&customer_exists_plan,
					 "SELECT FROM foodorder.customer WHERE id = $1",
					 1, customer_argtypes);
	if (SPI_execute_plan(plan, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "customer lookup failed");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("customer " INT64_FORMAT " does not exist", customer_id)));

	if (request_key != NULL)
	{
		values[1] = PointerGetDatum(request_key);
		plan = kept_plan(&order_by_request_key_plan,
						 "SELECT id FROM foodorder.orders"
						 " WHERE customer_id = $1 AND request_key = $2",
						 2, key_argtypes);
		if (SPI_execute_plan(plan, values, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "request key lookup failed");
		if (SPI_processed > 0)
		{
			bool		isnull;
			int64		order_id;

			order_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												   SPI_tuptable->tupdesc, 1,
												   &isnull));
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("request key \"%s\" was already used by customer " INT64_FORMAT,
							text_to_cstring(request_key), customer_id),
					 errdetail("It placed order " INT64_FORMAT ".", order_id),
					 errhint("Look up that order instead of placing it again.")));
		}
	}
}
