/*-------------------------------------------------------------------------
 *
 * order_status.c
 *	  The order lifecycle: one SQL function per transition, and
 *	  foodorder.expire_orders().
 *
 *	  status:     placed -> accepted -> ready -> completed
 *	              placed -> rejected               (staff)
 *	              placed -> cancelled              (customer or app)
 *	              placed, accepted -> cancelled    (staff)
 *	  pay_status: unpaid -> paid -> refunded       (app or staff)
 *
 * Since 1.3 the payment transitions also record the money in
 * foodorder.payment: mark_paid the amount (which must be the order's
 * total) and the provider's reference, refund_order the amount paid.  A
 * repeated mark_paid with a reference already recorded for the order is
 * answered from that record and writes nothing, so a provider's retried
 * callback is harmless; the same reference on another order is refused.
 *
 * Each transition locks the order row, so concurrent calls on one order
 * run one after the other; the later one finds the order already in the
 * target state and returns false having changed nothing.  That is what
 * makes two cancels give the stock back once.  Cancelling and rejecting
 * give the stock back through return_stock(), which locks the dishes in
 * ascending id order like place_order.  Every change is recorded in
 * foodorder.status_change.  A wait for the order or a dish is bounded by
 * foodorder.lock_wait_timeout (lock_wait.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "foodorder.h"

PG_FUNCTION_INFO_V1(accept_order);
PG_FUNCTION_INFO_V1(reject_order);
PG_FUNCTION_INFO_V1(mark_ready);
PG_FUNCTION_INFO_V1(complete_order);
PG_FUNCTION_INFO_V1(cancel_order);
PG_FUNCTION_INFO_V1(mark_paid);
PG_FUNCTION_INFO_V1(refund_order);
PG_FUNCTION_INFO_V1(expire_orders);
PG_FUNCTION_INFO_V1(reject_order_1_2);
PG_FUNCTION_INFO_V1(cancel_order_1_2);
PG_FUNCTION_INFO_V1(expire_orders_1_2);
PG_FUNCTION_INFO_V1(mark_paid_1_3);
PG_FUNCTION_INFO_V1(refund_order_1_3);

#define MAX_FROM 3

/*
 * A transition: the states it may start from, for each kind of caller
 * (empty: that kind may not do it at all).
 */
typedef struct Transition
{
	const char *verb;			/* "cannot <verb> order 12" */
	bool		payment;		/* moves pay_status, not status */
	const char *to;
	const char *from_customer[MAX_FROM];
	const char *from_app[MAX_FROM];
	const char *from_staff[MAX_FROM];
	const char *stock_reason;	/* gives the stock back, with this reason */
	const char *who;			/* who may, for the 42501 detail */
} Transition;

#define STAFF "the restaurant's staff"
#define APP_OR_STAFF "the app or the restaurant's staff"

static const Transition accept_transition =
{"accept", false, "accepted", {NULL}, {NULL}, {"placed"}, NULL, STAFF};
static const Transition reject_transition =
{"reject", false, "rejected", {NULL}, {NULL}, {"placed"}, "reject", STAFF};
static const Transition ready_transition =
{"mark ready", false, "ready", {NULL}, {NULL}, {"accepted"}, NULL, STAFF};
static const Transition complete_transition =
{"complete", false, "completed", {NULL}, {NULL}, {"ready"}, NULL, STAFF};
static const Transition cancel_transition =
{"cancel", false, "cancelled", {"placed"}, {"placed"}, {"placed", "accepted"}, "cancel",
"its customer, the app or the restaurant's staff"};
static const Transition paid_transition =
{"mark paid", true, "paid", {NULL}, {"unpaid"}, {"unpaid"}, NULL, APP_OR_STAFF};
static const Transition refund_transition =
{"refund", true, "refunded", {NULL}, {"paid"}, {"paid"}, NULL, APP_OR_STAFF};

static SPIPlanPtr lock_order_plan = NULL;
static SPIPlanPtr set_status_plan = NULL;
static SPIPlanPtr set_pay_status_plan = NULL;
static SPIPlanPtr expire_lock_plan = NULL;
static SPIPlanPtr expire_plan = NULL;
static SPIPlanPtr find_payment_plan = NULL;
static SPIPlanPtr record_paid_plan = NULL;
static SPIPlanPtr record_refund_plan = NULL;

