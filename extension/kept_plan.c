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
 * A menu is a small table, and a generic plan cannot know that an array
 * parameter holds two ids: it guesses ten, and then a sequential scan of a
 * 20-page dish table with a hash join looks cheaper than two TID or index
 * probes.  execute_kept_plan_by_index() runs a plan with sequential scans
 * and hash and merge joins disabled, so whenever the plan cache builds or
 * rebuilds it, it gets the probes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "utils/guc.h"

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

/*
 * SPI_execute_plan() with the planner steered to index and TID probes
 * (see the file header).  The settings are undone on the way out, also on
 * error: they live in a GUC nest level like a function's SET clause.
 */
int
execute_kept_plan_by_index(SPIPlanPtr plan, Datum *values, const char *nulls)
{
	int			save_nestlevel = NewGUCNestLevel();
	int			ret;

	(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_hashjoin", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_mergejoin", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	ret = SPI_execute_plan(plan, values, nulls, false, 0);
	AtEOXact_GUC(true, save_nestlevel);
	return ret;
}
