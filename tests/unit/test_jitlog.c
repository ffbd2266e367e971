/* Check suite: run.jit_log and run.perf_map (framework/jitlog.c), fed
 * blocks by hand, wrong ones included. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "jitlog.h"
#include "support/check_main.h"

#define RAM_BASE 0x60000000u
#define RAM_SIZE 0x10000u

static uint8_t ram[RAM_SIZE];
/* mov rax, rbx; add rax, 1; ret */
static const uint8_t host_code[] = { 0x48, 0x89, 0xd8, 0x48, 0x83, 0xc0, 0x01, 0xc3 };
/* a slow path: xor ecx, ecx; call $+0 (rel32 0) */
static const uint8_t cold_code[] = { 0x31, 0xc9, 0xe8, 0x00, 0x00, 0x00, 0x00 };
static char log_path[64];
static struct captive_config cfg;
/* the process backend: host code read from this process */
static const struct jitlog_code self;

static void setup(void)
{
	snprintf(log_path, sizeof(log_path), "/tmp/captive-jitlog-XXXXXX");
	int fd = mkstemp(log_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* a map left under this pid by an earlier process (perf runs leave
	 * theirs) would pass for one these tests must not write */
	char map[64];
	snprintf(map, sizeof(map), "/tmp/perf-%d.map", (int)getpid());
	unlink(map);
	config_defaults(&cfg);
	ck_assert_int_eq(config_set_assignment(&cfg, "strategy.backend=process"), 0);
	ck_assert_int_eq(config_set_assignment(&cfg, "strategy.exec=jit"), 0);
	ck_assert_int_eq(config_set(&cfg, "t", "run", "jit_log", log_path), 0);
	/* mov r0, #5; bx lr */
	const uint32_t a32[] = { 0xe3a00005, 0xe12fff1e };
	memcpy(ram + 0x100, a32, sizeof(a32));
}

static void teardown(void)
{
	unlink(log_path);
}

/* The whole file, to be freed. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char *buf = NULL;
	size_t size = 0, n = 0;
	do {
		size = size ? 2 * size : 1 << 16;
		buf = realloc(buf, size);
		ck_assert_ptr_nonnull(buf);
		n += fread(buf + n, 1, size - 1 - n, f);
	} while (n == size - 1);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct captive_jit_block good_block(void)
{
	return (struct captive_jit_block){
		.host_code = (uint64_t)(uintptr_t)host_code,
		.host_len = sizeof(host_code),
		.guest_pa = RAM_BASE + 0x100,
		.guest_va = 0xc0000100,
		.guest_bytes = 8,
		.ninsn = 2,
	};
}

/* The log of b alone (process: host code read from this process), to be
 * freed. */
static char *log_of(const struct captive_jit_block *b)
{
	struct jitlog *jl;
	ck_assert_int_eq(jitlog_open(&jl, &cfg), 0);
	ck_assert(jitlog_wants_blocks(jl));
	jitlog_block(jl, b, ram, RAM_BASE, RAM_SIZE, &self);
	ck_assert_int_eq(jitlog_close(jl), 0);
	return slurp(log_path);
}

START_TEST(block_disassembled)
{
	const struct captive_jit_block b = good_block();
	char *log = log_of(&b);
	ck_assert_ptr_nonnull(strstr(log, "block 1: va 0xc0000100 pa 0x60000100 A32 insns 2"));
	ck_assert_ptr_nonnull(strstr(log, "0xc0000100:  e3a00005"));
	ck_assert_ptr_nonnull(strstr(log, "mov      r0, #5"));
	ck_assert_ptr_nonnull(strstr(log, "0xc0000104:  e12fff1e"));
	ck_assert_ptr_nonnull(strstr(log, "bx       lr"));
	ck_assert_ptr_nonnull(strstr(log, "ir: none"));
	ck_assert_ptr_nonnull(strstr(log, "48 89 d8"));
	ck_assert_ptr_nonnull(strstr(log, "mov      rax, rbx"));
	ck_assert_ptr_nonnull(strstr(log, "ret"));
	ck_assert_ptr_null(strstr(log, "out of line"));
	free(log);
}
END_TEST

/* A block's slow paths (out of line, elsewhere in the code cache) follow
 * its hot code under their own heading. */
START_TEST(slow_paths_disassembled)
{
	struct captive_jit_block b = good_block();
	b.cold_code = (uint64_t)(uintptr_t)cold_code;
	b.cold_len = sizeof(cold_code);
	char *log = log_of(&b);
	const char *hot = strstr(log, "host (x86-64, 8 bytes):");
	const char *cold = strstr(log, "host, out of line (slow paths) (x86-64, 7 bytes):");
	ck_assert_ptr_nonnull(hot);
	ck_assert_ptr_nonnull(cold);
	ck_assert(cold > strstr(hot, "ret"));
	ck_assert_ptr_nonnull(strstr(cold, "xor      ecx, ecx"));
	ck_assert_ptr_nonnull(strstr(cold, "call"));
	free(log);
}
END_TEST

START_TEST(one_off_t32_from_raw)
{
	struct jitlog *jl;
	ck_assert_int_eq(jitlog_open(&jl, &cfg), 0);
	/* outside RAM: only `raw` can say what it was */
	struct captive_jit_block b = good_block();
	b.guest_pa = 0x10000000;
	b.guest_va = 0x10000000;
	b.thumb = 1;
	b.one_off = 1;
	b.ninsn = 1;
	b.guest_bytes = 4;
	b.raw = 0xf000f800; /* bl . + 4 */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b.guest_bytes = 2;
	b.raw = 0x47700000; /* bx lr */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	ck_assert_int_eq(jitlog_close(jl), 0);
	char *log = slurp(log_path);
	ck_assert_ptr_nonnull(strstr(log, "T32 insns 1 guest bytes 4"));
	ck_assert_ptr_nonnull(strstr(log, "one-off"));
	ck_assert_ptr_nonnull(strstr(log, "0x10000000:  f000 f800"));
	ck_assert_ptr_nonnull(strstr(log, "bl "));
	ck_assert_ptr_nonnull(strstr(log, "0x10000000:  4770"));
	ck_assert_ptr_nonnull(strstr(log, "bx       lr"));
	free(log);
}
END_TEST

/* What the engine says is checked: wrong values give a line, not a crash. */
START_TEST(wrong_values_survived)
{
	struct jitlog *jl;
	ck_assert_int_eq(jitlog_open(&jl, &cfg), 0);
	struct captive_jit_block b = good_block();
	b.guest_pa = RAM_BASE - 4; /* below RAM */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b.guest_pa = RAM_BASE + RAM_SIZE - 4; /* runs off the end */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b.guest_pa = UINT64_MAX - 2; /* wraps */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b = good_block();
	b.guest_bytes = 0xffffffff;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b = good_block();
	b.host_code = 0x10; /* unmapped */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b.host_code = UINT64_MAX - 3;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b = good_block();
	b.host_len = 0xffffffff;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b = good_block();
	b.one_off = 1;
	b.guest_bytes = 3;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b = good_block();
	b.thumb = 7;
	b.guest_bytes = 7; /* odd: the last byte is shown raw */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	ck_assert_int_eq(jitlog_close(jl), 0);
	char *log = slurp(log_path);
	ck_assert_ptr_nonnull(strstr(log, "are not within one page of guest RAM"));
	ck_assert_ptr_nonnull(strstr(log, "cannot read host code at 0x10:"));
	ck_assert_ptr_nonnull(strstr(log, "only the first"));
	ck_assert_ptr_nonnull(strstr(log, "not an instruction's length"));
	ck_assert_ptr_nonnull(strstr(log, "block 9:"));
	free(log);
}
END_TEST

START_TEST(perf_map_lines)
{
	struct jitlog *jl;
	char map[64];
	ck_assert_int_eq(config_set_assignment(&cfg, "run.perf_map=true"), 0);
	ck_assert_int_eq(jitlog_open(&jl, &cfg), 0);
	struct captive_jit_block b = good_block();
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	b.thumb = 1;
	b.guest_va = 0x8001;
	b.host_code = 0x7f0000001000;
	b.host_len = 0x40;
	b.cold_code = 0x7f0030000000;
	b.cold_len = 0x24;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &self);
	ck_assert_int_eq(jitlog_close(jl), 0);
	snprintf(map, sizeof(map), "/tmp/perf-%d.map", (int)getpid());
	char want[160];
	snprintf(want, sizeof(want),
		 "%lx 8 guest_c0000100_A32\n7f0000001000 40 guest_00008001_T32\n"
		 "7f0030000000 24 guest_00008001_T32_slow\n",
		 (unsigned long)(uintptr_t)host_code);
	char *got = slurp(map);
	unlink(map);
	ck_assert_str_eq(got, want);
	free(got);
}
END_TEST

