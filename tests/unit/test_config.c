/* Check suite: configuration parsing, validation and precedence. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "support/check_main.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/captive-test-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(defaults_are_the_documented_ones)
{
	struct captive_config c;
	config_defaults(&c);
	ck_assert_str_eq(c.strategy_backend, "kvm");
	ck_assert_str_eq(c.strategy_mmu, "softtlb");
	ck_assert_str_eq(c.strategy_exec, "interp");
	ck_assert_str_eq(c.strategy_io, "mmio-exit");
	ck_assert_str_eq(c.strategy_irq, "per-insn");
	ck_assert_uint_eq(c.guest_memory, 512u << 20);
	ck_assert(c.run_fast_clock);
	ck_assert(!c.run_strict_bus);
	ck_assert_str_eq(c.run_jit_log, "");
	ck_assert(!c.run_perf_map);
}
END_TEST

START_TEST(file_then_set_then_flag)
{
	struct captive_config c;
	config_defaults(&c);
	char *p = write_tmp("; comment\n[strategy]\nbackend = process\nio = barrier\n[guest]\nmemory = 256M\n");
	ck_assert_int_eq(config_load_file(&c, p), 0);
	unlink(p);
	ck_assert_str_eq(c.strategy_backend, "process");
	ck_assert_str_eq(c.strategy_io, "barrier");
	ck_assert_uint_eq(c.guest_memory, 256u << 20);
	ck_assert_int_eq(config_set_assignment(&c, "strategy.io=mmio-exit"), 0);
	ck_assert_int_eq(config_set_assignment(&c, "guest.memory=128M"), 0);
	ck_assert_int_eq(config_set(&c, "flag", "guest", "memory", "64M"), 0);
	ck_assert_str_eq(c.strategy_io, "mmio-exit");
	ck_assert_uint_eq(c.guest_memory, 64u << 20);
}
END_TEST

START_TEST(unknown_key_and_value_rejected)
{
	struct captive_config c;
	config_defaults(&c);
	ck_assert_int_ne(config_set(&c, "t", "strategy", "nope", "x"), 0);
	ck_assert_int_ne(config_set(&c, "t", "nosection", "backend", "kvm"), 0);
	ck_assert_int_ne(config_set(&c, "t", "strategy", "mmu", "magic"), 0);
	ck_assert_int_ne(config_set(&c, "t", "strategy", "mmu", "soft"), 0);
	ck_assert_int_ne(config_set(&c, "t", "strategy", "mmu", "softtlbx"), 0);
	ck_assert_int_ne(config_set(&c, "t", "run", "strict_bus", "maybe"), 0);
	ck_assert_int_ne(config_set(&c, "t", "run", "timeout", "-1"), 0);
	ck_assert_int_ne(config_set(&c, "t", "run", "timeout", " -0"), 0);
	ck_assert_int_ne(config_set(&c, "t", "run", "timeout", "+5"), 0);
	ck_assert_int_ne(config_set(&c, "t", "run", "timeout", "12s"), 0);
	ck_assert_int_ne(config_set(&c, "t", "run", "perf_map", "sometimes"), 0);
	ck_assert_int_ne(config_set(&c, "t", "run", "jit_logs", "x.log"), 0);
	ck_assert_str_eq(c.strategy_mmu, "softtlb");
	ck_assert(!c.run_perf_map);
}
END_TEST

START_TEST(memory_range)
{
	struct captive_config c;
	config_defaults(&c);
	ck_assert_int_eq(config_set(&c, "t", "guest", "memory", "1024M"), 0);
	ck_assert_int_eq(config_set(&c, "t", "guest", "memory", "1G"), 0);
	ck_assert_uint_eq(c.guest_memory, 1u << 30);
	ck_assert_int_ne(config_set(&c, "t", "guest", "memory", "1025M"), 0);
	ck_assert_int_ne(config_set(&c, "t", "guest", "memory", "8M"), 0);
	ck_assert_int_ne(config_set(&c, "t", "guest", "memory", "lots"), 0);
	ck_assert_uint_eq(c.guest_memory, 1u << 30);
}
END_TEST

START_TEST(sizes)
{
	uint64_t v;
	ck_assert_int_eq(config_parse_size("512", &v), 0); /* bare: MiB, as QEMU's -m */
	ck_assert_uint_eq(v, 512u << 20);
	ck_assert_int_eq(config_parse_size("4096B", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_ne(config_parse_size("4096BB", &v), 0);
	ck_assert_int_eq(config_parse_size("2k", &v), 0);
	ck_assert_uint_eq(v, 2048);
	ck_assert_int_eq(config_parse_size("3MiB", &v), 0);
	ck_assert_uint_eq(v, 3u << 20);
	ck_assert_int_ne(config_parse_size("", &v), 0);
	ck_assert_int_ne(config_parse_size("1T", &v), 0);
	ck_assert_int_ne(config_parse_size("-5M", &v), 0);
	ck_assert_int_ne(config_parse_size(" -4B", &v), 0); /* strtoull would negate it */
	ck_assert_int_ne(config_parse_size("+5M", &v), 0);
	ck_assert_int_ne(config_parse_size("99999999999999999999G", &v), 0);
}
END_TEST

START_TEST(bad_files)
{
	struct captive_config c;
	config_defaults(&c);
	ck_assert_int_ne(config_load_file(&c, "/nonexistent/captive.ini"), 0);
	char *p = write_tmp("[strategy]\nthis is not a key value line\n");
	ck_assert_int_ne(config_load_file(&c, p), 0);
	unlink(p);
	p = write_tmp("backend = kvm\n");
	ck_assert_int_ne(config_load_file(&c, p), 0);
	unlink(p);
	ck_assert_int_ne(config_set_assignment(&c, "backend=kvm"), 0);
	ck_assert_int_ne(config_set_assignment(&c, "strategy.backend"), 0);
	ck_assert_int_ne(config_set_assignment(&c, ".x=1"), 0);
}
END_TEST

START_TEST(dump_round_trips)
{
	struct captive_config a, b;
	config_defaults(&a);
	ck_assert_int_eq(config_set_assignment(&a, "strategy.irq=per-block"), 0);
	ck_assert_int_eq(config_set_assignment(&a, "run.strict_bus=true"), 0);
	ck_assert_int_eq(config_set_assignment(&a, "guest.cmdline=console=ttyAMA0 quiet"), 0);
	ck_assert_int_eq(config_set_assignment(&a, "run.jit_log=/tmp/jit=log.txt"), 0);
	ck_assert_int_eq(config_set_assignment(&a, "run.perf_map=true"), 0);
	/* read back only if dumped as "key=value": after a space a leading ';'
	 * is a comment, and with " = " the jit_log line would be one character
	 * over the reader's limit */
	ck_assert_int_eq(config_set_assignment(&a, "debug.gdb=;x"), 0);
	char long_path[256] = "run.jit_log=/";
	memset(long_path + 13, 'p', 188); /* a 189-character value */
	ck_assert_int_eq(config_set_assignment(&a, long_path), 0);
	char path[] = "/tmp/captive-dump-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	config_dump(&a, f);
	fclose(f);
	config_defaults(&b);
	ck_assert_int_eq(config_load_file(&b, path), 0);
	unlink(path);
	ck_assert_str_eq(b.strategy_irq, "per-block");
	ck_assert(b.run_strict_bus);
	ck_assert_str_eq(b.guest_cmdline, "console=ttyAMA0 quiet");
	ck_assert_str_eq(b.run_jit_log, a.run_jit_log);
	ck_assert_str_eq(b.debug_gdb, ";x");
	ck_assert(b.run_perf_map);
	ck_assert_uint_eq(b.guest_memory, a.guest_memory);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, defaults_are_the_documented_ones);
	tcase_add_test(tc, file_then_set_then_flag);
	tcase_add_test(tc, unknown_key_and_value_rejected);
	tcase_add_test(tc, memory_range);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, bad_files);
	tcase_add_test(tc, dump_round_trips);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(config_suite());
}
