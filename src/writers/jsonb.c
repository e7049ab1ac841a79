/* jsonb.c: the JSON builders the writers share (see jsonb.h). */
#include "jsonb.h"

#include "alloc.h"
#include "buf.h"
#include "escape.h"
#include "rubdown/error.h"

#include <string.h>

void jb_set(int *bad, json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v))
		*bad = 1;
}

void jb_push(int *bad, json_t *a, json_t *v)
{
	if (json_array_append_new(a, v))
		*bad = 1;
}

json_t *jb_text(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (escape_utf8_valid(s, n))
		return json_stringn(s, n);
	rd_buf b = RD_BUF_INIT;
	escape_utf8_repair(&b, s, n);
	json_t *j = b.oom ? NULL : json_stringn(b.data ? b.data : "", b.len);
	rd_buf_dispose(&b);
	return j;
}

static int to_buf(const char *p, size_t n, void *ctx)
{
	rd_buf *b = ctx;
	rd_buf_put(b, p, n);
	return b->oom ? -1 : 0;
}

/* json_dump_callback, not json_dumps: jansson 2.14's json_dumps can return
 * a document with bytes missing when one of its own allocations fails
 * (found by tests/unit/oom.c); the callback form reports it. */
int jb_dump(char **out, json_t *root, int bad, size_t flags)
{
	*out = NULL;
	rd_buf b = RD_BUF_INIT;
	int rc = !root || bad || json_dump_callback(root, to_buf, &b, flags);
	json_decref(root);
	rd_buf_putc(&b, '\n');
	if (!rc && !b.oom)
		*out = rd_buf_detach(&b);
	rd_buf_dispose(&b);
	return *out ? 0 : RD_ENOMEM;
}
