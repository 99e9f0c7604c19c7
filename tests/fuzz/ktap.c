/* KTAP as report and diff read it: the input is a cell folder's one .ktap
 * file, read by cell_cases() (runners/report.c). */
#include <json-c/json.h>
#include <stdlib.h>

#include "fuzz.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();

	if (fuzz_write(dir, "suite.file.ktap", (const char *)data, size))
		abort();
	json_object_put(cell_cases(dir));
	return 0;
}
