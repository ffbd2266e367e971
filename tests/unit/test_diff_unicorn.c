/*
 * Differential testing against Unicorn (CPU model Cortex-A9): random A32
 * instruction sequences run in every hosted engine build
 * (every .so in build/engine/process, driven through the in-process engine API) and
 * in Unicorn from the same registers, flags and memory; registers, flags and
 * the sandbox page must match afterwards.
 *
 * The generator emits only architecturally defined encodings (no
 * UNPREDICTABLE register combinations, no PC operands, memory only inside the
 * sandbox page), so any difference is a bug on one side.
 *
 * Environment: CAPTIVE_DIFF_SEQS (sequences per engine, default 14000),
 * CAPTIVE_DIFF_SEED (default fixed, for reproducibility).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "engine_api.h"

#define CODE_PA 0x60000000u
#define SANDBOX_PA 0x60100000u
#define SANDBOX_SIZE 0x1000u
#define RAM_SIZE (16u << 20)
#define SEQ_MAX 32
#define CPSR_FLAGS 0xf80f0000u /* N Z C V Q and GE[3:0] */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t pick(uint32_t n)
{
	return rnd() % n;
}

/* r0-r9 are free; r10 is a small index (0..0x3c); r11 is a fixed pointer to
 * the sandbox middle; r12 is a sandbox pointer that writeback forms move. */
static uint32_t reg_free(void)
{
	return pick(10);
}

static uint32_t cond(void)
{
	return pick(4) ? 0xeu : pick(14);
}

/* A data-processing operation; compare ops always set flags. */
static uint32_t gen_dp(void)
{
	uint32_t op = pick(16);
	uint32_t s = (op >= 8 && op <= 11) ? 1 : pick(2);
	uint32_t rd = (op >= 8 && op <= 11) ? 0 : reg_free();
	uint32_t rn = (op == 13 || op == 15) ? 0 : pick(12);
	uint32_t base = cond() << 28 | op << 21 | s << 20 | rn << 16 | rd << 12;
	switch (pick(3)) {
	case 0:
		return base | 1u << 25 | pick(16) << 8 | (rnd() & 0xff);
	case 1:
		return base | (rnd() & 0x1f) << 7 | pick(4) << 5 | pick(12);
	default:
		return base | pick(12) << 8 | pick(4) << 5 | 1u << 4 | pick(12);
	}
}

static uint32_t gen_mul(void)
{
	uint32_t c = cond() << 28, rm = pick(12), rs = pick(12);
	switch (pick(4)) {
	case 0: { /* MUL/MLA (MUL's Ra field should be zero) */
		uint32_t a = pick(2);
		return c | a << 21 | pick(2) << 20 | reg_free() << 16 | (a ? pick(12) : 0) << 12 |
		       rs << 8 | 0x90 | rm;
	}
	case 1: /* MLS */
		return c | 0x00600090 | reg_free() << 16 | pick(12) << 12 | rs << 8 | rm;
	default: { /* UMULL UMLAL SMULL SMLAL UMAAL */
		uint32_t lo = reg_free(), hi;
		do
			hi = reg_free();
		while (hi == lo);
		uint32_t op = pick(5);
		uint32_t opc = op == 4 ? 0x2 : 0x4 | op;
		uint32_t s = op == 4 ? 0 : pick(2);
		return c | opc << 21 | s << 20 | hi << 16 | lo << 12 | rs << 8 | 0x90 | rm;
	}
	}
}

