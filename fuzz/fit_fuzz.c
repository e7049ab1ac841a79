/*
 * fit_fuzz.c: libFuzzer target for the fit activity reader (fit_reader),
 * read whole and in chunks (fuzz_reader.h).
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader_one(&fit_reader, data, size);
}
