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

/* kept_plan.c */
extern SPIPlanPtr kept_plan(SPIPlanPtr *cache, const char *sql,
							int nargs, Oid *argtypes);
extern int	execute_kept_plan_by_index(SPIPlanPtr plan, Datum *values,
									   const char *nulls);

#endif							/* FOODORDER_H */
