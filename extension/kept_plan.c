/*-------------------------------------------------------------------------
 *
 * kept_plan.c
 *	  Prepare an SPI plan once per backend and keep it.
 *
 * Every statement foodorder runs is fixed text, so each gets a static
 * SPIPlanPtr that lives for the life of the backend; the plan cache
 * revalidates it after DDL on the tables.  Plans are forced generic: the
 * statements are short and their cost does not depend on the parameter
 * values, so re-planning per call (the plan cache's default for its first
 * calls) would only add latency while the dish locks are held.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "nodes/parsenodes.h"

#include "foodorder.h"

/*
 * Return the plan cached in *cache, preparing and keeping it on first use.
 * Must be called inside SPI_connect().
 */
SPIPlanPtr
kept_plan(SPIPlanPtr *cache, const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan;

	if (*cache != NULL)
		return *cache;

	plan = SPI_prepare_cursor(sql, nargs, argtypes, CURSOR_OPT_GENERIC_PLAN);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	*cache = plan;
	return plan;
}