static uint32_t gen_misc(void)
{
	uint32_t c = cond() << 28, rd = reg_free(), rm = pick(12);
	switch (pick(9)) {
	case 0: /* CLZ */
		return c | 0x016f0f10 | rd << 12 | rm;
	case 1: /* REV REV16 RBIT REVSH */ {
		static const uint32_t ops[] = { 0x06bf0f30, 0x06bf0fb0, 0x06ff0f30, 0x06ff0fb0 };
		return c | ops[pick(4)] | rd << 12 | rm;
	}
	case 2: /* SXTB SXTH UXTB UXTH SXTB16 UXTB16, and the accumulate forms */ {
		static const uint32_t ops[] = { 0x06a00070, 0x06b00070, 0x06e00070,
						0x06f00070, 0x06800070, 0x06c00070 };
		uint32_t rn = pick(3) ? 15 : pick(12);
		return c | ops[pick(6)] | rn << 16 | rd << 12 | pick(4) << 10 | rm;
	}
	case 3: /* UBFX SBFX */ {
		uint32_t lsb = pick(32), width = 1 + pick(32 - lsb);
		return c | (pick(2) ? 0x07e00050 : 0x07a00050) | (width - 1) << 16 | rd << 12 |
		       lsb << 7 | rm;
	}
	case 4: /* BFI BFC */ {
		uint32_t lsb = pick(32), msb = lsb + pick(32 - lsb);
		return c | 0x07c00010 | msb << 16 | rd << 12 | lsb << 7 | (pick(4) ? rm : 15);
	}
	case 5: /* MOVW MOVT */
		return c | (pick(2) ? 0x03000000 : 0x03400000) | (rnd() & 0xf) << 16 | rd << 12 |
		       (rnd() & 0xfff);
	case 6: /* SSAT USAT */
		return c | (pick(2) ? 0x06a00010 : 0x06e00010) | pick(32) << 16 | rd << 12 |
		       pick(32) << 7 | pick(2) << 6 | rm;
	case 7: /* QADD QSUB QDADD QDSUB */
		return c | 0x01000050 | pick(4) << 21 | pick(12) << 16 | rd << 12 | rm;
	default: /* SMULxy SMLAxy SMULWy SMLAWy */ {
		uint32_t op = pick(3);
		uint32_t ra = op == 2 ? 0 : pick(12);
		uint32_t bits = op == 0 ? 0x01600080 : op == 1 ? 0x01000080 : 0x012000a0;
		return c | bits | rd << 16 | ra << 12 | pick(12) << 8 | pick(4) << 5 | rm;
	}
	}
}

/* Loads and stores inside the sandbox. */
static uint32_t gen_mem(void)
{
	uint32_t c = cond() << 28, rt = reg_free(), l = pick(2);
	switch (pick(5)) {
	case 0: /* LDR/STR/LDRB/STRB, immediate offset from r11 */
		return c | 0x05000000 | pick(2) << 23 | pick(2) << 22 | l << 20 | 11u << 16 |
		       rt << 12 | pick(0x7fc);
	case 1: /* register offset r11 +/- r10 LSL #0..2 */
		return c | 0x07000000 | pick(2) << 23 | pick(2) << 22 | l << 20 | 11u << 16 |
		       rt << 12 | pick(3) << 7 | 10u;
	case 2: { /* pre/post-indexed with writeback on r12, small steps */
		uint32_t p = pick(2), w = p ? 1 : 0;
		/* word steps: r12 is also an LDM/STM base, which must stay aligned */
		return c | 0x04000000 | p << 24 | pick(2) << 23 | pick(2) << 22 | w << 21 |
		       l << 20 | 12u << 16 | rt << 12 | 4 * pick(8);
	}
	case 3: { /* halfword and signed forms, immediate offset from r11 */
		uint32_t sh = l ? 1 + pick(3) : 1;
		uint32_t off = pick(0x100);
		return c | 0x01400090 | pick(2) << 23 | l << 20 | 11u << 16 | rt << 12 |
		       (off >> 4) << 8 | sh << 5 | (off & 0xf);
	}
	default: { /* LDRD/STRD (even Rt, word-aligned offset) or LDM/STM */
		if (pick(2)) {
			uint32_t t = 2 * pick(5), off = 4 * pick(0x40);
			return c | 0x014000d0 | pick(2) << 23 | (pick(2) ? 0 : 0x20) | 11u << 16 |
			       t << 12 | (off >> 4) << 8 | (off & 0xf);
		}
		uint32_t list = (rnd() & 0x3ff) | 1u << reg_free();
		uint32_t mode = pick(4), wb = pick(2);
		uint32_t base = wb ? 12u : 11u;
		return c | 0x08000000 | mode << 23 | wb << 21 | l << 20 | base << 16 | list;
	}
	}
}

