/* See check_main.h. */
#include "check_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int check_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *check_build_dir(void)
{
	const char *b = getenv("BUILD");
	return b && *b ? b : "build";
}

int check_engine_path(const char *argv0, const char *name, char *path, size_t size)
{
	const char *base = argv0 ? strstr(argv0, name) : NULL;
	size_t n = strlen(name);
	if (!base || base[n] != '-') {
		fprintf(stderr, "%s: cannot tell the engine pair from the program name\n",
			argv0 ? argv0 : name);
		return -1;
	}
	snprintf(path, size, "%s/engine/process/%s.so", check_build_dir(), base + n + 1);
	return 0;
}
