/*
 * Exception model: SVC (the handler decodes the SVC number from the
 * instruction), UDF, alignment data aborts, banked registers of every mode,
 * SPSR round trips, CPS, user mode and its limits, and vectors moved with
 * VBAR.
 */
#include "rt.h"

/* In exceptions-asm.S. */
void exc_banked(uint32_t *out);
void exc_spsr(uint32_t value, uint32_t *out);
void exc_cps(uint32_t *out);
void exc_user(uint32_t *out);
extern const uint32_t exc_alt_vectors[];
/* Addresses of instructions that must trap, defined by inline asm below. */
extern const uint32_t exc_udf_site[];
extern const uint32_t exc_svc_site[];

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The SVC number that asks the handler to return to SVC mode (from exc_user). */
#define SVC_BACK_TO_SVC 0x42

/* Alignment-fault DFSR bits the architecture defines: ExT, WnR, FS. */
#define DFSR_DEFINED_ALIGN 0x1C0Fu

static volatile uint32_t svc_count, und_count, dabt_count;
static uint8_t abuf[64] __attribute__((aligned(8)));

static void on_svc(struct rt_frame *f)
{
	uint32_t num = *(const uint32_t *)f->pc & 0x00FFFFFFu;

	rt_printf("  svc #%06x r0=%08x r1=%08x spsr=%08x handler cpsr=%03x%s\n", (unsigned int)num,
		  (unsigned int)f->r[0], (unsigned int)f->r[1], (unsigned int)f->spsr,
		  (unsigned int)(rt_get_cpsr() & 0x1FF), f->pc == (uint32_t)exc_svc_site ? " at site" : "");
	svc_count++;
	if (num == SVC_BACK_TO_SVC)
		f->spsr = (f->spsr & ~RT_PSR_MODE_MASK) | RT_MODE_SVC | RT_PSR_I | RT_PSR_F;
	f->r[0] += num;
	f->pc += 4;
}

static void on_und(struct rt_frame *f)
{
	rt_printf("  undefined: insn %08x from mode %02x handler cpsr=%03x%s\n",
		  (unsigned int)*(const uint32_t *)f->pc, (unsigned int)(f->spsr & RT_PSR_MODE_MASK),
		  (unsigned int)(rt_get_cpsr() & 0x1FF), f->pc == (uint32_t)exc_udf_site ? " at site" : "");
	und_count++;
	f->pc += 4;
}

static void on_dabt(struct rt_frame *f)
{
	uint32_t dfsr, dfar;

	__asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
	__asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
	rt_printf("  data abort: DFSR %08x DFAR abuf%+d handler cpsr=%03x\n",
		  (unsigned int)(dfsr & DFSR_DEFINED_ALIGN), (int)(dfar - (uint32_t)abuf),
		  (unsigned int)(rt_get_cpsr() & 0x1FF));
	dabt_count++;
	f->pc += 4;
}

static __attribute__((noinline, noclone)) uint32_t do_svc(uint32_t a, uint32_t b)
{
	register uint32_t r0 __asm__("r0") = a;
	register uint32_t r1 __asm__("r1") = b;

	/* Known flags going in, so the SPSR the handler prints is deterministic. */
	__asm__ volatile("msr cpsr_f, #0x50000000\n\t"
			 ".global exc_svc_site\n"
			 "exc_svc_site: svc #0x123"
			 : "+r"(r0)
			 : "r"(r1)
			 : "lr", "cc", "memory");
	return r0;
}

static __attribute__((noinline, noclone)) void do_udf(void)
{
	__asm__ volatile(".global exc_udf_site\n"
			 "exc_udf_site: udf #0x1234" ::: "memory");
}

static void test_svc_udf(void)
{
	uint32_t r, before;

	rt_puts("svc:\n");
	r = do_svc(0x1000, 0x2222);
	rt_check("svc returns r0 + number", r, 0x1123);
	{
		register uint32_t r0 __asm__("r0") = 7;

		__asm__ volatile("mov r1, #0x33\n\tsvc #0xABCDEF" : "+r"(r0) : : "r1", "lr", "cc", "memory");
		rt_check("svc #0xabcdef", r0, 0xABCDEF + 7);
	}
	{
		/* A condition that fails must not take the exception. */
		register uint32_t r0 __asm__("r0") = 1;

		before = svc_count;
		__asm__ volatile("cmp r0, #1\n\tsvcne #0x99" : "+r"(r0) : : "lr", "cc", "memory");
		rt_check("svcne not taken", svc_count - before, 0);
	}
	rt_check("svc count", svc_count, 2);

	rt_puts("udf:\n");
	do_udf();
	rt_check("udf count", und_count, 1);
}

