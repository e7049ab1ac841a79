/*
 * gpx_fuzz.c: libFuzzer target for the gpx activity reader (gpx_reader),
 * read whole and in chunks (fuzz_reader.h).
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader_one(&gpx_reader, data, size);
}
