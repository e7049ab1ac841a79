/*
 * fit_int.h: declarations shared by the files of the FIT decoder (fit.c,
 * fit_values.c) and by nothing else.  The decoder's API is fit.h.
 */
#ifndef RD_FIT_INT_H
#define RD_FIT_INT_H

#include "formats/fit.h"

#include <stdint.h>

/* Bytes of one element of each base type (enum fit_base), indexed by a
 * known base type; fit_base_size() also takes unknown numbers.  The
 * decoder reads the table directly in its per-field loops. */
extern const uint8_t fit_base_sizes[FIT_BASE_COUNT];

#endif
