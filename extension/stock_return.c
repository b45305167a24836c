/*-------------------------------------------------------------------------
 *
 * stock_return.c
 *	  Stock changes that are not order lines: portions given back by
 *	  cancelled, rejected and expired orders, and foodorder.restock().
 *	  Both lock the dish rows in ascending id order, as place_order does,
 *	  and record each change in foodorder.stock_change with its reason.
 *	  A hot dish is locked whole and its stock settled over its slots
 *	  again (hot_dish.c), so stock_after is exact for it too.  A wait for
 *	  a dish is bounded by foodorder.lock_wait_timeout (lock_wait.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "foodorder.h"

PG_FUNCTION_INFO_V1(restock);
PG_FUNCTION_INFO_V1(restock_1_2);

static SPIPlanPtr returned_lines_plan = NULL;
static SPIPlanPtr give_back_plan = NULL;
static SPIPlanPtr restock_plan = NULL;
static SPIPlanPtr restock_hot_plan = NULL;

static Datum restock_dish(FunctionCallInfo fcinfo, FoodorderVersion version);

/*
 * The stock_change row of each (order, dish) records the stock right after
 * that order's portions came back, as if the orders were given back one by
 * one in id order: the final stock less what later orders gave back.  The
 * hot dishes $6, settled already, had the final stock $7.
 */
#define GIVE_BACK_NARGS 7
static const char *const give_back_sql =
"WITH upd AS ("
"    UPDATE foodorder.dish d"
"       SET stock = d.stock + r.quantity, sold = d.sold - r.quantity"
"      FROM unnest($1, $2) AS r(id, quantity)"
"     WHERE d.id = r.id AND d.id <> ALL ($6)"
"    RETURNING d.id, d.stock"
"), after AS ("
"    SELECT id, stock FROM upd"
"    UNION ALL"
"    SELECT id, stock FROM unnest($6, $7) AS h(id, stock)"
"), logged AS ("
"    INSERT INTO foodorder.stock_change"
"        (dish_id, delta, stock_after, reason, order_id, changed_by)"
"    SELECT i.dish_id, i.quantity,"
"           after.stock - coalesce(sum(i.quantity) OVER ("
"               PARTITION BY i.dish_id ORDER BY i.order_id DESC"
"               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),"
"           $3, i.order_id, $4"
"      FROM foodorder.order_item i JOIN after ON after.id = i.dish_id"
"     WHERE i.order_id = ANY ($5)"
")"
"SELECT count(*) FROM after";

/*
 * Give back to stock what the given orders took, and take it off sold.
 * The caller has locked the orders and is about to move them to a state
 * that no longer holds stock; reason is "cancel", "reject" or "expire".
 * Must be called inside SPI_connect(), from a function that has called
 * bound_lock_wait().
 */
void
return_stock(ArrayType *order_ids, const char *reason, FoodorderVersion version)
{
	static Oid	lines_argtypes[1] = {INT8ARRAYOID};
	static Oid	give_back_argtypes[GIVE_BACK_NARGS] = {
		INT8ARRAYOID, INT8ARRAYOID, TEXTOID, NAMEOID, INT8ARRAYOID,
		INT8ARRAYOID, INT4ARRAYOID
	};
	Datum		values[GIVE_BACK_NARGS];
	ArrayType  *dish_ids;
	ArrayType  *quantities;
	int			ndishes;
	int64	   *hot_ids;
	int32	   *hot_back;
	int32	   *hot_stock;
	int			nhot = 0;
	bool		isnull;
	uint64		row;

	/* What the orders took, per dish, in ascending dish id order. */
	values[0] = PointerGetDatum(order_ids);
	if (SPI_execute_plan(kept_plan(&returned_lines_plan,
								   "SELECT array_agg(dish_id ORDER BY dish_id),"
								   "       array_agg(quantity ORDER BY dish_id)"
								   "  FROM (SELECT dish_id, sum(quantity) AS quantity"
								   "          FROM foodorder.order_item"
								   "         WHERE order_id = ANY ($1)"
								   "         GROUP BY dish_id) AS per_dish",
								   1, lines_argtypes),
						 values, NULL, false, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "order lines statement failed");
	values[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return;					/* orders without lines: nothing to give back */
	dish_ids = DatumGetArrayTypeP(values[0]);
	quantities = DatumGetArrayTypeP(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 2, &isnull));
	ndishes = ArrayGetNItems(ARR_NDIM(dish_ids), ARR_DIMS(dish_ids));

	lock_dishes_ascending(dish_ids, version, FOODORDER_RETRY_CALL);

	/* The hot dishes, locked whole: settle them with their portions back. */
	hot_ids = palloc(sizeof(int64) * ndishes);
	hot_back = palloc(sizeof(int32) * ndishes);
	hot_stock = palloc(sizeof(int32) * ndishes);
	for (row = 0; row < SPI_processed; row++)
	{
		CHECK_FOR_INTERRUPTS();
		(void) SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
							 DISH_LOCK_ID, &isnull);
		if (isnull)
			elog(ERROR, "a dish of an order line is missing");
		if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
									   DISH_LOCK_HOT, &isnull)))
		{
			/* the per-dish sums are bigint; a stock is an integer */
			int64		back = ((int64 *) ARR_DATA_PTR(quantities))[row];

			if (back > PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("stock of dish " INT64_FORMAT " would be out of range",
								((int64 *) ARR_DATA_PTR(dish_ids))[row])));
			hot_ids[nhot] = ((int64 *) ARR_DATA_PTR(dish_ids))[row];
			hot_back[nhot++] = (int32) back;
		}
	}
	if (nhot > 0)
	{
		int			i;

		for (i = 0; i < nhot; i++)
			hot_stock[i] = -hot_back[i];
		settle_hot_stock(int8_array(hot_ids, nhot), int4_array(hot_back, nhot),
						 int4_array(hot_stock, nhot));
		/* now each dish's stock after, in the order of hot_ids */
		for (row = 0; row < SPI_processed; row++)
		{
			int64		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[row],
														 SPI_tuptable->tupdesc, 1,
														 &isnull));

			for (i = 0; i < nhot; i++)
				if (hot_ids[i] == id)
					hot_stock[i] = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[row],
															   SPI_tuptable->tupdesc,
															   2, &isnull));
		}
	}

	values[0] = PointerGetDatum(dish_ids);
	values[1] = PointerGetDatum(quantities);
	values[2] = CStringGetTextDatum(reason);
	values[3] = caller_name();
	values[4] = PointerGetDatum(order_ids);
	values[5] = PointerGetDatum(int8_array(hot_ids, nhot));
	values[6] = PointerGetDatum(int4_array(hot_stock, nhot));
	if (execute_kept_plan_by_index(kept_plan(&give_back_plan, give_back_sql,
											 GIVE_BACK_NARGS, give_back_argtypes),
								   values, NULL) != SPI_OK_SELECT ||
		SPI_processed != 1 ||
		DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
									1, &isnull)) != ndishes)
		elog(ERROR, "stock give-back statement failed");
}

