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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"

#include "foodorder.h"

static SPIPlanPtr lock_plan = NULL;

/*
 * Lock the dishes with the given ids, which must be sorted ascending and
 * distinct.  Leaves one row per existing dish in SPI_tuptable, in id order,
 * with the DISH_LOCK_* columns as of the lock.  Must be called inside
 * SPI_connect().
 */
void
lock_dishes_ascending(ArrayType *sorted_ids)
{
	static Oid	argtypes[1] = {INT8ARRAYOID};
	Datum		values[1];

	values[0] = PointerGetDatum(sorted_ids);
	if (SPI_execute_plan(kept_plan(&lock_plan,
								   "SELECT l.id, l.stock, l.price_cents, l.ctid,"
								   "       l.restaurant_id, l.on_sale, l.name"
								   "  FROM unnest($1) AS r(id),"
								   "       LATERAL (SELECT d.id, d.stock, d.price_cents, d.ctid,"
								   "                       d.restaurant_id, d.on_sale, d.name"
								   "                  FROM foodorder.dish d WHERE d.id = r.id"
								   "                   FOR NO KEY UPDATE) AS l",
								   1, argtypes),
						 values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "dish lock statement failed");
}
