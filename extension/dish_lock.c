/*-------------------------------------------------------------------------
 *
 * dish_lock.c
 *	  Lock dish rows in ascending id order: the one rule that keeps every
 *	  writer of stock (ordering, cancelling, rejecting, expiring, restocking)
 *	  from deadlocking with another.
 *
 * Each row is locked inside a LATERAL subquery over unnest() of the sorted
 * ids.  That subquery can only run as the inner side of a nested loop, i.e.
 * one id at a time in array order, and it is one index probe per dish
 * whatever the planner guesses about the array's size.  FOR NO KEY UPDATE
 * is what an UPDATE of stock needs anyway, and it does not block the
 * foreign-key checks of order lines that reference the dish.
 *
 * From 1.2 a hot dish's slots are locked right after its row, before the
 * next dish (the nested loop projects each joined row before it fetches
 * the next id): the whole dish, with its stock added up.  They are locked
 * by foodorder.lock_hot_slots(), whose own statement sees slots made by a
 * set_hot() that committed while this statement waited for the dish row;
 * this statement's snapshot is older.  A dish that is not hot costs no
 * call.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"

#include "foodorder.h"

static SPIPlanPtr lock_plan_1_1 = NULL;
static SPIPlanPtr lock_plan_1_2 = NULL;

/*
 * Lock the dishes with the given ids, which must be sorted ascending and
 * distinct.  Leaves one row per existing dish in SPI_tuptable, in id order,
 * with the DISH_LOCK_* columns as of the lock.  Must be called inside
 * SPI_connect().
 */
void
lock_dishes_ascending(ArrayType *sorted_ids, FoodorderVersion version)
{
	static Oid	argtypes[1] = {INT8ARRAYOID};
	Datum		values[1];
	SPIPlanPtr	plan;

	if (version == FOODORDER_1_1)
		plan = kept_plan(&lock_plan_1_1,
						 "SELECT l.id, l.stock, l.price_cents, l.ctid,"
						 "       l.restaurant_id, l.on_sale, l.name, false"
						 "  FROM unnest($1) AS r(id),"
						 "       LATERAL (SELECT d.id, d.stock, d.price_cents, d.ctid,"
						 "                       d.restaurant_id, d.on_sale, d.name"
						 "                  FROM foodorder.dish d WHERE d.id = r.id"
						 "                   FOR NO KEY UPDATE) AS l",
						 1, argtypes);
	else
		plan = kept_plan(&lock_plan_1_2,
						 "SELECT l.id,"
						 "       l.stock + CASE WHEN l.hot"
						 "                      THEN foodorder.lock_hot_slots(l.id) ELSE 0 END,"
						 "       l.price_cents, l.ctid, l.restaurant_id, l.on_sale, l.name, l.hot"
						 "  FROM unnest($1) AS r(id),"
						 "       LATERAL (SELECT d.id, d.stock, d.price_cents, d.ctid,"
						 "                       d.restaurant_id, d.on_sale, d.name, d.hot"
						 "                  FROM foodorder.dish d WHERE d.id = r.id"
						 "                   FOR NO KEY UPDATE) AS l",
						 1, argtypes);

	values[0] = PointerGetDatum(sorted_ids);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "dish lock statement failed");
}