static uint32_t gen_insn(void)
{
	switch (pick(8)) {
	case 0:
	case 1:
	case 2:
		return gen_dp();
	case 3:
		return gen_mul();
	case 4:
	case 5:
		return gen_misc();
	default:
		return gen_mem();
	}
}

struct seq {
	uint32_t insns[SEQ_MAX];
	unsigned n;
	uint32_t regs[16];
	uint32_t cpsr;
	uint8_t sandbox[SANDBOX_SIZE];
};

static void gen_seq(struct seq *s)
{
	s->n = 1 + pick(SEQ_MAX);
	for (unsigned i = 0; i < s->n; i++)
		s->insns[i] = gen_insn();
	for (int i = 0; i < 10; i++)
		s->regs[i] = pick(4) ? rnd() : (uint32_t[]){ 0, 1, 0x80000000u, 0xffffffffu,
							   0x7fffffffu }[pick(5)];
	s->regs[10] = 4 * pick(16);
	s->regs[11] = SANDBOX_PA + 0x800;
	s->regs[12] = SANDBOX_PA + 0x800;
	s->regs[13] = rnd();
	s->regs[14] = rnd();
	s->regs[15] = CODE_PA;
	s->cpsr = (rnd() & 0xf0000000u) | 0x1d3u;
	for (unsigned i = 0; i < SANDBOX_SIZE; i++)
		s->sandbox[i] = (uint8_t)rnd();
}

struct outcome {
	uint32_t regs[16];
	uint32_t cpsr;
	uint8_t sandbox[SANDBOX_SIZE];
};

static const int uc_regs[16] = {
	UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
	UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
	UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
	UC_ARM_REG_R12, UC_ARM_REG_R13, UC_ARM_REG_R14, UC_ARM_REG_R15,
};

static int run_unicorn(const struct seq *s, struct outcome *o)
{
	uc_engine *uc;
	if (uc_open(UC_ARCH_ARM, UC_MODE_ARM, &uc) != UC_ERR_OK)
		return -1;
	uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_A9);
	uc_mem_map(uc, CODE_PA, 0x1000, UC_PROT_ALL);
	uc_mem_map(uc, SANDBOX_PA, SANDBOX_SIZE, UC_PROT_READ | UC_PROT_WRITE);
	uc_mem_write(uc, CODE_PA, s->insns, 4 * s->n);
	uc_mem_write(uc, SANDBOX_PA, s->sandbox, SANDBOX_SIZE);
	uint32_t cpsr = s->cpsr;
	uc_reg_write(uc, UC_ARM_REG_CPSR, &cpsr);
	for (int i = 0; i < 15; i++)
		uc_reg_write(uc, uc_regs[i], &s->regs[i]);
	uc_err err = uc_emu_start(uc, CODE_PA, CODE_PA + 4 * s->n, 0, s->n);
	for (int i = 0; i < 16; i++)
		uc_reg_read(uc, uc_regs[i], &o->regs[i]);
	uc_reg_read(uc, UC_ARM_REG_CPSR, &o->cpsr);
	uc_mem_read(uc, SANDBOX_PA, o->sandbox, SANDBOX_SIZE);
	uc_close(uc);
	return err == UC_ERR_OK ? 0 : -1;
}

static int run_engine(struct engine_inst *ei, const struct seq *s, struct outcome *o)
{
	struct captive_shared *sh = engine_api_shared(ei);
	uint8_t *ram = engine_api_ram(ei);
	memcpy(ram + (CODE_PA - CODE_PA), s->insns, 4 * s->n);
	memcpy(ram + (SANDBOX_PA - CODE_PA), s->sandbox, SANDBOX_SIZE);
	memset(&sh->boot, 0, sizeof(sh->boot));
	memcpy(sh->boot.r, s->regs, sizeof(s->regs));
	sh->boot.cpsr = s->cpsr;
	int reason = engine_api_run(ei, s->n);
	memcpy(o->regs, sh->state.r, sizeof(o->regs));
	o->cpsr = sh->state.cpsr;
	memcpy(o->sandbox, ram + (SANDBOX_PA - CODE_PA), SANDBOX_SIZE);
	return reason == CAPTIVE_STOP_INSN_LIMIT ? 0 : -1;
}

