/*
 * money.h: amounts, kept in cents, written the same way by every output.
 * A negative amount means "unknown": each caller says that in its own words.
 */
#ifndef RD_MONEY_H
#define RD_MONEY_H

#include "buf.h"

/* Appends cents as "85" or "85.50"; with cents_always, "85.00". */
static inline void rd_buf_money(rd_buf *b, long cents, int cents_always)
{
	if (cents_always || cents % 100)
		rd_buf_printf(b, "%ld.%02ld", cents / 100, cents % 100);
	else
		rd_buf_printf(b, "%ld", cents / 100);
}

#endif
