/* pass.c: passes over an rd_acts (pass.h). */
#include "pass.h"
#include "rubdown/error.h"

int acts_each(const rd_acts *src, int64_t from_utc, acts_each_fn fn, void *ctx)
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
	acts_values *v = ctx;
	v->put(v->sink, v->of(v->arg, a));
	return 0;
}

int acts_values_pass(void *ctx, select_put_fn put, void *sink)
{
	acts_values *v = ctx;
	v->put = put;
	v->sink = sink;
	return acts_each(v->src, INT64_MIN, put_value, v);
}
