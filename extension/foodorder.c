/*-------------------------------------------------------------------------
 *
 * foodorder.c
 *	  Module magic and settings of the foodorder shared library.
 *
 * The SQL-callable functions live in files named after them
 * (place_order.c); helpers they share are declared in foodorder.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "foodorder.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * The library is loaded by the first call of one of its functions in a
 * session (no shared_preload_libraries needed): a value of a setting set
 * before that, in postgresql.conf or by ALTER DATABASE/ROLE ... SET, is
 * applied now.
 */
void
_PG_init(void)
{
	define_lock_wait_setting();
}