static void report(const char *engine, const struct seq *s, const struct outcome *a,
		   const struct outcome *b)
{
	fprintf(stderr, "difference in %s for sequence:\n", engine);
	for (unsigned i = 0; i < s->n; i++)
		fprintf(stderr, "  %08x: %08x\n", CODE_PA + 4 * i, s->insns[i]);
	fprintf(stderr, "  initial cpsr %08x", s->cpsr);
	for (int i = 0; i < 16; i++)
		fprintf(stderr, "%s r%d=%08x", i % 6 ? "" : "\n ", i, s->regs[i]);
	fprintf(stderr, "\n  reg   captive   unicorn\n");
	for (int i = 0; i < 16; i++)
		if (a->regs[i] != b->regs[i])
			fprintf(stderr, "  r%-3d %08x  %08x\n", i, a->regs[i], b->regs[i]);
	if ((a->cpsr ^ b->cpsr) & CPSR_FLAGS)
		fprintf(stderr, "  cpsr %08x  %08x\n", a->cpsr, b->cpsr);
	for (unsigned i = 0; i < SANDBOX_SIZE; i++)
		if (a->sandbox[i] != b->sandbox[i]) {
			fprintf(stderr, "  mem[%08x] %02x  %02x (first difference)\n", SANDBOX_PA + i,
				a->sandbox[i], b->sandbox[i]);
			break;
		}
}

static unsigned env_uint(const char *name, unsigned def)
{
	const char *v = getenv(name);
	return v && *v ? (unsigned)strtoul(v, NULL, 0) : def;
}

static void diff_engine(const char *path)
{
	struct engine_inst *ei;
	ck_assert_int_eq(engine_api_open(&ei, path, CODE_PA, RAM_SIZE, -1), 0);
	unsigned nseq = env_uint("CAPTIVE_DIFF_SEQS", 14000);
	rng_state = env_uint("CAPTIVE_DIFF_SEED", 0x5eed) * 0x9e3779b97f4a7c15ull | 1;
	unsigned diffs = 0, insns = 0, skipped = 0;
	for (unsigned k = 0; k < nseq && diffs < 5; k++) {
		struct seq s;
		struct outcome a, b;
		gen_seq(&s);
		if (run_unicorn(&s, &b)) {
			skipped++;
			continue;
		}
		int er = run_engine(ei, &s, &a);
		insns += s.n;
		if (er || memcmp(a.regs, b.regs, sizeof(a.regs)) ||
		    ((a.cpsr ^ b.cpsr) & CPSR_FLAGS) || memcmp(a.sandbox, b.sandbox, SANDBOX_SIZE)) {
			if (er)
				fprintf(stderr, "engine %s did not run the sequence to its end (stop %u: %s)\n",
					path, engine_api_shared(ei)->exit.reason,
					engine_api_shared(ei)->exit.msg);
			report(path, &s, &a, &b);
			diffs++;
		}
	}
	printf("diff-unicorn: %s: %u instructions compared, %u differing sequences, %u skipped (Unicorn faulted)\n",
	       path, insns, diffs, skipped);
	engine_api_close(ei);
	ck_assert_uint_eq(diffs, 0);
}

START_TEST(every_hosted_engine_matches_unicorn)
{
	DIR *d = opendir("build/engine/process");
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	unsigned engines = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".so"))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "build/engine/process/%s", e->d_name);
		diff_engine(path);
		engines++;
	}
	closedir(d);
	ck_assert_uint_gt(engines, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("diff-unicorn");
	TCase *tc = tcase_create("a32");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, every_hosted_engine_matches_unicorn);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
