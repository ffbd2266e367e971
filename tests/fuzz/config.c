/*
 * Fuzz harness: the configuration parsers (framework/config.c).
 *
 * Input: an INI file, then after the first NUL byte any number of
 * newline-separated `--set` assignments. The file goes through
 * config_load_file (from a memfd, by its /proc path), each assignment
 * through config_set_assignment and its value through config_parse_size.
 *
 * Invariants checked beyond the sanitizers:
 *   - a number that was accepted (SIZE or UINT key, or config_parse_size)
 *     had no minus sign: the parsers promise whole numbers;
 *   - a configuration that loaded from a file dumps (config_dump) to an INI
 *     file that loads again to the same dump (--dump-config is meant to be
 *     fed back with -c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_support.h"

static int ini_fd = -1;
static int dump_fd = -1;
static struct captive_config cfg, again;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	ini_fd = fuzz_memfd("fuzz-config.ini");
	dump_fd = fuzz_memfd("fuzz-config-dump.ini");
	return 0;
}

/* The configuration as --dump-config prints it, malloc'd. */
static char *dump_text(const struct captive_config *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	FUZZ_CHECK(f);
	config_dump(c, f);
	FUZZ_CHECK(fclose(f) == 0);
	return text;
}

/* The key `section.key` in an assignment, if it is a numeric one. */
static bool numeric_key(const char *assignment)
{
	for (unsigned i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		size_t sl = strlen(k->section), kl = strlen(k->key);

		if (!strncmp(assignment, k->section, sl) && assignment[sl] == '.' &&
		    !strncmp(assignment + sl + 1, k->key, kl) && assignment[sl + 1 + kl] == '=')
			return k->type == CONFIG_SIZE || k->type == CONFIG_UINT;
	}
	return false;
}

static void check_dump_round_trip(void)
{
	char path[64];
	size_t len, len2;
	char *text = dump_text(&cfg, &len);

	fuzz_memfd_set(dump_fd, text, len);
	config_defaults(&again);
	FUZZ_CHECK(config_load_file(&again, fuzz_fd_path(dump_fd, path, sizeof(path))) == 0);
	char *text2 = dump_text(&again, &len2);
	FUZZ_CHECK(len == len2 && !memcmp(text, text2, len));
	free(text2);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t ini_len = nul ? (size_t)(nul - data) : size;
	char path[64];

	config_defaults(&cfg);
	fuzz_memfd_set(ini_fd, data, ini_len);
	if (config_load_file(&cfg, fuzz_fd_path(ini_fd, path, sizeof(path))) == 0)
		check_dump_round_trip();
	if (!nul)
		return 0;

	/* The assignments, each as its own NUL-terminated string. */
	size_t rest = size - ini_len - 1;
	char *sets = malloc(rest + 1);

	FUZZ_CHECK(sets);
	memcpy(sets, nul + 1, rest);
	sets[rest] = '\0';
	for (char *line = sets, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		const char *eq = strchr(line, '=');
		const char *value = eq ? eq + 1 : line;
		uint64_t v;

		if (config_set_assignment(&cfg, line) == 0 && numeric_key(line))
			FUZZ_CHECK(!strchr(value, '-'));
		if (config_parse_size(value, &v) == 0)
			FUZZ_CHECK(!strchr(value, '-'));
	}
	free(sets);
	return 0;
}
