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
 * Every id gives one row, NULLs for an id that is not a dish (LEFT JOIN),
 * and the rows reach a receiver of ours as the executor makes them: when
 * a lock wait runs out (foodorder.lock_wait_timeout, lock_timeout), the
 * rows received so far tell which dish it was waiting for, its row or its
 * slots, and the error names it.  One statement still locks them all.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/params.h"
#include "tcop/dest.h"

#include "foodorder.h"

/*
 * The lock statement, the same for every version but for the columns of
 * its dish table: the locked row l has id, stock, price_cents, ctid, name
 * and dish_cols, and the stock, restaurant_id, on_sale and hot columns
 * returned are made of them.  1.0's dish has no restaurant_id or on_sale:
 * one kitchen (the update to 1.1 makes it restaurant 1), always on sale.
 */
#define DISH_LOCK_SQL(stock, restaurant_on_sale, dish_cols, hot) \
"SELECT l.id, " stock ", l.price_cents, l.ctid, " restaurant_on_sale ", l.name, " hot \
"  FROM unnest($1) AS r(id)" \
"  LEFT JOIN LATERAL (SELECT d.id, d.stock, d.price_cents, d.ctid, d.name" dish_cols \
"                       FROM foodorder.dish d WHERE d.id = r.id" \
"                        FOR NO KEY UPDATE) AS l ON true"

static SPIPlanPtr lock_plan_1_0 = NULL;
static SPIPlanPtr lock_plan_1_1 = NULL;
static SPIPlanPtr lock_plan_1_2 = NULL;

/*
 * Counts the rows of the lock statement and hands them on to SPI's own
 * receiver, which fills SPI_tuptable as usual.  Static, not on the stack:
 * the count is read after a longjmp.
 */
typedef struct DishLockReceiver
{
	DestReceiver pub;
	DestReceiver *spi;
	uint64		rows;
} DishLockReceiver;

static DishLockReceiver receiver;

static bool
receive_dish(TupleTableSlot *slot, DestReceiver *self)
{
	receiver.rows++;
	return receiver.spi->receiveSlot(slot, receiver.spi);
}

static void
receiver_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	receiver.spi->rStartup(receiver.spi, operation, typeinfo);
}

static void
receiver_shutdown(DestReceiver *self)
{
	receiver.spi->rShutdown(receiver.spi);
}

static void
receiver_destroy(DestReceiver *self)
{
}

/*
 * Lock the dishes with the given ids, which must be sorted ascending and
 * distinct.  Leaves one row per id in SPI_tuptable, in id order, with the
 * DISH_LOCK_* columns as of the lock (all NULL if there is no such dish).
 * A wait that runs out is 55P03 naming the dish, with retry_hint.  Must be
 * called inside SPI_connect().
 */
void
lock_dishes_ascending(ArrayType *sorted_ids, FoodorderVersion version,
					  const char *retry_hint)
{
	static Oid	argtypes[1] = {INT8ARRAYOID};
	MemoryContext oldcontext = CurrentMemoryContext;
	const int64 *ids = (const int64 *) ARR_DATA_PTR(sorted_ids);
	int			nids = ArrayGetNItems(ARR_NDIM(sorted_ids), ARR_DIMS(sorted_ids));
	SPIExecuteOptions options;
	SPIPlanPtr	plan;
	int			rc;

	if (version == FOODORDER_1_0)
		plan = kept_plan(&lock_plan_1_0,
						 DISH_LOCK_SQL("l.stock", "1::bigint, true", "", "false"),
						 1, argtypes);
	else if (version == FOODORDER_1_1)
		plan = kept_plan(&lock_plan_1_1,
						 DISH_LOCK_SQL("l.stock", "l.restaurant_id, l.on_sale",
									   ", d.restaurant_id, d.on_sale", "false"),
						 1, argtypes);
	else
		plan = kept_plan(&lock_plan_1_2,
						 DISH_LOCK_SQL("l.stock + CASE WHEN l.hot"
									   " THEN foodorder.lock_hot_slots(l.id) ELSE 0 END",
									   "l.restaurant_id, l.on_sale",
									   ", d.restaurant_id, d.on_sale, d.hot", "l.hot"),
						 1, argtypes);

	if (receiver.spi == NULL)
	{
		receiver.pub.receiveSlot = receive_dish;
		receiver.pub.rStartup = receiver_startup;
		receiver.pub.rShutdown = receiver_shutdown;
		receiver.pub.rDestroy = receiver_destroy;
		/* so that SPI checks and reports the rows as its own */
		receiver.pub.mydest = DestSPI;
		receiver.spi = CreateDestReceiver(DestSPI);
	}
	receiver.rows = 0;

	memset(&options, 0, sizeof(options));
	options.params = makeParamList(1);
	options.params->params[0].value = PointerGetDatum(sorted_ids);
	options.params->params[0].isnull = false;
	options.params->params[0].pflags = PARAM_FLAG_CONST;
	options.params->params[0].ptype = INT8ARRAYOID;
	options.dest = &receiver.pub;

	PG_TRY();
	{
		rc = SPI_execute_plan_extended(plan, &options);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		/* the rows received are those of the dishes locked already */
		if (!caught_lock_wait() || receiver.rows >= (uint64) nids)
			PG_RE_THROW();
		raise_lock_wait(retry_hint, psprintf("dish " INT64_FORMAT, ids[receiver.rows]));
	}
	PG_END_TRY();

	if (rc != SPI_OK_SELECT || SPI_processed != (uint64) nids)
		elog(ERROR, "dish lock statement failed");
}