/*
 * foodorder.restock(dish, quantity): staff add portions; returns the new
 * stock.
 */
Datum
restock(PG_FUNCTION_ARGS)
{
	return restock_dish(fcinfo, FOODORDER_1_1);
}

Datum
restock_1_2(PG_FUNCTION_ARGS)
{
	return restock_dish(fcinfo, FOODORDER_1_2);
}

static Datum
restock_dish(FunctionCallInfo fcinfo, FoodorderVersion version)
{
	static Oid	argtypes[3] = {INT8OID, INT4OID, NAMEOID};
	int64		dish_id = PG_GETARG_INT64(0);
	int32		quantity = PG_GETARG_INT32(1);
	Datum		id_datum = Int64GetDatum(dish_id);
	Datum		values[3];
	int32		stock;
	bool		isnull;

	if (quantity <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("restock quantity must be positive"),
				 errdetail("%d portions of dish " INT64_FORMAT " were given.",
						   quantity, dish_id)));

	bound_lock_wait();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	lock_dishes_ascending(int8_array(&dish_id, 1), version, FOODORDER_RETRY_CALL);
	(void) SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, DISH_LOCK_ID,
						 &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("dish " INT64_FORMAT " does not exist", dish_id)));
	check_is_staff_of(DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc,
												  DISH_LOCK_RESTAURANT_ID, &isnull)));
	stock = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										DISH_LOCK_STOCK, &isnull));
	if (stock > PG_INT32_MAX - quantity)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("stock of dish " INT64_FORMAT " would be out of range",
						dish_id),
				 errdetail("It has %d portions; %d more would exceed %d.",
						   stock, quantity, PG_INT32_MAX)));

	values[0] = id_datum;
	values[1] = Int32GetDatum(quantity);
	values[2] = caller_name();
	if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
								   DISH_LOCK_HOT, &isnull)))
	{
		int32		no_sold = 0;

		settle_hot_stock(int8_array(&dish_id, 1), int4_array(&quantity, 1),
						 int4_array(&no_sold, 1));
		if (SPI_execute_plan(kept_plan(&restock_hot_plan,
									   "INSERT INTO foodorder.stock_change"
									   "    (dish_id, delta, stock_after, reason, changed_by)"
									   "SELECT $1, $2, stock, 'restock', $3"
									   "  FROM foodorder.menu WHERE id = $1"
									   " RETURNING stock_after",
									   3, argtypes),
							 values, NULL, false, 0) != SPI_OK_INSERT_RETURNING ||
			SPI_processed != 1)
			elog(ERROR, "restock statement failed");
	}
	else if (SPI_execute_plan(kept_plan(&restock_plan,
								   "WITH upd AS ("
								   "    UPDATE foodorder.dish SET stock = stock + $2"
								   "     WHERE id = $1 RETURNING id, stock"
								   ")"
								   "INSERT INTO foodorder.stock_change"
								   "    (dish_id, delta, stock_after, reason, changed_by)"
								   "SELECT id, $2, stock, 'restock', $3 FROM upd"
								   " RETURNING stock_after",
								   3, argtypes),
						 values, NULL, false, 0) != SPI_OK_INSERT_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "restock statement failed");
	stock = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										1, &isnull));
	SPI_finish();

	PG_RETURN_INT32(stock);
}