/*
 * What a 1.3 mark_paid call says about the money: the amount (NULL: the
 * order's total, as a 1.2 caller means) and the provider's reference
 * (NULL: none, say cash at the counter).
 */
typedef struct PaymentArgs
{
	bool		has_amount;
	int64		amount_cents;
	char	   *reference;
} PaymentArgs;

static bool run_transition(int64 order_id, const Transition *t,
						   FoodorderVersion version);
static bool run_transition_paying(int64 order_id, const Transition *t,
								  FoodorderVersion version,
								  const PaymentArgs *pay);
static bool payment_recorded(int64 order_id, const PaymentArgs *pay);
static void record_payment(int64 order_id, int64 total_cents,
						   const Transition *t, const PaymentArgs *pay);
static int	expire(Interval *older_than, FoodorderVersion version);
static void permission_denied(int64 order_id, const Transition *t) pg_attribute_noreturn();

Datum
accept_order(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &accept_transition, FOODORDER_1_1));
}

Datum
reject_order(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &reject_transition, FOODORDER_1_1));
}

Datum
mark_ready(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &ready_transition, FOODORDER_1_1));
}

Datum
complete_order(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &complete_transition, FOODORDER_1_1));
}

Datum
cancel_order(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &cancel_transition, FOODORDER_1_1));
}

/* 1.2: the two that give stock back know hot dishes. */
Datum
reject_order_1_2(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &reject_transition, FOODORDER_1_2));
}

Datum
cancel_order_1_2(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &cancel_transition, FOODORDER_1_2));
}

Datum
mark_paid(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &paid_transition, FOODORDER_1_1));
}

Datum
refund_order(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &refund_transition, FOODORDER_1_1));
}

/*
 * 1.3: mark_paid(order_id, amount_cents DEFAULT NULL, reference DEFAULT
 * NULL), not strict; refund_order records the refunded amount.
 */
Datum
mark_paid_1_3(PG_FUNCTION_ARGS)
{
	PaymentArgs pay;

	/* as when it was strict: no order, no answer */
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	pay.has_amount = !PG_ARGISNULL(1);
	pay.amount_cents = pay.has_amount ? PG_GETARG_INT64(1) : 0;
	pay.reference = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (pay.has_amount && pay.amount_cents < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount_cents must not be negative"),
				 errdetail("The amount given is " INT64_FORMAT " cents.", pay.amount_cents)));
	if (pay.reference != NULL)
	{
		int			len = pg_mbstrlen(pay.reference);

		if (len > FOODORDER_MAX_PAYMENT_REFERENCE)
			ereport(ERROR,
					(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
					 errmsg("reference may have at most %d characters",
							FOODORDER_MAX_PAYMENT_REFERENCE),
					 errdetail("The reference given has %d.", len)));
		if (len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("reference must not be empty"),
					 errhint("Pass NULL for a payment without a provider's reference.")));
	}
	PG_RETURN_BOOL(run_transition_paying(PG_GETARG_INT64(0), &paid_transition,
										 FOODORDER_1_3, &pay));
}

Datum
refund_order_1_3(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(run_transition(PG_GETARG_INT64(0), &refund_transition, FOODORDER_1_3));
}

static void
permission_denied(int64 order_id, const Transition *t)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s order " INT64_FORMAT,
					t->verb, order_id),
			 errdetail("Only %s may do that; role \"%s\" is not one of them.",
					   t->who, GetUserNameFromId(caller_role(), false))));
}

static bool
state_in(const char *state, const char *const *states)
{
	int			i;

	for (i = 0; i < MAX_FROM && states[i] != NULL; i++)
		if (strcmp(state, states[i]) == 0)
			return true;
	return false;
}

static bool
run_transition(int64 order_id, const Transition *t, FoodorderVersion version)
{
	PaymentArgs pay = {false, 0, NULL};

	return run_transition_paying(order_id, t, version, &pay);
}

/*
 * Lock the order, check the caller may move it from where it is, and move
 * it.  Returns false if it already was in the target state.  From 1.3 on,
 * a payment transition also records the money (pay: mark_paid's
 * arguments), and a mark_paid whose reference is recorded for the order
 * already returns true having written nothing.
 */
