/*-------------------------------------------------------------------------
 *
 * hot_dish.c
 *	  Orders of a hot dish without waiting for each other.
 *
 * A dish's row lock is held from the moment an order takes its portions
 * until that order's commit record is on disk, so orders of one dish
 * would run one after the other, each waiting for the previous one's WAL
 * flush.  A hot dish (foodorder.set_hot) keeps its stock in slot rows
 * instead, and an order takes its portions from one slot:
 *
 *	1.	the first slot, from this backend's own one on, that has the
 *		portions and that no other transaction holds (SKIP LOCKED);
 *	2.	else a slot that had the portions when the statement began, from
 *		this backend's own one on, waiting for whoever holds it; if that
 *		holder took them, steps 1 and 2 again, a few times;
 *	3.	else the caller locks the whole dish (dish_lock.c: its row, then
 *		every slot, which waits until no order holds any) and sees all of
 *		its stock: it refuses only what the whole dish cannot serve, and
 *		settles the stock evenly over the slots again.
 *
 * Steps 1 and 2 never wait holding anything of the dish (each runs in a
 * subtransaction that is rolled back if it took nothing), and step 3 takes
 * the dish row first, so the slots add no lock cycle to the ascending
 * dish order.  Only orders that have nothing to wait for skip a slot: an
 * order is refused for want of portions only in step 3, after every order
 * holding a slot has finished.
 *
 * Step 2's wait, like step 3's, is bounded by foodorder.lock_wait_timeout
 * (lock_wait.c): a slot held by a transaction left open is 55P03 naming
 * the dish, and the subtransaction has let go of whatever it took.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/resowner.h"

#include "foodorder.h"

static SPIPlanPtr from_own_plan = NULL;
static SPIPlanPtr before_own_plan = NULL;
static SPIPlanPtr held_slot_plan = NULL;
static SPIPlanPtr settle_plan = NULL;

static bool take_in_subtransaction(SPIPlanPtr *plans, int nplans, Datum *values,
								   int32 *price, int64 *restaurant_id, bool *found);

/*
 * $3 is this backend's pid: its own slot is that modulo the number of
 * slots, so backends spread over them.  Step 1 looks from its own slot up
 * and then below it, in two statements, so that each is an index range
 * scan that stops at the first free slot (one row, mostly) rather than a
 * sort of every slot.  The slot's row is found again by key, not ctid: the
 * version locked may be newer than the statement's snapshot, and the
 * UPDATE then follows it.  The dish row is read, not locked: price,
 * restaurant and on_sale as of the statement's snapshot.
 */
#define TAKE_NARGS 3
#define OWN_SLOT \
"(SELECT $3 % (max(y.slot) + 1) FROM foodorder.dish_slot y WHERE y.dish_id = $1)"
#define TAKE_FREE_SLOT(range) \
"UPDATE foodorder.dish_slot s SET stock = s.stock - $2, sold = s.sold + $2" \
"  FROM foodorder.dish d" \
" WHERE s.dish_id = $1" \
"   AND s.slot = (SELECT x.slot FROM foodorder.dish_slot x" \
"                  WHERE x.dish_id = $1 AND x.slot " range " AND x.stock >= $2" \
"                  ORDER BY x.slot LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED)" \
"   AND d.id = s.dish_id AND d.hot AND d.on_sale" \
" RETURNING d.price_cents, d.restaurant_id"

static const char *const from_own_sql = TAKE_FREE_SLOT(">= " OWN_SLOT);
static const char *const before_own_sql = TAKE_FREE_SLOT("< " OWN_SLOT);

/*
 * Step 2: every slot with the portions is held.  Wait for the first one
 * from this backend's own slot on that had them in the statement's
 * snapshot (one row lock, holding nothing else of the dish), and take
 * them if its holder left enough: the UPDATE rechecks stock >= $2 on the
 * version its holder committed.  Not only the own slot: once a sale is
 * nearly over most slots are empty, and an order whose own slot is one of
 * them would otherwise lock the whole dish, which waits for every holder
 * and then holds every slot until its commit is flushed, so that the
 * orders behind it find no free slot either and lock the whole dish too:
 * a convoy of one order per WAL flush.
 */
static const char *const held_slot_sql =
"WITH w AS ("
"  SELECT x.slot FROM foodorder.dish_slot x"
"   WHERE x.dish_id = $1 AND x.stock >= $2"
"     AND EXISTS (SELECT FROM foodorder.dish d WHERE d.id = $1 AND d.hot AND d.on_sale)"
"   ORDER BY x.slot < " OWN_SLOT ", x.slot LIMIT 1"
"), u AS ("
"  UPDATE foodorder.dish_slot s SET stock = s.stock - $2, sold = s.sold + $2"
"    FROM w, foodorder.dish d"
"   WHERE s.dish_id = $1 AND s.slot = w.slot AND s.stock >= $2"
"     AND d.id = s.dish_id AND d.hot AND d.on_sale"
"  RETURNING d.price_cents, d.restaurant_id"
")"
"SELECT u.price_cents, u.restaurant_id FROM w LEFT JOIN u ON true";