/* Run text (a load or store at addr) and print what it loaded or that it aborted. */
#define TRY_LOAD(name, text, addr)                                                             \
	do {                                                                                   \
		uint32_t v_ = 0, before_ = dabt_count;                                         \
		__asm__ volatile("mov r4, #1\n\tmov r5, #2\n\t" text                           \
				 : [v] "+r"(v_)                                                \
				 : [a] "r"(addr)                                               \
				 : "r4", "r5", "memory");                                      \
		if (dabt_count != before_)                                                     \
			rt_printf("%-24s aborted\n", name);                                    \
		else                                                                           \
			rt_printf("%-24s -> %08x\n", name, (unsigned int)v_);                  \
	} while (0)

static void set_sctlr_a(int on)
{
	uint32_t sctlr;

	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	sctlr = on ? sctlr | 2u : sctlr & ~2u;
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" : : "r"(sctlr) : "memory");
}

static void test_alignment(void)
{
	uint8_t *b = abuf;

	for (size_t i = 0; i < sizeof(abuf); i++)
		abuf[i] = (uint8_t)(i * 5 + 1);

	rt_puts("alignment, SCTLR.A=0:\n");
	TRY_LOAD("ldr rV, [abuf, #1]", "ldr %[v], [%[a], #1]", b);
	TRY_LOAD("ldrh rV, [abuf, #3]", "ldrh %[v], [%[a], #3]", b);
	TRY_LOAD("ldm abuf+2, {r4, r5}", "ldm %[a], {r4, r5}\n\tadd %[v], r4, r5", b + 2);
	TRY_LOAD("ldrd r4, r5, [abuf, #4]", "ldrd r4, r5, [%[a], #4]\n\tadd %[v], r4, r5", b);
	TRY_LOAD("ldrd r4, r5, [abuf, #2]", "ldrd r4, r5, [%[a], #2]\n\tadd %[v], r4, r5", b);
	TRY_LOAD("stm abuf+1, {r4, r5}", "stm %[a], {r4, r5}", b + 1);
	TRY_LOAD("ldrex rV, [abuf+2]", "ldrex %[v], [%[a]]", b + 2);
	rt_check("aborts with SCTLR.A=0", dabt_count, 4);

	set_sctlr_a(1);
	rt_puts("alignment, SCTLR.A=1:\n");
	TRY_LOAD("ldr rV, [abuf, #1]", "ldr %[v], [%[a], #1]", b);
	TRY_LOAD("ldr rV, [abuf, #4]", "ldr %[v], [%[a], #4]", b);
	TRY_LOAD("ldrh rV, [abuf, #3]", "ldrh %[v], [%[a], #3]", b);
	TRY_LOAD("ldrh rV, [abuf, #2]", "ldrh %[v], [%[a], #2]", b);
	TRY_LOAD("ldrb rV, [abuf, #3]", "ldrb %[v], [%[a], #3]", b);
	TRY_LOAD("str rV, [abuf, #2]", "str %[v], [%[a], #2]", b);
	TRY_LOAD("strh rV, [abuf, #1]", "strh %[v], [%[a], #1]", b);
	set_sctlr_a(0);
	rt_check("aborts with SCTLR.A=1", dabt_count, 8);
}

static void test_banked(void)
{
	static const char *const names[] = {
		"und sp",   "und lr",	"sys sp",   "sys lr",	"fiq r8",   "fiq r9",
		"fiq r10",  "fiq r11",	"fiq r12",  "fiq sp",	"fiq lr",   "abt sp",
		"abt lr",   "irq sp",	"irq lr",   "svc r8",	"svc r9",   "svc r10",
		"svc r11",  "svc r12",	"stm^ sp",  "stm^ lr",	"ldm^ sp",  "ldm^ lr",
	};
	static const uint32_t want[] = {
		0x511B, 0x611B, 0x511F, 0x611F, 0xF8,	0xF9,	0xFA,	0xFB,
		0xFC,	0x5111, 0x6111, 0x5117, 0x6117, 0x5112, 0x6112, 0x38,
		0x39,	0x3A,	0x3B,	0x3C,	0x511F, 0x611F, 0x711F, 0x811F,
	};
	uint32_t out[ARRAY_SIZE(want)];
	char what[32];

	rt_puts("banked registers:\n");
	exc_banked(out);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		memcpy(what, "banked ", 7);
		memcpy(what + 7, names[i], strlen(names[i]) + 1);
		rt_check(what, out[i], want[i]);
	}
}

