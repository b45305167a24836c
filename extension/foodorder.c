/*-------------------------------------------------------------------------
 *
 * foodorder.c
 *	  Module magic of the foodorder shared library.
 *
 * The SQL-callable functions live in files named after them
 * (place_order.c); helpers they share are declared in foodorder.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
