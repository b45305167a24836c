/*-------------------------------------------------------------------------
 *
 * caller.c
 *	  Who is calling, and may they act for this customer or restaurant.
 *
 * Every function of foodorder that writes runs as the extension's owner
 * (SECURITY DEFINER), so current_user inside it is the owner.  The caller
 * is the role the session acts as, GetOuterUserId(): the login role or
 * what SET ROLE chose, as for a pooler or gateway that switches roles.
 *
 * During a security-restricted operation (ANALYZE, VACUUM and autovacuum,
 * REINDEX, CLUSTER, REFRESH MATERIALIZED VIEW, CREATE INDEX) PostgreSQL runs
 * a table owner's code (an index expression, a materialized view's query)
 * as that owner, while the outer user stays whoever started the operation:
 * a superuser's ANALYZE of a customer's table would lend the superuser's
 * rights to the customer's code.  Inside a SECURITY DEFINER function the
 * owner who started that code cannot be told apart, so no caller is
 * trusted there: every function that asks who is calling refuses (42501).
 *
 * Three kinds of caller are linked to roles by the grant_* functions:
 * app (app_role: any customer), customer (customer_role: one customer) and
 * staff (staff_role: one or more restaurants).  The owner and superusers,
 * and members of the owner's role, are trusted with everything.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"

#include "foodorder.h"

PG_FUNCTION_INFO_V1(calling_role);
PG_FUNCTION_INFO_V1(authorize_customer);
PG_FUNCTION_INFO_V1(authorize_staff);

static SPIPlanPtr may_act_for_customer_plan = NULL;
static SPIPlanPtr is_app_plan = NULL;
static SPIPlanPtr is_staff_plan = NULL;

Oid
caller_role(void)
{
	if (InSecurityRestrictedOperation())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("foodorder functions cannot be called during a security-restricted operation"),
				 errdetail("ANALYZE, VACUUM, REINDEX, CLUSTER, CREATE INDEX and REFRESH MATERIALIZED VIEW run a table owner's code as that owner on behalf of another role."),
				 errhint("Call foodorder functions from queries, not from index expressions or materialized views.")));
	return GetOuterUserId();
}

/* Name of the caller, as recorded in the audit tables. */
Datum
caller_name(void)
{
	return DirectFunctionCall1(namein,
							   CStringGetDatum(GetUserNameFromId(caller_role(), false)));
}

/*
 * The owner of the running SECURITY DEFINER function is the current user;
 * a caller with its privileges needs no grant of ours.
 */
bool
caller_is_trusted(void)
{
	return has_privs_of_role(caller_role(), GetUserId());
}

/* Run a kept "SELECT EXISTS (...)" on $1 the caller and $2 an id. */
static bool
caller_lookup(SPIPlanPtr *cache, const char *sql, int nargs, int64 id)
{
	Oid			argtypes[2] = {REGROLEOID, INT8OID};
	Datum		values[2];
	bool		isnull;
	bool		result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	values[0] = ObjectIdGetDatum(caller_role());
	values[1] = Int64GetDatum(id);
	if (SPI_execute_plan(kept_plan(cache, sql, nargs, argtypes), values, NULL,
						 true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "role lookup failed");
	result = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return result;
}

bool
caller_may_act_for_customer(int64 customer_id)
{
	return caller_is_trusted() ||
		caller_lookup(&may_act_for_customer_plan,
					  "SELECT EXISTS (SELECT FROM foodorder.app_role WHERE role = $1)"
					  " OR EXISTS (SELECT FROM foodorder.customer_role"
					  "             WHERE role = $1 AND customer_id = $2)",
					  2, customer_id);
}

bool
caller_is_app(void)
{
	return caller_lookup(&is_app_plan,
						 "SELECT EXISTS (SELECT FROM foodorder.app_role WHERE role = $1)",
						 1, 0);
}

bool
caller_is_staff_of(int64 restaurant_id)
{
	return caller_is_trusted() ||
		caller_lookup(&is_staff_plan,
					  "SELECT EXISTS (SELECT FROM foodorder.staff_role"
					  "                WHERE role = $1 AND restaurant_id = $2)",
					  2, restaurant_id);
}

void
check_may_act_for_customer(int64 customer_id)
{
	if (!caller_may_act_for_customer(customer_id))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to act for customer " INT64_FORMAT,
						customer_id),
				 errdetail("Role \"%s\" is not linked to that customer.",
						   GetUserNameFromId(caller_role(), false)),
				 errhint("The extension owner links roles with foodorder.grant_customer() or foodorder.grant_app().")));
}

void
check_is_staff_of(int64 restaurant_id)
{
	if (!caller_is_staff_of(restaurant_id))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for restaurant " INT64_FORMAT,
						restaurant_id),
				 errdetail("Role \"%s\" is not staff of that restaurant.",
						   GetUserNameFromId(caller_role(), false)),
				 errhint("The extension owner links staff with foodorder.grant_staff().")));
}

Datum
calling_role(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(caller_role());
}

/* For the PL/pgSQL functions: raise unless the caller may act so. */
Datum
authorize_customer(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("customer must not be null")));
	check_may_act_for_customer(PG_GETARG_INT64(0));
	PG_RETURN_VOID();
}

Datum
authorize_staff(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("restaurant must not be null")));
	check_is_staff_of(PG_GETARG_INT64(0));
	PG_RETURN_VOID();
}
