/* Check suite: the watchdog's judgement (framework/watchdog.c). */
#include <check.h>

#include "support/check_main.h"
#include "watchdog.h"

#define S 1000000000ull

/* Sample once a second for secs seconds, changing what step changes; the
 * first verdict that is not FINE, and at which second. */
static enum watchdog_verdict run(struct watchdog *w, unsigned secs, struct watchdog_sample *s,
				 const struct watchdog_sample *step, unsigned *at)
{
	for (unsigned t = 1; t <= secs; t++) {
		s->progress += step->progress;
		s->heartbeat += step->heartbeat;
		s->io += step->io;
		s->idle = step->idle;
		enum watchdog_verdict v = watchdog_check(w, s, t * S);
		if (v != WATCHDOG_FINE) {
			*at = t;
			return v;
		}
	}
	return WATCHDOG_FINE;
}

START_TEST(silent_engine_is_stuck_after_30_s)
{
	struct watchdog w;
	struct watchdog_sample s = { 0 }, step = { 0 };
	unsigned at = 0;
	watchdog_init(&w, 0, 0);
	ck_assert_int_eq(run(&w, 60, &s, &step, &at), WATCHDOG_ENGINE_STUCK);
	ck_assert_uint_eq(at, WATCHDOG_ENGINE_STUCK_S);
}
END_TEST

START_TEST(safe_points_keep_it_alive)
{
	struct watchdog w;
	struct watchdog_sample s = { 0 }, step = { .heartbeat = 1 };
	unsigned at = 0;
	watchdog_init(&w, 0, 0);
	ck_assert_int_eq(run(&w, 120, &s, &step, &at), WATCHDOG_FINE);
}
END_TEST

/* Translated code running a loop of device accesses for minutes between
 * safe points (slow accesses, an instruction budget) is not stuck: the
 * ablation study's captive-full on mech:device was stopped so. */
START_TEST(device_accesses_keep_it_alive)
{
	struct watchdog w;
	struct watchdog_sample s = { 0 }, step = { .progress = 5, .io = 5 };
	unsigned at = 0;
	watchdog_init(&w, 1, 0);
	ck_assert_int_eq(run(&w, 120, &s, &step, &at), WATCHDOG_FINE);
}
END_TEST

START_TEST(waiting_is_neither_stuck_nor_without_progress)
{
	struct watchdog w;
	struct watchdog_sample s = { 0 }, step = { .idle = true };
	unsigned at = 0;
	watchdog_init(&w, 1, 0);
	ck_assert_int_eq(run(&w, 120, &s, &step, &at), WATCHDOG_FINE);
}
END_TEST

START_TEST(progress_limit_only_when_asked)
{
	struct watchdog w;
	struct watchdog_sample s = { 0 }, step = { .heartbeat = 1 };
	unsigned at = 0;
	watchdog_init(&w, 0, 0);
	ck_assert_int_eq(run(&w, 300, &s, &step, &at), WATCHDOG_FINE);
	watchdog_init(&w, 2, 0);
	s = (struct watchdog_sample){ 0 };
	ck_assert_int_eq(run(&w, 300, &s, &step, &at), WATCHDOG_NO_PROGRESS);
	ck_assert_uint_eq(at, 2);
}
END_TEST

START_TEST(short_progress_limit_shortens_the_stuck_one)
{
	struct watchdog w;
	struct watchdog_sample s = { 0 }, step = { 0 };
	unsigned at = 0;
	watchdog_init(&w, 3, 0);
	ck_assert_int_eq(run(&w, 60, &s, &step, &at), WATCHDOG_ENGINE_STUCK);
	ck_assert_uint_eq(at, 3);
}
END_TEST

static Suite *watchdog_suite(void)
{
	Suite *s = suite_create("watchdog");
	TCase *tc = tcase_create("verdicts");
	tcase_add_test(tc, silent_engine_is_stuck_after_30_s);
	tcase_add_test(tc, safe_points_keep_it_alive);
	tcase_add_test(tc, device_accesses_keep_it_alive);
	tcase_add_test(tc, waiting_is_neither_stuck_nor_without_progress);
	tcase_add_test(tc, progress_limit_only_when_asked);
	tcase_add_test(tc, short_progress_limit_shortens_the_stuck_one);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(watchdog_suite());
}