START_TEST(interp_logs_a_note)
{
	struct jitlog *jl;
	char map[64];
	ck_assert_int_eq(config_set_assignment(&cfg, "strategy.exec=interp"), 0);
	ck_assert_int_eq(config_set_assignment(&cfg, "run.perf_map=true"), 0);
	ck_assert_int_eq(jitlog_open(&jl, &cfg), 0);
	ck_assert(!jitlog_wants_blocks(jl));
	ck_assert_int_eq(jitlog_close(jl), 0);
	char *log = slurp(log_path);
	ck_assert_ptr_nonnull(strstr(log, "no blocks follow"));
	free(log);
	snprintf(map, sizeof(map), "/tmp/perf-%d.map", (int)getpid());
	ck_assert_int_ne(access(map, F_OK), 0);
}
END_TEST

/* kvm: host code is read from the engine slot's host mapping, by engine
 * address; addresses outside the slot are refused, a length running off its
 * end is cut; perf gets no map (host perf cannot sample the native VM). */
START_TEST(kvm_code_read_from_the_engine_slot)
{
	static uint8_t slot[0x3000];
	const uint64_t base = 0xffffffff80000000ull;
	const struct jitlog_code engine = { slot, base, sizeof(slot) };
	struct jitlog *jl;
	char map[64];

	ck_assert_int_eq(config_set_assignment(&cfg, "strategy.backend=kvm"), 0);
	ck_assert_int_eq(config_set_assignment(&cfg, "run.perf_map=true"), 0);
	ck_assert_int_eq(jitlog_open(&jl, &cfg), 0);
	ck_assert(jitlog_wants_blocks(jl));
	memcpy(slot + 0x1000, host_code, sizeof(host_code));
	struct captive_jit_block b = good_block();
	b.host_code = base + 0x1000;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &engine);
	b.host_code = base + sizeof(slot) - 3;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &engine);
	b.host_code = (uint64_t)(uintptr_t)host_code; /* a host address, not the engine's */
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &engine);
	b.host_code = base - 8;
	jitlog_block(jl, &b, ram, RAM_BASE, RAM_SIZE, &engine);
	ck_assert_int_eq(jitlog_close(jl), 0);
	char *log = slurp(log_path);
	ck_assert_ptr_nonnull(strstr(log, "0xffffffff80001000"));
	ck_assert_ptr_nonnull(strstr(log, "mov      rax, rbx"));
	ck_assert_ptr_nonnull(strstr(log, "(only 3 of the 8 bytes at 0xffffffff80002ffd are mapped)"));
	char want[96];
	snprintf(want, sizeof(want), "(cannot read host code at 0x%lx:",
		 (unsigned long)(uintptr_t)host_code);
	ck_assert_ptr_nonnull(strstr(log, want));
	ck_assert_ptr_nonnull(strstr(log, "(cannot read host code at 0xffffffff7ffffff8:"));
	free(log);
	snprintf(map, sizeof(map), "/tmp/perf-%d.map", (int)getpid());
	ck_assert_int_ne(access(map, F_OK), 0);
}
END_TEST