static void test_spsr(void)
{
	static const uint32_t values[] = { 0xF80F01D3, 0x00000010, 0x400001DF };
	static const char *const modes[] = { "fiq", "irq", "abt", "und", "svc" };
	uint32_t out[5];

	rt_puts("spsr round trip:\n");
	for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
		exc_spsr(values[v], out);
		for (size_t m = 0; m < ARRAY_SIZE(modes); m++)
			rt_printf("  spsr_%s wrote %08x read %08x\n", modes[m],
				  (unsigned int)values[v], (unsigned int)out[m]);
	}

	{
		uint32_t psr;

		__asm__ volatile("msr APSR_nzcvq, %1\n\tmrs %0, apsr" : "=r"(psr) : "r"(0xF8000000u) : "cc");
		rt_printf("  apsr nzcvq -> %08x\n", (unsigned int)(psr & 0xFF0F0000u));
		__asm__ volatile("msr APSR_g, %1\n\tmrs %0, apsr" : "=r"(psr) : "r"(0x000A0000u) : "cc");
		rt_printf("  apsr g -> %08x\n", (unsigned int)(psr & 0xFF0F0000u));
		__asm__ volatile("msr APSR_nzcvqg, %1\n\tmrs %0, apsr" : "=r"(psr) : "r"(0u) : "cc");
		rt_printf("  apsr cleared -> %08x\n", (unsigned int)(psr & 0xFF0F0000u));
	}
}

static void test_cps(void)
{
	static const char *const steps[] = { "cpsie i", "cpsie f", "cpsid if", "cpsie a",
					     "cps #sys", "sys sp below top", "cpsid i, #abt" };
	uint32_t out[ARRAY_SIZE(steps)];

	rt_puts("cps:\n");
	exc_cps(out);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		rt_printf("  %-18s %08x\n", steps[i],
			  (unsigned int)(i == 5 ? out[i] : out[i] & 0x1FFu));
}

static void test_user(void)
{
	uint32_t out[4];
	uint32_t svc_before = svc_count, und_before = und_count;

	rt_puts("user mode:\n");
	exc_user(out);
	rt_printf("  cpsr in user %03x, after cpsid %03x, after msr %03x, mrc result %08x\n",
		  (unsigned int)(out[0] & 0x1FF), (unsigned int)(out[1] & 0x1FF),
		  (unsigned int)(out[2] & 0x1FF), (unsigned int)out[3]);
	rt_check("user mode traps: svc", svc_count - svc_before, 1);
	rt_check("user mode traps: undefined mrc", und_count - und_before, 1);
	rt_check("back in svc mode", rt_get_cpsr() & RT_PSR_MODE_MASK, RT_MODE_SVC);
}

static void test_vbar(void)
{
	uint32_t old, now;

	rt_puts("vbar:\n");
	__asm__ volatile("mrc p15, 0, %0, c12, c0, 0" : "=r"(old));
	rt_check("vbar is the runtime's table", old, (uint32_t)rt_vectors);
	__asm__ volatile("mcr p15, 0, %0, c12, c0, 0\n\tisb" : : "r"(exc_alt_vectors) : "memory");
	__asm__ volatile("mrc p15, 0, %0, c12, c0, 0" : "=r"(now));
	rt_check("vbar reads back the new table", now, (uint32_t)exc_alt_vectors);
	{
		register uint32_t r0 __asm__("r0") = 0;

		__asm__ volatile("svc #5" : "+r"(r0) : : "lr", "cc", "memory");
		rt_check("svc through the moved vectors", r0, 0xA17 + 5);
	}
	__asm__ volatile("mcr p15, 0, %0, c12, c0, 0\n\tisb" : : "r"(old) : "memory");
	{
		uint32_t before = svc_count;

		do_svc(0, 0);
		rt_check("svc through the restored vectors", svc_count - before, 1);
	}
}

int main(void)
{
	rt_puts("exceptions: SVC, UDF, aborts, modes, VBAR\n");
	rt_set_handler(RT_EXC_SVC, on_svc);
	rt_set_handler(RT_EXC_UND, on_und);
	rt_set_handler(RT_EXC_DABT, on_dabt);
	test_svc_udf();
	test_alignment();
	test_banked();
	test_spsr();
	test_cps();
	test_user();
	test_vbar();
	rt_printf("exceptions: %u failures\n", rt_failures);
	return 0;
}
