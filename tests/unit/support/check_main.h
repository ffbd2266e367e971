/* The one main every Check suite binary shares. */
#ifndef TESTS_UNIT_SUPPORT_CHECK_MAIN_H
#define TESTS_UNIT_SUPPORT_CHECK_MAIN_H

#include <check.h>
#include <stddef.h>

/* Run every test in s (forked, CK_NORMAL output) and free it; returns the
 * process exit status: EXIT_SUCCESS when no test failed, else EXIT_FAILURE. */
int check_run_suite(Suite *s);

/* The build directory under test, relative to the repository root: $BUILD
 * (tests/run.sh sets it: build, or build/san for make test SANITIZE=...),
 * else build. */
const char *check_build_dir(void);

/*
 * Suites built once per mmu x exec pair are named <name>-<mmu>-<exec>; fill
 * path with the hosted engine build they test (<build dir>/engine/process/
 * <mmu>-<exec>.so). Returns 0, or -1 after a message when argv0 does not
 * carry the pair.
 */
int check_engine_path(const char *argv0, const char *name, char *path, size_t size);

#endif
