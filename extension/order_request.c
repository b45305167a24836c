/*-------------------------------------------------------------------------
 *
 * order_request.c
 *	  Validate the dishes and quantities arrays of an order and merge them
 *	  into distinct dishes sorted by id.
 *
 * Everything here runs before any table is touched, so a malformed order
 * costs no lock.  Sorting the lines is what makes the later row locking
 * deadlock-free: every order locks its dishes in the same (ascending) order.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#include "foodorder.h"

/* Check that an argument array is one-dimensional and has no NULLs. */
static int
checked_array_length(ArrayType *arr, const char *argname)
{
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", argname),
				 errdetail("The array given has %d dimensions.", ARR_NDIM(arr))));
	if (array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain null elements", argname)));
	return ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
}

/*
 * Refuse an order of more lines than FOODORDER_MAX_LINES: each line locks a
 * dish row until the commit, so a huge order would hold many rows.
 */
void
check_order_lines(int nlines, const char *what)
{
	if (nlines > FOODORDER_MAX_LINES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("an order may have at most %d lines", FOODORDER_MAX_LINES),
				 errdetail("The %s has %d.", what, nlines),
				 errhint("Split it into several orders.")));
}

static int
compare_lines_by_dish(const void *a, const void *b)
{
	int64		da = ((const OrderLine *) a)->dish_id;
	int64		db = ((const OrderLine *) b)->dish_id;

	return (da > db) - (da < db);
}

/*
 * Fill *req from the two argument arrays: reject malformed input with the
 * SQLSTATEs the README documents, then sort by dish id and sum the
 * quantities of a dish named more than once.
 */
void
order_request_from_arrays(ArrayType *dishes, ArrayType *quantities,
						  OrderRequest *req)
{
	int			ndishes = checked_array_length(dishes, "dishes");
	int			nquantities = checked_array_length(quantities, "quantities");
	int64	   *dish_ids;
	int32	   *qty;
	OrderLine  *lines;
	int			n;
	int			i;
	int32		total = 0;

	Assert(ARR_ELEMTYPE(dishes) == INT8OID);
	Assert(ARR_ELEMTYPE(quantities) == INT4OID);

	if (ndishes == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an order must contain at least one dish"),
				 errdetail("The dishes array is empty.")));
	if (ndishes != nquantities)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dishes and quantities must have the same length"),
				 errdetail("The dishes array has length %d, the quantities array %d.",
						   ndishes, nquantities),
				 errhint("Give one quantity for each dish, in the same order.")));
	check_order_lines(ndishes, "dishes array");

	/* No NULLs and both element types are fixed width: read them in place. */
	dish_ids = (int64 *) ARR_DATA_PTR(dishes);
	qty = (int32 *) ARR_DATA_PTR(quantities);

	lines = palloc(sizeof(OrderLine) * ndishes);
	for (i = 0; i < ndishes; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (qty[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("quantity must be positive"),
					 errdetail("Quantity %d was given for dish " INT64_FORMAT ".",
							   qty[i], dish_ids[i])));
		lines[i].dish_id = dish_ids[i];
		lines[i].quantity = qty[i];
	}

	qsort(lines, ndishes, sizeof(OrderLine), compare_lines_by_dish);

	/* Merge repeated dishes in place; every sum is checked for overflow. */
	n = 0;
	for (i = 0; i < ndishes; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (n > 0 && lines[n - 1].dish_id == lines[i].dish_id)
		{
			if (pg_add_s32_overflow(lines[n - 1].quantity, lines[i].quantity,
									&lines[n - 1].quantity))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("quantity of dish " INT64_FORMAT " is too large",
								lines[i].dish_id),
						 errdetail("The quantities given for it add up to more than %d.",
								   PG_INT32_MAX)));
		}
		else
			lines[n++] = lines[i];
		if (pg_add_s32_overflow(total, lines[i].quantity, &total))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("order is too large"),
					 errdetail("The quantities add up to more than %d.",
							   PG_INT32_MAX)));
	}

	req->nlines = n;
	req->lines = lines;
	req->total_count = total;
}

/* The distinct dish ids, ascending, as a bigint[] for SPI. */
ArrayType *
order_request_dish_ids(const OrderRequest *req)
{
	Datum	   *elems = palloc(sizeof(Datum) * req->nlines);
	int			i;

	for (i = 0; i < req->nlines; i++)
		elems[i] = Int64GetDatum(req->lines[i].dish_id);
	return construct_array(elems, req->nlines, INT8OID,
						   sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* The merged quantities, matching order_request_dish_ids(), as integer[]. */
ArrayType *
order_request_quantities(const OrderRequest *req)
{
	Datum	   *elems = palloc(sizeof(Datum) * req->nlines);
	int			i;

	for (i = 0; i < req->nlines; i++)
		elems[i] = Int32GetDatum(req->lines[i].quantity);
	return construct_array(elems, req->nlines, INT4OID,
						   sizeof(int32), true, TYPALIGN_INT);
}

/* A bigint[] of n values, for SPI. */
ArrayType *
int8_array(const int64 *values, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = Int64GetDatum(values[i]);
	return construct_array(elems, n, INT8OID,
						   sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* An integer[] of n values, for SPI. */
ArrayType *
int4_array(const int32 *values, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = Int32GetDatum(values[i]);
	return construct_array(elems, n, INT4OID, sizeof(int32), true, TYPALIGN_INT);
}
