// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target over the scenario loader: any bytes go through
 * scenario_load_string() exactly as `pagemig run FILE` reads a file, and
 * must come back as a scenario or as -EINVAL/-ENOMEM with exactly one
 * message line ("FILE:LINE: PATH: ...", no control characters).  A
 * scenario that loads must describe itself: a name, each step a type.
 * Anything else aborts, which the fuzzer reports as a crash; so does any
 * memory error or UB under -fsanitize=address,undefined.
 *
 * make fuzz-scenario FUZZ_SECONDS=60 (mk/fuzz.local.mk) runs it under
 * libFuzzer over the built-ins' YAML; make check replays
 * tests/data/fuzz/scenario/ through it (tests/fuzz/replay.c) with a few
 * seeded mutations of each input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workload/scenario.h"
#include "workload/steps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SCENARIO_ERR_LEN];
	struct scenario *sc;
	unsigned int i;
	const char *c;
	int ret;

	err[0] = '\0';
	ret = scenario_load_string((const char *)data, size, "fuzz.yaml", &sc,
				   err, sizeof(err));
	if (ret) {
		if (ret != -EINVAL && ret != -ENOMEM)
			abort();
		/* One line, naming the file, no raw control characters. */
		if (ret == -EINVAL && strncmp(err, "fuzz.yaml", 9))
			abort();
		for (c = err; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				abort();
		return 0;
	}
	if (!sc || !sc->name)
		abort();
	for (i = 0; i < sc->nr_steps; i++)
		if (!scenario_step_name(&sc->steps[i]))
			abort();
	scenario_free(sc);
	return 0;
}