static bool
run_transition_paying(int64 order_id, const Transition *t,
					  FoodorderVersion version, const PaymentArgs *pay)
{
	static Oid	lock_argtypes[1] = {INT8OID};
	static Oid	set_argtypes[4] = {INT8OID, TEXTOID, TEXTOID, NAMEOID};
	MemoryContext oldcontext = CurrentMemoryContext;
	Datum		values[4];
	bool		isnull;
	HeapTuple	tuple;
	TupleDesc	tupdesc;
	int64		customer_id;
	int64		restaurant_id;
	int64		total_cents;
	bool		records = t->payment && version >= FOODORDER_1_3;
	char	   *status;
	char	   *current;
	bool		may_customer;
	bool		may_app;
	bool		may_staff;
	bool		any_kind;
	bool		allowed;

	bound_lock_wait();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	values[0] = Int64GetDatum(order_id);
	PG_TRY();
	{
		if (SPI_execute_plan(kept_plan(&lock_order_plan,
									   "SELECT customer_id, restaurant_id, status, pay_status, total_cents"
									   "  FROM foodorder.orders WHERE id = $1"
									   "   FOR NO KEY UPDATE",
									   1, lock_argtypes),
							 values, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "order lock statement failed");
	}
	PG_CATCH();
	{
		/* another transition of this order holds it */
		MemoryContextSwitchTo(oldcontext);
		if (!caught_lock_wait())
			PG_RE_THROW();
		raise_lock_wait(FOODORDER_RETRY_CALL, psprintf("order " INT64_FORMAT, order_id));
	}
	PG_END_TRY();
	if (SPI_processed == 0)
	{
		/* Only who may see every order learns that one does not exist. */
		if (!caller_is_trusted() && !caller_is_app())
			permission_denied(order_id, t);
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("order " INT64_FORMAT " does not exist", order_id)));
	}
	tuple = SPI_tuptable->vals[0];
	tupdesc = SPI_tuptable->tupdesc;
	customer_id = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 1, &isnull));
	restaurant_id = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 2, &isnull));
	status = TextDatumGetCString(SPI_getbinval(tuple, tupdesc, 3, &isnull));
	current = t->payment ?
		TextDatumGetCString(SPI_getbinval(tuple, tupdesc, 4, &isnull)) : status;
	total_cents = DatumGetInt64(SPI_getbinval(tuple, tupdesc, 5, &isnull));

	/* Which kinds of caller this one is, for this order. */
	may_staff = t->from_staff[0] != NULL && caller_is_staff_of(restaurant_id);
	may_app = t->from_app[0] != NULL && caller_is_app();
	may_customer = t->from_customer[0] != NULL &&
		caller_may_act_for_customer(customer_id);
	any_kind = may_staff || may_app || may_customer;
	if (!any_kind)
		permission_denied(order_id, t);

	if (records && pay->has_amount && pay->amount_cents != total_cents)
		ereport(ERROR,
				(errcode(ERRCODE_FOODORDER_PAYMENT_REFUSED),
				 errmsg("wrong amount for order " INT64_FORMAT, order_id),
				 errdetail("Order " INT64_FORMAT " is due " INT64_FORMAT
						   " cents; the payment is " INT64_FORMAT " cents.",
						   order_id, total_cents, pay->amount_cents),
				 errhint("Only full payments are recorded.")));
	/* a provider's retried callback: answered from the record */
	if (records && pay->reference != NULL && payment_recorded(order_id, pay))
	{
		SPI_finish();
		return true;
	}

	if (strcmp(current, t->to) == 0)
	{
		/* paid already, and not with this reference: money twice */
		if (records && pay->reference != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FOODORDER_ILLEGAL_TRANSITION),
					 errmsg("cannot %s order " INT64_FORMAT, t->verb, order_id),
					 errdetail("Order " INT64_FORMAT " is paid already, not with reference \"%s\".",
							   order_id, pay->reference)));
		SPI_finish();
		return false;
	}

	allowed = (may_staff && state_in(current, t->from_staff)) ||
		(may_app && state_in(current, t->from_app)) ||
		(may_customer && state_in(current, t->from_customer));
	/* Money does not move on an order that was called off. */
	if (t->payment && strcmp(t->to, "paid") == 0 &&
		(strcmp(status, "cancelled") == 0 || strcmp(status, "rejected") == 0))
	{
		allowed = false;
		current = status;
	}
	if (!allowed)
		ereport(ERROR,
				(errcode(ERRCODE_FOODORDER_ILLEGAL_TRANSITION),
				 errmsg("cannot %s order " INT64_FORMAT, t->verb, order_id),
				 errdetail("Order " INT64_FORMAT " is %s.", order_id, current),
				 (!may_staff && t->from_staff[0] != NULL &&
				  state_in(current, t->from_staff)) ?
				 errhint("Only the restaurant can %s an order that is %s.",
						 t->verb, current) : 0));

	if (t->stock_reason != NULL)
	{
		Datum		id_datum = Int64GetDatum(order_id);

		return_stock(construct_array(&id_datum, 1, INT8OID, sizeof(int64),
									 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE),
					 t->stock_reason, version);
	}

	values[0] = Int64GetDatum(order_id);
	values[1] = CStringGetTextDatum(current);
	values[2] = CStringGetTextDatum(t->to);
	values[3] = caller_name();
	if (SPI_execute_plan(t->payment ?
						 kept_plan(&set_pay_status_plan,
								   "WITH upd AS ("
								   "    UPDATE foodorder.orders"
								   "       SET pay_status = $3, updated_at = now()"
								   "     WHERE id = $1 RETURNING id"
								   ")"
								   "INSERT INTO foodorder.status_change"
								   "    (order_id, field, from_value, to_value, changed_by)"
								   "SELECT id, 'pay_status', $2, $3, $4 FROM upd",
								   4, set_argtypes) :
						 kept_plan(&set_status_plan,
								   "WITH upd AS ("
								   "    UPDATE foodorder.orders"
								   "       SET status = $3, updated_at = now()"
								   "     WHERE id = $1 RETURNING id"
								   ")"
								   "INSERT INTO foodorder.status_change"
								   "    (order_id, field, from_value, to_value, changed_by)"
								   "SELECT id, 'status', $2, $3, $4 FROM upd",
								   4, set_argtypes),
						 values, NULL, false, 0) != SPI_OK_INSERT ||
		SPI_processed != 1)
		elog(ERROR, "order status statement failed");

	if (records)
		record_payment(order_id, total_cents, t, pay);

	SPI_finish();
	return true;
}

