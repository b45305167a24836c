/*-------------------------------------------------------------------------
 *
 * place_order.c
 *	  foodorder.place_order(): lock, check and decrease the stock of the
 *	  dishes of an order and write the order, all or nothing.
 *
 * The whole order is one SQL statement, so the hot dish's row lock is held
 * only for the rest of that statement plus the commit:
 *
 *	locked	takes FOR NO KEY UPDATE on the dish rows in ascending id order
 *			(LockRows sits above the Sort), so concurrent orders can wait for
 *			each other but never deadlock.  NO KEY UPDATE is what the UPDATE
 *			needs anyway, and it does not block foreign-key checks of order
 *			lines that reference the dish.  It locks nothing when the
 *			customer is unknown or the request key was used before.
 *	upd		decreases stock and raises sold of every locked dish with enough
 *			stock left, judged by the stock read under the lock.  (d.id = ANY
 *			($2) is there for the planner: it makes the update an index scan.)
 *	ord		writes the order only when every line was served.
 *	items	writes its lines at the prices read under the lock.
 *
 * When no order comes back, explain_refusal() finds out why and raises the
 * matching error; the error rolls back whatever the statement did write.
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

#define PLACE_ORDER_NARGS 7
static const char *const place_order_sql =
"WITH locked AS MATERIALIZED ("
"    SELECT d.id, d.stock FROM foodorder.dish d"
"     WHERE d.id = ANY ($2)"
"       AND EXISTS (SELECT FROM foodorder.customer c WHERE c.id = $1)"
"       AND NOT EXISTS (SELECT FROM foodorder.orders o"
"                        WHERE o.customer_id = $1 AND o.request_key = $7)"
"     ORDER BY d.id"
"     FOR NO KEY UPDATE OF d"
"), upd AS ("
"    UPDATE foodorder.dish d"
"       SET stock = d.stock - r.quantity, sold = d.sold + r.quantity"
"      FROM locked l, unnest($2, $3) AS r(dish_id, quantity)"
"     WHERE d.id = ANY ($2) AND d.id = l.id"
"       AND r.dish_id = l.id AND l.stock >= r.quantity"
"    RETURNING d.id, r.quantity, d.price_cents"
"), ord AS ("
"    INSERT INTO foodorder.orders"
"        (customer_id, total_count, total_cents, address_id, pay_method, request_key)"
"    SELECT $1, sum(u.quantity), sum(u.quantity::bigint * u.price_cents), $5, $6, $7"
"      FROM upd u"
"    HAVING count(*) = $4"
"    RETURNING id"
"), items AS ("
"    INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents)"
"    SELECT o.id, u.id, u.quantity, u.price_cents FROM ord o, upd u"
")"
"SELECT id FROM ord";

static SPIPlanPtr place_order_plan = NULL;
static SPIPlanPtr customer_exists_plan = NULL;
static SPIPlanPtr order_by_request_key_plan = NULL;
static SPIPlanPtr dish_stock_plan = NULL;

static void explain_refusal(int64 customer_id, const OrderRequest *req,
							ArrayType *dish_ids, text *request_key);

Datum
place_order(PG_FUNCTION_ARGS)
{
	static Oid	argtypes[PLACE_ORDER_NARGS] = {
		INT8OID, INT8ARRAYOID, INT4ARRAYOID, INT8OID, INT8OID, TEXTOID, TEXTOID
	};
	Datum		values[PLACE_ORDER_NARGS];
	char		nulls[PLACE_ORDER_NARGS];
	int64		customer_id;
	OrderRequest req;
	ArrayType  *dish_ids;
	SPIPlanPtr	plan;
	int			ret;
	int64		order_id = 0;
	bool		placed = false;

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
	order_request_from_arrays(PG_GETARG_ARRAYTYPE_P(1),
							  PG_GETARG_ARRAYTYPE_P(2), &req);
	dish_ids = order_request_dish_ids(&req);

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(customer_id);
	values[1] = PointerGetDatum(dish_ids);
	values[2] = PointerGetDatum(order_request_quantities(&req));
	values[3] = Int64GetDatum((int64) req.nlines);
	values[4] = PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3);
	nulls[4] = PG_ARGISNULL(3) ? 'n' : ' ';
	values[5] = PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4);
	nulls[5] = PG_ARGISNULL(4) ? 'n' : ' ';
	values[6] = PG_ARGISNULL(5) ? (Datum) 0 : PG_GETARG_DATUM(5);
	nulls[6] = PG_ARGISNULL(5) ? 'n' : ' ';

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	plan = kept_plan(&place_order_plan, place_order_sql,
					 PLACE_ORDER_NARGS, argtypes);
	ret = SPI_execute_plan(plan, values, nulls, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "place_order statement failed: %s",
			 SPI_result_code_string(ret));

	if (SPI_processed == 1)
	{
		bool		isnull;

		order_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 1,
											   &isnull));
		placed = !isnull;
	}
	if (!placed)
		explain_refusal(customer_id, &req, dish_ids,
						PG_ARGISNULL(5) ? NULL : PG_GETARG_TEXT_PP(5));

	SPI_finish();

	PG_RETURN_INT64(order_id);
}

/*
 * The statement placed no order: raise the error that says why.  Checked
 * in the order a client would fix them: customer, request key, then the
 * dishes in ascending id order (the order they were locked in, so the
 * stock seen for a locked dish is the stock that refused the order).
 * The lookups run read-write so that, in READ COMMITTED, each takes a new
 * snapshot: the caller's snapshot predates the orders we waited for.
 */
static void
explain_refusal(int64 customer_id, const OrderRequest *req,
				ArrayType *dish_ids, text *request_key)
{
	Oid			customer_argtypes[1] = {INT8OID};
	Oid			key_argtypes[2] = {INT8OID, TEXTOID};
	Oid			stock_argtypes[1] = {INT8ARRAYOID};
	Datum		values[2];
	SPIPlanPtr	plan;
	uint64		i;

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

	values[0] = PointerGetDatum(dish_ids);
	plan = kept_plan(&dish_stock_plan,
					 "SELECT r.id, d.stock"
					 "  FROM unnest($1) WITH ORDINALITY AS r(id, n)"
					 "  LEFT JOIN foodorder.dish d ON d.id = r.id"
					 " ORDER BY r.n",
					 1, stock_argtypes);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_SELECT ||
		SPI_processed != (uint64) req->nlines)
		elog(ERROR, "dish stock lookup failed");

	for (i = 0; i < SPI_processed; i++)
	{
		const OrderLine *line = &req->lines[i];
		bool		isnull;
		int32		stock;

		CHECK_FOR_INTERRUPTS();
		stock = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
											SPI_tuptable->tupdesc, 2, &isnull));
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("dish " INT64_FORMAT " does not exist", line->dish_id)));
		if (stock < line->quantity)
			ereport(ERROR,
					(errcode(ERRCODE_FOODORDER_INSUFFICIENT_STOCK),
					 errmsg("insufficient stock for dish " INT64_FORMAT,
							line->dish_id),
					 errdetail("Not enough portions left: dish " INT64_FORMAT
							   " has %d left, %d requested.",
							   line->dish_id, stock, line->quantity)));
	}

	/*
	 * Every check passes now, so what refused the order changed after the
	 * statement's snapshot (say, a dish created or restocked meanwhile).
	 * Clients retry on serialization_failure.
	 */
	ereport(ERROR,
			(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("could not place order due to a concurrent change"),
			 errhint("Retry the order.")));
}