START_TEST(unwritable_path_is_an_error)
{
	struct jitlog *jl = (struct jitlog *)1;
	ck_assert_int_eq(config_set_assignment(&cfg, "run.jit_log=/nonexistent/dir/jit.log"), 0);
	ck_assert_int_lt(jitlog_open(&jl, &cfg), 0);
	ck_assert_ptr_null(jl);
}
END_TEST

START_TEST(nothing_asked_nothing_opened)
{
	struct jitlog *jl = (struct jitlog *)1;
	ck_assert_int_eq(config_set_assignment(&cfg, "run.jit_log="), 0);
	ck_assert_int_eq(jitlog_open(&jl, &cfg), 0);
	ck_assert_ptr_null(jl);
	ck_assert(!jitlog_wants_blocks(jl));
	ck_assert_int_eq(jitlog_close(jl), 0);
}
END_TEST

static Suite *jitlog_suite(void)
{
	Suite *s = suite_create("jitlog");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, block_disassembled);
	tcase_add_test(tc, slow_paths_disassembled);
	tcase_add_test(tc, one_off_t32_from_raw);
	tcase_add_test(tc, wrong_values_survived);
	tcase_add_test(tc, perf_map_lines);
	tcase_add_test(tc, interp_logs_a_note);
	tcase_add_test(tc, kvm_code_read_from_the_engine_slot);
	tcase_add_test(tc, unwritable_path_is_an_error);
	tcase_add_test(tc, nothing_asked_nothing_opened);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(jitlog_suite());
}
