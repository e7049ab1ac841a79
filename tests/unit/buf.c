/* The byte buffer, and allocation failure making it sticky-oom. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "rubdown/error.h"

static void append_and_detach(void **state)
{
	(void)state;
	rd_buf b = RD_BUF_INIT;
	for (int i = 0; i < 1000; i++)
		rd_buf_printf(&b, "%d,", i);
	assert_false(b.oom);
	assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
	assert_int_equal(b.len, strlen(b.data));
	char *s = rd_buf_detach(&b);
	assert_null(b.data);
	rd_free(s);
}

static void oom_is_sticky(void **state)
{
	(void)state;
	rd_buf b = RD_BUF_INIT;
	rd_alloc_fail_at(1);
	rd_buf_puts(&b, "hello");
	rd_alloc_fail_at(0);
	assert_true(b.oom);
	rd_buf_puts(&b, "world");
	assert_true(b.oom);
	assert_int_equal(b.len, 0);
	rd_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_detach),
		cmocka_unit_test(oom_is_sticky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
