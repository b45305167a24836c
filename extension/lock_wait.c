/*-------------------------------------------------------------------------
 *
 * lock_wait.c
 *	  How long a foodorder call waits for a dish, an order or a cart that
 *	  another transaction holds: foodorder.lock_wait_timeout.
 *
 * An order holds its dishes from its lock statement to its commit, so a
 * legitimate wait for one is short.  A transaction left open after a call
 * (BEGIN; SELECT foodorder.place_order(...); and then nothing) holds them
 * until it ends, and with PostgreSQL's default lock_timeout of 0 every
 * call that needs one of them would wait for it for ever, holding its own
 * connection: a few such calls stall an application's whole pool.
 *
 * So every function that may wait lowers lock_timeout, for the rest of the
 * function, to the bound the DBA sets (PGC_SUSET: postgresql.conf, ALTER
 * SYSTEM, ALTER DATABASE or ROLE ... SET; a caller cannot raise it), or
 * keeps the caller's own lock_timeout if that is shorter; 0 turns the
 * bound off.  A wait that runs out is raised again naming what was waited
 * for.
 *
 * The lower lock_timeout is set with GUC_ACTION_SAVE at the GUC nest level
 * of the running function: each function that calls bound_lock_wait() has
 * a SET clause (search_path), so fmgr gives it a nest level of its own and
 * restores the caller's lock_timeout when it returns, and an abort of the
 * transaction or subtransaction restores it too.  (GUC_ACTION_LOCAL, what
 * SET LOCAL does, would outlive the function until the transaction ends.)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "storage/proc.h"
#include "utils/guc.h"

#include "foodorder.h"

PG_FUNCTION_INFO_V1(sql_bound_lock_wait);

/*
 * Milliseconds; the README ("Settings") explains the default: many times
 * the longest wait a busy rush gives an order, far less than an HTTP
 * client or a pooler waits for an answer.
 */
static int	lock_wait_timeout = 5000;

/* Called by _PG_init(). */
void
define_lock_wait_setting(void)
{
	DefineCustomIntVariable("foodorder.lock_wait_timeout",
							"Longest wait of a foodorder call for a dish, an order or a cart that another transaction holds.",
							"The call then fails with 55P03 and writes nothing. "
							"A caller's shorter lock_timeout still applies; 0 turns the bound off.",
							&lock_wait_timeout,
							5000, 0, INT_MAX,
							PGC_SUSET, GUC_UNIT_MS,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("foodorder");
}

/*
 * Lower lock_timeout to foodorder.lock_wait_timeout until the running
 * function returns, unless the caller's is shorter (and not 0) or the
 * bound is off.  The running function must have a SET clause (see above).
 */
void
bound_lock_wait(void)
{
	char		value[16];

	if (lock_wait_timeout == 0 ||
		(LockTimeout > 0 && LockTimeout <= lock_wait_timeout))
		return;
	snprintf(value, sizeof(value), "%d", lock_wait_timeout);
	(void) set_config_option("lock_timeout", value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/*
 * foodorder.bound_lock_wait(), for the PL/pgSQL functions: the same, for
 * the rest of the function that calls it.  It has no SET clause itself, or
 * the lower value would end with it.
 */
Datum
sql_bound_lock_wait(PG_FUNCTION_ARGS)
{
	bound_lock_wait();
	PG_RETURN_VOID();
}

/*
 * In a PG_CATCH block, out of ErrorContext: is the error caught a lock
 * wait that ran out (lock_timeout, 55P03)?
 */
bool
caught_lock_wait(void)
{
	ErrorData  *edata = CopyErrorData();
	bool		result = (edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE);

	FreeErrorData(edata);
	return result;
}

/*
 * In a PG_CATCH block, after caught_lock_wait(): raise the 55P03 again,
 * naming what was waited for ("dish 7").  Whatever the call did is rolled
 * back with its transaction (or was, with the subtransaction the caller
 * rolled back), so nothing of it is written.
 */
void
raise_lock_wait(const char *hint, const char *what)
{
	FlushErrorState();
	ereport(ERROR,
			(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
			 errmsg("timed out waiting for %s", what),
			 errdetail("It waited %s, as long as foodorder.lock_wait_timeout or the caller's "
					   "shorter lock_timeout allows; nothing was written.",
					   GetConfigOptionByName("lock_timeout", NULL, false)),
			 errhint("%s", hint)));
	pg_unreachable();
}
