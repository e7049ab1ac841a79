/* pass.c: passes over an rd_acts (pass.h). */
#include "pass.h"
#include "rubdown/error.h"

int rd_acts_each(const rd_acts *src, int64_t from_utc, rd_each_fn fn, void *ctx)
{
	void *pass = src->open(src, from_utc);
	if (!pass)
		return RD_ENOMEM;
	const rd_activity *a;
	int rc = 0;
	while (!rc && (a = src->next(pass, &rc)))
		rc = fn(ctx, a);
	src->close(pass);
	return rc > 0 ? 0 : rc;
}

static int put_value(void *ctx, const rd_activity *a)
{
	rd_acts_values *v = ctx;
	v->put(v->sink, v->of(v->arg, a));
	return 0;
}

int rd_acts_values_pass(void *ctx, rd_put_fn put, void *sink)
{
	rd_acts_values *v = ctx;
	v->put = put;
	v->sink = sink;
	return rd_acts_each(v->src, INT64_MIN, put_value, v);
}