/*
 * Whether pay->reference is recorded for this order's payment; refuses it
 * if another order's payment has it.
 */
static bool
payment_recorded(int64 order_id, const PaymentArgs *pay)
{
	static Oid	argtypes[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;

	values[0] = CStringGetTextDatum(pay->reference);
	if (SPI_execute_plan(kept_plan(&find_payment_plan,
								   "SELECT order_id FROM foodorder.payment"
								   " WHERE reference = $1",
								   1, argtypes),
						 values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "payment lookup statement failed");
	if (SPI_processed == 0)
		return false;
	if (DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
									1, &isnull)) == order_id)
		return true;
	ereport(ERROR,
			(errcode(ERRCODE_FOODORDER_PAYMENT_REFUSED),
			 errmsg("payment reference \"%s\" is used already", pay->reference),
			 errdetail("Another order's payment has that reference; order "
					   INT64_FORMAT " was not marked paid.", order_id)));
	return false;				/* not reached */
}

/*
 * The payment row of a transition that just happened: the amount paid (the
 * order's total), or the amount refunded (what was paid).  A concurrent
 * mark_paid of another order with the same reference gets past
 * payment_recorded() too; the unique reference then refuses the later one.
 */
static void
record_payment(int64 order_id, int64 total_cents, const Transition *t,
			   const PaymentArgs *pay)
{
	static Oid	paid_argtypes[4] = {INT8OID, INT8OID, TEXTOID, NAMEOID};
	static Oid	refund_argtypes[2] = {INT8OID, NAMEOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};

	values[0] = Int64GetDatum(order_id);
	if (strcmp(t->to, "paid") == 0)
	{
		values[1] = Int64GetDatum(total_cents);
		if (pay->reference != NULL)
			values[2] = CStringGetTextDatum(pay->reference);
		else
		{
			values[2] = (Datum) 0;
			nulls[2] = 'n';
		}
		values[3] = caller_name();
		if (SPI_execute_plan(kept_plan(&record_paid_plan,
									   "INSERT INTO foodorder.payment"
									   "    (order_id, kind, amount_cents, reference, recorded_by)"
									   " VALUES ($1, 'paid', $2, $3, $4)"
									   " ON CONFLICT (reference) DO NOTHING",
									   4, paid_argtypes),
							 values, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "payment statement failed");
		if (SPI_processed != 1)
			ereport(ERROR,
					(errcode(ERRCODE_FOODORDER_PAYMENT_REFUSED),
					 errmsg("payment reference \"%s\" is used already", pay->reference),
					 errdetail("Another order's payment has that reference; order "
							   INT64_FORMAT " was not marked paid.", order_id)));
	}
	else
	{
		values[1] = caller_name();
		if (SPI_execute_plan(kept_plan(&record_refund_plan,
									   "INSERT INTO foodorder.payment"
									   "    (order_id, kind, amount_cents, recorded_by)"
									   "SELECT o.id, 'refunded',"
									   "       coalesce((SELECT p.amount_cents FROM foodorder.payment p"
									   "                  WHERE p.order_id = o.id AND p.kind = 'paid'),"
									   "                o.total_cents), $2"
									   "  FROM foodorder.orders o WHERE o.id = $1",
									   2, refund_argtypes),
							 values, NULL, false, 0) != SPI_OK_INSERT ||
			SPI_processed != 1)
			elog(ERROR, "refund statement failed");
	}
}

/*
 * foodorder.expire_orders(older_than): reject every order placed longer
 * ago than older_than that the restaurant has not accepted, giving its
 * stock back.  Orders locked by a concurrent transition are skipped; they
 * are being dealt with, and the next run sees them if not.  All orders are
 * locked first, in id order, and then all their dishes at once in dish id
 * order, so this never deadlocks with place_order or a cancel.
 */
Datum
expire_orders(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(expire(PG_GETARG_INTERVAL_P(0), FOODORDER_1_1));
}

Datum
expire_orders_1_2(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(expire(PG_GETARG_INTERVAL_P(0), FOODORDER_1_2));
}

static int
expire(Interval *older_than, FoodorderVersion version)
{
	static Oid	lock_argtypes[1] = {INTERVALOID};
	static Oid	expire_argtypes[2] = {INT8ARRAYOID, NAMEOID};
	Interval	zero;
	Datum		values[2];
	Datum		order_ids;
	bool		isnull;
	int			count;

	memset(&zero, 0, sizeof(zero));
	if (DatumGetBool(DirectFunctionCall2(interval_lt, IntervalPGetDatum(older_than),
										 IntervalPGetDatum(&zero))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("older_than must not be negative"),
				 errhint("Orders are expired once they are older than this; use e.g. '15 minutes'.")));

	bound_lock_wait();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	values[0] = IntervalPGetDatum(older_than);
	if (SPI_execute_plan(kept_plan(&expire_lock_plan,
								   "SELECT array_agg(id ORDER BY id) FROM ("
								   "    SELECT id FROM foodorder.orders"
								   "     WHERE status = 'placed'"
								   "       AND created_at < now() - $1"
								   "     ORDER BY id"
								   "       FOR NO KEY UPDATE SKIP LOCKED) AS expired",
								   1, lock_argtypes),
						 values, NULL, false, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "expired orders statement failed");
	order_ids = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
	{
		SPI_finish();
		return 0;
	}

	return_stock(DatumGetArrayTypeP(order_ids), "expire", version);

	values[0] = order_ids;
	values[1] = caller_name();
	if (SPI_execute_plan(kept_plan(&expire_plan,
								   "WITH upd AS ("
								   "    UPDATE foodorder.orders"
								   "       SET status = 'rejected', updated_at = now()"
								   "     WHERE id = ANY ($1) RETURNING id"
								   ")"
								   "INSERT INTO foodorder.status_change"
								   "    (order_id, field, from_value, to_value, changed_by)"
								   "SELECT id, 'status', 'placed', 'rejected', $2 FROM upd",
								   2, expire_argtypes),
						 values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "expire statement failed");
	count = (int) SPI_processed;

	SPI_finish();
	return count;
}