/*
 * How many times steps 1 and 2 run before the whole dish is locked, when
 * the slot waited for in step 2 no longer had the portions.  Each round
 * waits for at most one order; a bound, so that an order does not chase
 * portions that others keep taking.
 */
#define HOT_SLOT_ROUNDS 3

/*
 * Take quantity portions of a dish that was hot in the caller's snapshot
 * from one of its slots (steps 1 and 2 above).  Returns false if neither
 * step could, or the dish is not hot or not on sale now: the caller then
 * locks the whole dish, which also finds out why.  Must be called inside
 * SPI_connect().
 */
bool
take_from_hot_slot(int64 dish_id, int32 quantity, int32 *price, int64 *restaurant_id)
{
	static Oid	argtypes[TAKE_NARGS] = {INT8OID, INT4OID, INT4OID};
	SPIPlanPtr	free_slot[2];
	SPIPlanPtr	held_slot[1];
	Datum		values[TAKE_NARGS];
	int			round;

	free_slot[0] = kept_plan(&from_own_plan, from_own_sql, TAKE_NARGS, argtypes);
	free_slot[1] = kept_plan(&before_own_plan, before_own_sql, TAKE_NARGS, argtypes);
	held_slot[0] = kept_plan(&held_slot_plan, held_slot_sql, TAKE_NARGS, argtypes);
	values[0] = Int64GetDatum(dish_id);
	values[1] = Int32GetDatum(quantity);
	values[2] = Int32GetDatum(MyProcPid);

	for (round = 0; round < HOT_SLOT_ROUNDS; round++)
	{
		bool		found_slot = false;

		if (take_in_subtransaction(free_slot, lengthof(free_slot), values,
								   price, restaurant_id, NULL) ||
			take_in_subtransaction(held_slot, lengthof(held_slot), values,
								   price, restaurant_id, &found_slot))
			return true;
		/* no slot had the portions: only the whole dish can tell why */
		if (!found_slot)
			break;
	}
	return false;
}

/*
 * Run take statements in a subtransaction until one takes a slot; keep the
 * subtransaction if one did, roll it back if none did.  *found (if not
 * NULL) tells whether a statement found a slot to wait for (step 2).  A
 * statement that takes nothing may still have locked a slot: one whose
 * stock fell below the quantity while it waited, or one the SKIP LOCKED
 * subquery locked before the recheck failed.  Kept to the end of the
 * transaction, such a lock would break the lock order: this order would
 * then wait for the dish row (step 3) or for another slot (step 2) while
 * holding a slot, and a whole-dish locker waiting for that slot while
 * holding the row closes a cycle.  Rolling the subtransaction back
 * releases it.
 */
static bool
take_in_subtransaction(SPIPlanPtr *plans, int nplans, Datum *values,
					   int32 *price, int64 *restaurant_id, bool *found)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool taken = false;

	if (found)
		*found = false;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		bool		isnull;
		int			i;

		for (i = 0; i < nplans && !taken; i++)
		{
			int			rc;
			Datum		p;

			CHECK_FOR_INTERRUPTS();
			rc = SPI_execute_plan(plans[i], values, NULL, false, 0);
			if (rc != SPI_OK_UPDATE_RETURNING && rc != SPI_OK_SELECT)
				elog(ERROR, "hot slot statement failed");
			if (SPI_processed != 1)
				continue;
			/* step 2's row: the slot it waited for, NULLs if it took nothing */
			if (found)
				*found = true;
			p = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
			if (isnull)
				continue;
			*price = DatumGetInt32(p);
			*restaurant_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														 SPI_tuptable->tupdesc, 2,
														 &isnull));
			taken = true;
		}
		if (taken)
			ReleaseCurrentSubTransaction();
		else
			RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		/* a caller catching the error must find its own subtransaction */
		MemoryContextSwitchTo(oldcontext);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		if (!caught_lock_wait())
			PG_RE_THROW();
		/* step 2 waited for a slot; only orders take slots this way */
		raise_lock_wait(FOODORDER_RETRY_ORDER,
						psprintf("dish " INT64_FORMAT, DatumGetInt64(values[0])));
	}
	PG_END_TRY();

	return taken;
}

/*
 * Add stock_deltas to the stock and sold_deltas to the sold of hot dishes
 * the caller has locked whole, and spread their stock evenly over their
 * slots (foodorder.settle_hot_stock).  Leaves (dish_id, stock after) in
 * SPI_tuptable.  Must be called inside SPI_connect().
 */
void
settle_hot_stock(ArrayType *dish_ids, ArrayType *stock_deltas, ArrayType *sold_deltas)
{
	static Oid	argtypes[3] = {INT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID};
	Datum		values[3];

	values[0] = PointerGetDatum(dish_ids);
	values[1] = PointerGetDatum(stock_deltas);
	values[2] = PointerGetDatum(sold_deltas);
	if (SPI_execute_plan(kept_plan(&settle_plan,
								   "SELECT dish_id, stock"
								   "  FROM foodorder.settle_hot_stock($1, $2, $3)",
								   3, argtypes),
						 values, NULL, false, 0) != SPI_OK_SELECT ||
		SPI_processed != ArrayGetNItems(ARR_NDIM(dish_ids), ARR_DIMS(dish_ids)))
		elog(ERROR, "hot stock settle statement failed");
}
