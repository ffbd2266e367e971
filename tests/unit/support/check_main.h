/* The one main every Check suite binary shares. */
#ifndef TESTS_UNIT_SUPPORT_CHECK_MAIN_H
#define TESTS_UNIT_SUPPORT_CHECK_MAIN_H

#include <check.h>

/* Run every test in s (forked, CK_NORMAL output) and free it; returns the
 * process exit status: EXIT_SUCCESS when no test failed, else EXIT_FAILURE. */
int check_run_suite(Suite *s);

#endif
