/*-------------------------------------------------------------------------
 *
 * foodorder.h
 *	  Declarations shared by the C files of the foodorder extension.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FOODORDER_H
#define FOODORDER_H

#include "executor/spi.h"
#include "utils/array.h"

/*
 * SQLSTATEs of foodorder's own, in the implementation-defined class OR.
 * The README lists them with the HTTP status a web app should answer.
 */
#define ERRCODE_FOODORDER_INSUFFICIENT_STOCK	MAKE_SQLSTATE('O','R','0','0','1')
#define ERRCODE_FOODORDER_NOT_ON_SALE			MAKE_SQLSTATE('O','R','0','0','2')
#define ERRCODE_FOODORDER_ILLEGAL_TRANSITION	MAKE_SQLSTATE('O','R','0','0','3')
#define ERRCODE_FOODORDER_REQUEST_KEY_REUSED	MAKE_SQLSTATE('O','R','0','0','4')
/* OR005 is taken by 1.3's pickup slots (issue 19) */
#define ERRCODE_FOODORDER_PAYMENT_REFUSED		MAKE_SQLSTATE('O','R','0','0','6')

/*
 * Documented limits (README, "Limits").  An order locks one dish row per
 * line, so its number of lines is bounded before any row is locked.
 */
#define FOODORDER_MAX_LINES			100
#define FOODORDER_MAX_REQUEST_KEY	100	/* characters */
#define FOODORDER_MAX_PAYMENT_REFERENCE	200	/* characters */

/*
 * The SQL-level version a C entry point serves.  A database not yet
 * updated calls the older entry points of the new library, whose
 * statements must not name what the newer scripts add (pg_stat_statements
 * does the same with its per-version functions).
 */
typedef enum FoodorderVersion
{
	FOODORDER_1_0,				/* place_order only: no restaurants, roles,
								 * addresses or order_no */
	FOODORDER_1_1,
	FOODORDER_1_2,				/* hot dishes: dish.hot, dish_slot */
	FOODORDER_1_3				/* payments with amounts: foodorder.payment */
} FoodorderVersion;

/* One line of an order: a dish and how many portions of it. */
typedef struct OrderLine
{
	int64		dish_id;
	int32		quantity;
} OrderLine;

/* A validated order: distinct dishes in ascending id order. */
typedef struct OrderRequest
{
	int			nlines;
	OrderLine  *lines;
	int32		total_count;	/* sum of quantities, known not to overflow */
} OrderRequest;

/* order_request.c */
extern void order_request_from_arrays(ArrayType *dishes, ArrayType *quantities,
									  OrderRequest *req);
extern ArrayType *order_request_dish_ids(const OrderRequest *req);
extern ArrayType *order_request_quantities(const OrderRequest *req);
extern void check_order_lines(int nlines, const char *what);
extern ArrayType *int8_array(const int64 *values, int n);
extern ArrayType *int4_array(const int32 *values, int n);

/* caller.c */
extern Oid	caller_role(void);
extern Datum caller_name(void);
extern bool caller_is_trusted(void);
extern bool caller_is_app(void);
extern bool caller_may_act_for_customer(int64 customer_id);
extern bool caller_is_staff_of(int64 restaurant_id);
extern void check_may_act_for_customer(int64 customer_id);
extern void check_is_staff_of(int64 restaurant_id);

/*
 * lock_wait.c: how long a call waits for what another transaction holds
 * (foodorder.lock_wait_timeout), and the 55P03 it gives up with.  The
 * hint of that error: an order is retried with its request key.
 */
#define FOODORDER_RETRY_ORDER	"Retry with the same request key."
#define FOODORDER_RETRY_CALL	"Retry the call."
extern void define_lock_wait_setting(void);
extern void bound_lock_wait(void);
extern bool caught_lock_wait(void);
extern void raise_lock_wait(const char *hint, const char *what) pg_attribute_noreturn();

/*
 * dish_lock.c: the columns lock_dishes_ascending() returns, one row per id
 * given, in the ids' order; all NULL for an id that is not a dish.
 */
#define DISH_LOCK_ID			1
#define DISH_LOCK_STOCK			2
#define DISH_LOCK_PRICE			3
#define DISH_LOCK_CTID			4
#define DISH_LOCK_RESTAURANT_ID	5
#define DISH_LOCK_ON_SALE		6
#define DISH_LOCK_NAME			7
#define DISH_LOCK_HOT			8	/* then DISH_LOCK_STOCK counts the slots */
extern void lock_dishes_ascending(ArrayType *sorted_ids, FoodorderVersion version,
								  const char *retry_hint);

/* hot_dish.c */
extern bool take_from_hot_slot(int64 dish_id, int32 quantity,
							   int32 *price, int64 *restaurant_id);
extern void settle_hot_stock(ArrayType *dish_ids, ArrayType *stock_deltas,
							 ArrayType *sold_deltas);

/* stock_return.c */
extern void return_stock(ArrayType *order_ids, const char *reason,
						 FoodorderVersion version);

/* kept_plan.c */
extern SPIPlanPtr kept_plan(SPIPlanPtr *cache, const char *sql,
							int nargs, Oid *argtypes);
extern int	execute_kept_plan_by_index(SPIPlanPtr plan, Datum *values,
									   const char *nulls);

#endif							/* FOODORDER_H */
