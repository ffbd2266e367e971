/*
 * A32 integer instruction coverage. Every case prints its inputs, the result
 * and the flags in hex, so a wrong result shows up as a golden diff; cases
 * whose right answer is simple to state also check it here (PASS/FAIL).
 *
 * Flags are printed as NZCV letters, upper case when set. Flag-setting cases
 * run twice, with every input flag clear and with every input flag set, so
 * that a flag an instruction must leave alone is seen to be left alone.
 */
#include "rt.h"

#define FLAGS_CLEAR 0x00000000u
#define FLAGS_SET 0xF0000000u

static const uint32_t flag_inputs[] = { FLAGS_CLEAR, FLAGS_SET };

static void print_flags(uint32_t psr)
{
	rt_putc(psr & (1u << 31) ? 'N' : 'n');
	rt_putc(psr & (1u << 30) ? 'Z' : 'z');
	rt_putc(psr & (1u << 29) ? 'C' : 'c');
	rt_putc(psr & (1u << 28) ? 'V' : 'v');
}

/* ---- data processing --------------------------------------------------- */

struct dp_case {
	const char *name;
	void (*fn)(uint32_t a, uint32_t b, uint32_t psr_in, uint32_t *res, uint32_t *psr_out);
};

/*
 * One data-processing case: set the flags, run text (which may use %[r] as
 * the result and %[a], %[b] as operands), read the flags back.
 */
#define DP_FN(id, text)                                                                        \
	static void dp_##id(uint32_t a, uint32_t b, uint32_t psr_in, uint32_t *res,           \
			    uint32_t *psr_out)                                                 \
	{                                                                                      \
		uint32_t r, f;                                                                 \
		__asm__ volatile("msr cpsr_f, %[in]\n\t"                                       \
				 "mov %[r], #0\n\t" text "\n\t"                                \
				 "mrs %[f], cpsr"                                              \
				 : [r] "=&r"(r), [f] "=&r"(f)                                  \
				 : [a] "r"(a), [b] "r"(b), [in] "r"(psr_in)                    \
				 : "cc");                                                      \
		*res = r;                                                                      \
		*psr_out = f;                                                                  \
	}

DP_FN(ands, "ands %[r], %[a], %[b]")
DP_FN(eors, "eors %[r], %[a], %[b]")
DP_FN(subs, "subs %[r], %[a], %[b]")
DP_FN(rsbs, "rsbs %[r], %[a], %[b]")
DP_FN(adds, "adds %[r], %[a], %[b]")
DP_FN(adcs, "adcs %[r], %[a], %[b]")
DP_FN(sbcs, "sbcs %[r], %[a], %[b]")
DP_FN(rscs, "rscs %[r], %[a], %[b]")
DP_FN(tst, "tst %[a], %[b]")
DP_FN(teq, "teq %[a], %[b]")
DP_FN(cmp, "cmp %[a], %[b]")
DP_FN(cmn, "cmn %[a], %[b]")
DP_FN(orrs, "orrs %[r], %[a], %[b]")
DP_FN(movs, "movs %[r], %[b]")
DP_FN(bics, "bics %[r], %[a], %[b]")
DP_FN(mvns, "mvns %[r], %[b]")
DP_FN(adc, "adc %[r], %[a], %[b]")
DP_FN(sbc, "sbc %[r], %[a], %[b]")
DP_FN(rsc, "rsc %[r], %[a], %[b]")
DP_FN(add, "add %[r], %[a], %[b]")

static const struct dp_case dp_cases[] = {
	{ "ands", dp_ands }, { "eors", dp_eors }, { "subs", dp_subs }, { "rsbs", dp_rsbs },
	{ "adds", dp_adds }, { "adcs", dp_adcs }, { "sbcs", dp_sbcs }, { "rscs", dp_rscs },
	{ "tst", dp_tst },   { "teq", dp_teq },   { "cmp", dp_cmp },   { "cmn", dp_cmn },
	{ "orrs", dp_orrs }, { "movs", dp_movs }, { "bics", dp_bics }, { "mvns", dp_mvns },
	{ "adc", dp_adc },   { "sbc", dp_sbc },   { "rsc", dp_rsc },   { "add", dp_add },
};

static const uint32_t dp_operands[][2] = {
	{ 0x00000000, 0x00000000 }, { 0x00000001, 0x00000001 }, { 0x7FFFFFFF, 0x00000001 },
	{ 0x80000000, 0x80000000 }, { 0xFFFFFFFF, 0x00000001 }, { 0x12345678, 0x9ABCDEF0 },
	{ 0x00000005, 0x00000007 }, { 0x80000000, 0x00000001 },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void run_dp_table(const struct dp_case *cases, size_t ncases, const uint32_t (*ops)[2],
			 size_t nops)
{
	for (size_t c = 0; c < ncases; c++)
		for (size_t o = 0; o < nops; o++)
			for (size_t f = 0; f < ARRAY_SIZE(flag_inputs); f++) {
				uint32_t r, psr;

				cases[c].fn(ops[o][0], ops[o][1], flag_inputs[f], &r, &psr);
				rt_printf("%-24s %08x %08x ", cases[c].name,
					  (unsigned int)ops[o][0], (unsigned int)ops[o][1]);
				print_flags(flag_inputs[f]);
				rt_printf(" -> %08x ", (unsigned int)r);
				print_flags(psr);
				rt_putc('\n');
			}
}

/* ---- shifter operands -------------------------------------------------- */

DP_FN(lsl1, "movs %[r], %[a], lsl #1")
DP_FN(lsl31, "movs %[r], %[a], lsl #31")
DP_FN(lsr1, "movs %[r], %[a], lsr #1")
DP_FN(lsr32, "movs %[r], %[a], lsr #32")
DP_FN(asr1, "movs %[r], %[a], asr #1")
DP_FN(asr32, "movs %[r], %[a], asr #32")
DP_FN(ror1, "movs %[r], %[a], ror #1")
DP_FN(ror31, "movs %[r], %[a], ror #31")
DP_FN(rrx, "movs %[r], %[a], rrx")
DP_FN(lslr, "movs %[r], %[a], lsl %[b]")
DP_FN(lsrr, "movs %[r], %[a], lsr %[b]")
DP_FN(asrr, "movs %[r], %[a], asr %[b]")
DP_FN(rorr, "movs %[r], %[a], ror %[b]")
DP_FN(add_lsl3, "adds %[r], %[a], %[b], lsl #3")
DP_FN(sub_asr2, "subs %[r], %[a], %[b], asr #2")
DP_FN(rsb_rorr, "rsbs %[r], %[a], %[a], ror %[b]")
DP_FN(and_lsrr, "ands %[r], %[a], %[a], lsr %[b]")
DP_FN(orr_rrx, "orrs %[r], %[b], %[a], rrx")
DP_FN(cmp_lsl, "cmp %[a], %[b], lsl #1")
DP_FN(mov_imm_rot, "movs %[r], #0xff000000")
DP_FN(and_imm_rot, "ands %[r], %[a], #0x3fc")
DP_FN(orr_imm_hi, "orrs %[r], %[a], #0x80000000")
DP_FN(mvn_imm, "mvns %[r], #0")
DP_FN(tst_imm, "tst %[a], #0x80000000")
DP_FN(add_imm, "adds %[r], %[a], #0x104")
DP_FN(adc_imm, "adcs %[r], %[a], #0xf0000000")

static const struct dp_case shift_cases[] = {
	{ "movs lsl #1", dp_lsl1 },
	{ "movs lsl #31", dp_lsl31 },
	{ "movs lsr #1", dp_lsr1 },
	{ "movs lsr #32", dp_lsr32 },
	{ "movs asr #1", dp_asr1 },
	{ "movs asr #32", dp_asr32 },
	{ "movs ror #1", dp_ror1 },
	{ "movs ror #31", dp_ror31 },
	{ "movs rrx", dp_rrx },
	{ "movs lsl reg", dp_lslr },
	{ "movs lsr reg", dp_lsrr },
	{ "movs asr reg", dp_asrr },
	{ "movs ror reg", dp_rorr },
	{ "adds b lsl #3", dp_add_lsl3 },
	{ "subs b asr #2", dp_sub_asr2 },
	{ "rsbs a ror reg", dp_rsb_rorr },
	{ "ands a lsr reg", dp_and_lsrr },
	{ "orrs a rrx", dp_orr_rrx },
	{ "cmp b lsl #1", dp_cmp_lsl },
	{ "movs #0xff000000", dp_mov_imm_rot },
	{ "ands #0x3fc", dp_and_imm_rot },
	{ "orrs #0x80000000", dp_orr_imm_hi },
	{ "mvns #0", dp_mvn_imm },
	{ "tst #0x80000000", dp_tst_imm },
	{ "adds #0x104", dp_add_imm },
	{ "adcs #0xf0000000", dp_adc_imm },
};

/* Second operand doubles as the register shift amount: only its low byte counts. */
static const uint32_t shift_operands[][2] = {
	{ 0x80000001, 0 },  { 0x80000001, 1 },	 { 0xC0000003, 31 }, { 0x80000001, 32 },
	{ 0xFFFFFFFF, 33 }, { 0x40000000, 255 }, { 0x80000001, 256 }, { 0x12345678, 0x104 },
};

/* ---- PC reads ------------------------------------------------------------ */

static void test_pc_reads(void)
{
	uint32_t mov_pc, add_pc;

	/* An ARM instruction reads the PC as its own address + 8. */
	__asm__ volatile("0: mov %0, pc\n\t"
			 "adr %1, 0b\n\t"
			 "sub %0, %0, %1"
			 : "=&r"(mov_pc), "=&r"(add_pc));
	rt_check("mov rX, pc reads insn + 8", mov_pc, 8);
	__asm__ volatile("0: add %0, pc, #4\n\t"
			 "adr %1, 0b\n\t"
			 "sub %0, %0, %1"
			 : "=&r"(add_pc), "=&r"(mov_pc));
	rt_check("add rX, pc, #4", add_pc, 12);
}

/* ---- multiplies ---------------------------------------------------------- */

static void test_multiply(void)
{
	static const uint32_t ops[][4] = {
		{ 0xFFFFFFFF, 0xFFFFFFFF, 0x11111111, 0xF0000000 },
		{ 0x80000000, 0x00000002, 0x00000001, 0x00000000 },
		{ 0x12345678, 0x9ABCDEF0, 0xDEADBEEF, 0x01234567 },
		{ 0xFFFFFFFD, 0x00000007, 0x00000005, 0xFFFFFFFF },
		{ 0x7FFFFFFF, 0x7FFFFFFF, 0x80000000, 0x7FFFFFFF },
		{ 0x00000000, 0x12345678, 0x00000000, 0x00000000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		uint32_t a = ops[i][0], b = ops[i][1], c = ops[i][2], d = ops[i][3];
		uint32_t mul, mla, mls, muls_f, lo, hi, f;

		__asm__ volatile("mul %0, %1, %2" : "=&r"(mul) : "r"(a), "r"(b));
		__asm__ volatile("mla %0, %1, %2, %3" : "=&r"(mla) : "r"(a), "r"(b), "r"(c));
		__asm__ volatile("mls %0, %1, %2, %3" : "=&r"(mls) : "r"(a), "r"(b), "r"(c));
		rt_printf("mul %08x %08x -> %08x mla +%08x -> %08x mls -> %08x\n",
			  (unsigned int)a, (unsigned int)b, (unsigned int)mul, (unsigned int)c,
			  (unsigned int)mla, (unsigned int)mls);

		__asm__ volatile("msr cpsr_f, %3\n\tmuls %0, %2, %4\n\tmrs %1, cpsr"
				 : "=&r"(muls_f), "=&r"(f)
				 : "r"(a), "r"(FLAGS_SET), "r"(b)
				 : "cc");
		rt_printf("muls -> %08x ", (unsigned int)muls_f);
		print_flags(f);
		rt_putc('\n');

		__asm__ volatile("umull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(a), "r"(b));
		rt_printf("umull -> %08x:%08x\n", (unsigned int)hi, (unsigned int)lo);
		if (i == 0) {
			rt_check("umull 0xffffffff^2 high", hi, 0xFFFFFFFE);
			rt_check("umull 0xffffffff^2 low", lo, 0x00000001);
		}
		__asm__ volatile("smull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(a), "r"(b));
		rt_printf("smull -> %08x:%08x\n", (unsigned int)hi, (unsigned int)lo);
		lo = c;
		hi = d;
		__asm__ volatile("umlal %0, %1, %2, %3" : "+&r"(lo), "+&r"(hi) : "r"(a), "r"(b));
		rt_printf("umlal +%08x:%08x -> %08x:%08x\n", (unsigned int)d, (unsigned int)c,
			  (unsigned int)hi, (unsigned int)lo);
		lo = c;
		hi = d;
		__asm__ volatile("smlal %0, %1, %2, %3" : "+&r"(lo), "+&r"(hi) : "r"(a), "r"(b));
		rt_printf("smlal +%08x:%08x -> %08x:%08x\n", (unsigned int)d, (unsigned int)c,
			  (unsigned int)hi, (unsigned int)lo);
		lo = c;
		hi = d;
		__asm__ volatile("umaal %0, %1, %2, %3" : "+&r"(lo), "+&r"(hi) : "r"(a), "r"(b));
		rt_printf("umaal %08x %08x -> %08x:%08x\n", (unsigned int)d, (unsigned int)c,
			  (unsigned int)hi, (unsigned int)lo);
		__asm__ volatile("msr cpsr_f, %4\n\tumulls %0, %1, %3, %5\n\tmrs %2, cpsr"
				 : "=&r"(lo), "=&r"(hi), "=&r"(f)
				 : "r"(a), "r"(FLAGS_CLEAR), "r"(b)
				 : "cc");
		rt_printf("umulls -> %08x:%08x ", (unsigned int)hi, (unsigned int)lo);
		print_flags(f);
		rt_putc('\n');
		__asm__ volatile("msr cpsr_f, %4\n\tsmlals %0, %1, %3, %5\n\tmrs %2, cpsr"
				 : "+&r"(lo), "+&r"(hi), "=&r"(f)
				 : "r"(a), "r"(FLAGS_SET), "r"(b)
				 : "cc");
		rt_printf("smlals -> %08x:%08x ", (unsigned int)hi, (unsigned int)lo);
		print_flags(f);
		rt_putc('\n');
	}
}

/* ---- bit manipulation, extends, bitfields, wide moves -------------------- */

#define UNARY(text, in)                                                                        \
	({                                                                                     \
		uint32_t out_;                                                                 \
		__asm__ volatile(text : "=&r"(out_) : "r"(in));                                \
		out_;                                                                          \
	})

#define BINARY(text, in1, in2)                                                                 \
	({                                                                                     \
		uint32_t out_;                                                                 \
		__asm__ volatile(text : "=&r"(out_) : "r"(in1), "r"(in2));                     \
		out_;                                                                          \
	})

static void test_bits(void)
{
	static const uint32_t vals[] = { 0x00000000, 0x00000001, 0x80000000, 0x00010000,
					 0xFFFFFFFF, 0x12345678, 0x80FF7F01, 0x0000FF80 };

	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		uint32_t v = vals[i];

		rt_printf("bits %08x: clz %08x rev %08x rev16 %08x revsh %08x rbit %08x\n",
			  (unsigned int)v, (unsigned int)UNARY("clz %0, %1", v),
			  (unsigned int)UNARY("rev %0, %1", v), (unsigned int)UNARY("rev16 %0, %1", v),
			  (unsigned int)UNARY("revsh %0, %1", v),
			  (unsigned int)UNARY("rbit %0, %1", v));
		rt_printf("  ext: sxtb %08x sxth %08x uxtb %08x uxth %08x\n",
			  (unsigned int)UNARY("sxtb %0, %1", v), (unsigned int)UNARY("sxth %0, %1", v),
			  (unsigned int)UNARY("uxtb %0, %1", v), (unsigned int)UNARY("uxth %0, %1", v));
		rt_printf("  ext ror: sxtb8 %08x sxth16 %08x uxtb24 %08x uxth8 %08x\n",
			  (unsigned int)UNARY("sxtb %0, %1, ror #8", v),
			  (unsigned int)UNARY("sxth %0, %1, ror #16", v),
			  (unsigned int)UNARY("uxtb %0, %1, ror #24", v),
			  (unsigned int)UNARY("uxth %0, %1, ror #8", v));
		rt_printf("  ext add: sxtab %08x sxtah %08x uxtab %08x uxtah %08x\n",
			  (unsigned int)BINARY("sxtab %0, %1, %2", 0x1000u, v),
			  (unsigned int)BINARY("sxtah %0, %1, %2", 0x1000u, v),
			  (unsigned int)BINARY("uxtab %0, %1, %2, ror #8", 0x1000u, v),
			  (unsigned int)BINARY("uxtah %0, %1, %2, ror #16", 0x1000u, v));
		rt_printf("  bitfield: ubfx %08x sbfx %08x sbfx32 %08x ubfx1 %08x\n",
			  (unsigned int)UNARY("ubfx %0, %1, #4, #8", v),
			  (unsigned int)UNARY("sbfx %0, %1, #4, #8", v),
			  (unsigned int)UNARY("sbfx %0, %1, #0, #32", v),
			  (unsigned int)UNARY("ubfx %0, %1, #31, #1", v));
		{
			uint32_t bfi = 0xAAAAAAAA, bfc = v;

			__asm__ volatile("bfi %0, %1, #8, #12" : "+r"(bfi) : "r"(v));
			__asm__ volatile("bfc %0, #4, #8" : "+r"(bfc));
			rt_printf("  bfi %08x bfc %08x\n", (unsigned int)bfi, (unsigned int)bfc);
		}
	}

	{
		uint32_t w, t;

		__asm__ volatile("movw %0, #0xBEEF" : "=r"(w));
		t = w;
		__asm__ volatile("movt %0, #0xDEAD" : "+r"(t));
		rt_check("movw #0xbeef", w, 0x0000BEEF);
		rt_check("movt #0xdead", t, 0xDEADBEEF);
		__asm__ volatile("movw %0, #0xFFFF\n\tmovt %0, #0" : "=r"(w));
		rt_check("movw+movt #0", w, 0x0000FFFF);
	}
	rt_check("clz 0", UNARY("clz %0, %1", 0u), 32);
	rt_check("clz 1", UNARY("clz %0, %1", 1u), 31);
	rt_check("rev 0x12345678", UNARY("rev %0, %1", 0x12345678u), 0x78563412);
	rt_check("rev16 0x12345678", UNARY("rev16 %0, %1", 0x12345678u), 0x34127856);
	rt_check("revsh 0x000080ff", UNARY("revsh %0, %1", 0x80FFu), 0xFFFFFF80);
	rt_check("sbfx #4,#8 0x00000f80", UNARY("sbfx %0, %1, #4, #8", 0xF80u), 0xFFFFFFF8);
}

/* ---- conditional execution ---------------------------------------------- */

/*
 * For one condition, a 16-bit mask with bit f set when the conditional move
 * executed with NZCV = f.
 */
#define COND_FN(cc)                                                                            \
	static uint32_t cond_##cc(void)                                                        \
	{                                                                                      \
		uint32_t mask = 0;                                                             \
		for (uint32_t f = 0; f < 16; f++) {                                            \
			uint32_t hit;                                                          \
			__asm__ volatile("mov %0, #0\n\t"                                      \
					 "msr cpsr_f, %1\n\t"                                  \
					 "mov" #cc " %0, #1"                                   \
					 : "=&r"(hit)                                          \
					 : "r"(f << 28)                                        \
					 : "cc");                                              \
			mask |= hit << f;                                                      \
		}                                                                              \
		return mask;                                                                   \
	}

COND_FN(eq)
COND_FN(ne)
COND_FN(cs)
COND_FN(cc)
COND_FN(mi)
COND_FN(pl)
COND_FN(vs)
COND_FN(vc)
COND_FN(hi)
COND_FN(ls)
COND_FN(ge)
COND_FN(lt)
COND_FN(gt)
COND_FN(le)
COND_FN(al)

static void test_conditions(void)
{
	static const struct {
		const char *name;
		uint32_t (*fn)(void);
		uint32_t want;
	} conds[] = {
		/* Bit f of the mask is NZCV = f: Z is bit 2 of f, N bit 3, C bit 1, V bit 0. */
		{ "eq", cond_eq, 0xF0F0 }, { "ne", cond_ne, 0x0F0F }, { "cs", cond_cs, 0xCCCC },
		{ "cc", cond_cc, 0x3333 }, { "mi", cond_mi, 0xFF00 }, { "pl", cond_pl, 0x00FF },
		{ "vs", cond_vs, 0xAAAA }, { "vc", cond_vc, 0x5555 }, { "hi", cond_hi, 0x0C0C },
		{ "ls", cond_ls, 0xF3F3 }, { "ge", cond_ge, 0xAA55 }, { "lt", cond_lt, 0x55AA },
		{ "gt", cond_gt, 0x0A05 }, { "le", cond_le, 0xF5FA }, { "al", cond_al, 0xFFFF },
	};
	char what[32];

	for (size_t i = 0; i < ARRAY_SIZE(conds); i++) {
		memcpy(what, "cond mask ", 10);
		memcpy(what + 10, conds[i].name, 3);
		rt_check(what, conds[i].fn(), conds[i].want);
	}
}

/* ---- loads and stores ---------------------------------------------------- */

static uint8_t ls_buf[128] __attribute__((aligned(8)));

static void ls_reset(void)
{
	for (size_t i = 0; i < sizeof(ls_buf); i++)
		ls_buf[i] = (uint8_t)(0x80 + i * 3);
}

/* Print every byte a store changed, as offset=value (no newline). */
static void ls_print_changes(const char *name)
{
	rt_printf("%-28s changed:", name);
	for (size_t i = 0; i < sizeof(ls_buf); i++)
		if (ls_buf[i] != (uint8_t)(0x80 + i * 3))
			rt_printf(" %02x=%02x", (unsigned int)i, (unsigned int)ls_buf[i]);
}

/*
 * A load case: base register p starts at ls_buf + 64, o is an index register;
 * prints the loaded value and where p ended up relative to ls_buf.
 */
#define LOAD(text, oval)                                                                       \
	do {                                                                                   \
		uint8_t *p = ls_buf + 64;                                                      \
		uint32_t v, o = (oval);                                                        \
		__asm__ volatile(text                                                          \
				 : [v] "=&r"(v), [p] "+&r"(p)                                  \
				 : [o] "r"(o)                                                  \
				 : "memory");                                                  \
		rt_printf("%-28s -> %08x base %+d\n", text, (unsigned int)v,                   \
			  (int)(p - ls_buf) - 64);                                             \
	} while (0)

#define LOAD2(text, oval)                                                                      \
	do {                                                                                   \
		uint8_t *p = ls_buf + 64;                                                      \
		uint32_t v, w, o = (oval);                                                     \
		register uint32_t lo_ __asm__("r4");                                           \
		register uint32_t hi_ __asm__("r5");                                           \
		__asm__ volatile(text                                                          \
				 : [lo] "=&r"(lo_), [hi] "=&r"(hi_), [p] "+&r"(p)              \
				 : [o] "r"(o)                                                  \
				 : "memory");                                                  \
		v = lo_;                                                                       \
		w = hi_;                                                                       \
		rt_printf("%-28s -> %08x %08x base %+d\n", text, (unsigned int)v,              \
			  (unsigned int)w, (int)(p - ls_buf) - 64);                            \
	} while (0)

#define STORE(text, oval)                                                                      \
	do {                                                                                   \
		uint8_t *p = ls_buf + 64;                                                      \
		uint32_t v = 0xC1C2C3C4, o = (oval);                                           \
		ls_reset();                                                                    \
		__asm__ volatile(text : [p] "+&r"(p) : [v] "r"(v), [o] "r"(o) : "memory");     \
		ls_print_changes(text);                                                        \
		rt_printf(" base %+d\n", (int)(p - ls_buf) - 64);                              \
	} while (0)

#define STORE2(text, oval)                                                                     \
	do {                                                                                   \
		uint8_t *p = ls_buf + 64;                                                      \
		uint32_t o = (oval);                                                           \
		register uint32_t lo_ __asm__("r4") = 0xA1A2A3A4;                              \
		register uint32_t hi_ __asm__("r5") = 0xB1B2B3B4;                              \
		ls_reset();                                                                    \
		__asm__ volatile(text                                                          \
				 : [p] "+&r"(p)                                                \
				 : [lo] "r"(lo_), [hi] "r"(hi_), [o] "r"(o)                    \
				 : "memory");                                                  \
		ls_print_changes(text);                                                        \
		rt_printf(" base %+d\n", (int)(p - ls_buf) - 64);                              \
	} while (0)

static void test_loads(void)
{
	ls_reset();
	LOAD("ldr %[v], [%[p]]", 0);
	LOAD("ldr %[v], [%[p], #8]", 0);
	LOAD("ldr %[v], [%[p], #-12]", 0);
	LOAD("ldr %[v], [%[p], #8]!", 0);
	LOAD("ldr %[v], [%[p], #-4]!", 0);
	LOAD("ldr %[v], [%[p]], #8", 0);
	LOAD("ldr %[v], [%[p]], #-16", 0);
	LOAD("ldr %[v], [%[p], %[o]]", 12);
	LOAD("ldr %[v], [%[p], -%[o]]", 12);
	LOAD("ldr %[v], [%[p], %[o], lsl #2]", 3);
	LOAD("ldr %[v], [%[p], -%[o], lsl #3]!", 2);
	LOAD("ldr %[v], [%[p]], %[o], lsl #2", 5);
	LOAD("ldr %[v], [%[p], %[o], lsr #4]", 0x80);
	LOAD("ldr %[v], [%[p], %[o], asr #28]", 0x80000000);
	LOAD("ldr %[v], [%[p], %[o], ror #30]", 1);
	LOAD("ldr %[v], [%[p], #1]", 0);
	LOAD("ldr %[v], [%[p], #-3]", 0);
	LOAD("ldrb %[v], [%[p], #5]", 0);
	LOAD("ldrb %[v], [%[p], #-5]!", 0);
	LOAD("ldrb %[v], [%[p]], %[o]", 7);
	LOAD("ldrb %[v], [%[p], -%[o], lsl #1]", 7);
	LOAD("ldrsb %[v], [%[p], #3]", 0);
	LOAD("ldrsb %[v], [%[p], #-42]", 0);
	LOAD("ldrsb %[v], [%[p], %[o]]!", 9);
	LOAD("ldrsb %[v], [%[p]], -%[o]", 9);
	LOAD("ldrh %[v], [%[p], #6]", 0);
	LOAD("ldrh %[v], [%[p], #-6]!", 0);
	LOAD("ldrh %[v], [%[p]], #2", 0);
	LOAD("ldrh %[v], [%[p], %[o]]", 10);
	LOAD("ldrh %[v], [%[p], -%[o]]!", 10);
	LOAD("ldrh %[v], [%[p], #1]", 0);
	LOAD("ldrsh %[v], [%[p], #2]", 0);
	LOAD("ldrsh %[v], [%[p], #-40]", 0);
	LOAD("ldrsh %[v], [%[p]], %[o]", 4);
	LOAD("ldrsh %[v], [%[p], -%[o]]", 4);
	LOAD2("ldrd %[lo], %[hi], [%[p]]", 0);
	LOAD2("ldrd %[lo], %[hi], [%[p], #8]", 0);
	LOAD2("ldrd %[lo], %[hi], [%[p], #-16]!", 0);
	LOAD2("ldrd %[lo], %[hi], [%[p]], #24", 0);
	LOAD2("ldrd %[lo], %[hi], [%[p], %[o]]", 8);
	LOAD2("ldrd %[lo], %[hi], [%[p], -%[o]]!", 8);
	LOAD2("ldrd %[lo], %[hi], [%[p]], %[o]", 16);
	LOAD2("ldrd %[lo], %[hi], [%[p], #4]", 0);
}

static void test_stores(void)
{
	STORE("str %[v], [%[p]]", 0);
	STORE("str %[v], [%[p], #8]", 0);
	STORE("str %[v], [%[p], #-12]!", 0);
	STORE("str %[v], [%[p]], #4", 0);
	STORE("str %[v], [%[p], %[o]]", 20);
	STORE("str %[v], [%[p], -%[o], lsl #2]!", 3);
	STORE("str %[v], [%[p]], -%[o]", 8);
	STORE("str %[v], [%[p], #2]", 0);
	STORE("strb %[v], [%[p], #3]", 0);
	STORE("strb %[v], [%[p], -%[o]]!", 1);
	STORE("strb %[v], [%[p]], #1", 0);
	STORE("strh %[v], [%[p], #6]", 0);
	STORE("strh %[v], [%[p], #-2]!", 0);
	STORE("strh %[v], [%[p]], %[o]", 10);
	STORE("strh %[v], [%[p], %[o]]", 14);
	STORE("strh %[v], [%[p], #3]", 0);
	STORE2("strd %[lo], %[hi], [%[p]]", 0);
	STORE2("strd %[lo], %[hi], [%[p], #8]!", 0);
	STORE2("strd %[lo], %[hi], [%[p]], #-8", 0);
	STORE2("strd %[lo], %[hi], [%[p], -%[o]]", 24);
	STORE2("strd %[lo], %[hi], [%[p], %[o]]!", 16);
	STORE2("strd %[lo], %[hi], [%[p], #4]", 0);
}

/* Load/store multiple and exclusive cases, in isa-mem.S. */
void isa_ldm_stm(uint32_t *buf, uint32_t *out);
void isa_exclusive(uint32_t *buf, uint32_t *out);

static void test_multiple(void)
{
	static uint32_t buf[32], out[40];

	for (size_t i = 0; i < ARRAY_SIZE(buf); i++)
		buf[i] = 0x1000 + (uint32_t)i * 0x11;
	memset(out, 0, sizeof(out));
	isa_ldm_stm(buf, out);
	for (size_t i = 0; i < ARRAY_SIZE(out); i += 8) {
		rt_printf("ldm/stm out[%02u]:", (unsigned int)i);
		for (size_t j = i; j < i + 8; j++)
			rt_printf(" %08x", (unsigned int)out[j]);
		rt_putc('\n');
	}
	for (size_t i = 0; i < ARRAY_SIZE(buf); i += 8) {
		rt_printf("ldm/stm buf[%02u]:", (unsigned int)i);
		for (size_t j = i; j < i + 8; j++)
			rt_printf(" %08x", (unsigned int)buf[j]);
		rt_putc('\n');
	}

	memset(out, 0, sizeof(out));
	buf[0] = 0x55;
	isa_exclusive(buf, out);
	rt_printf("exclusive: %08x %08x %08x %08x %08x %08x %08x\n", (unsigned int)out[0],
		  (unsigned int)out[1], (unsigned int)out[2], (unsigned int)out[3],
		  (unsigned int)out[4], (unsigned int)out[5], (unsigned int)buf[0]);
	rt_check("strex succeeds after ldrex", out[1], 0);
	rt_check("strex fails after clrex", out[3], 1);
}

/* ---- branches and interworking ------------------------------------------- */

/* In isa-mem.S: each returns a value that proves which path was taken. */
uint32_t isa_branches(uint32_t sel);

static void test_branches(void)
{
	for (uint32_t sel = 0; sel < 6; sel++)
		rt_printf("branches sel %u -> %08x\n", (unsigned int)sel,
			  (unsigned int)isa_branches(sel));
	rt_check("bl/bx lr round trip", isa_branches(0), 0xB0);
	rt_check("blx register", isa_branches(1), 0xB1);
}

/* ---- compiled C ------------------------------------------------------------ */

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFF;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static uint32_t lcg_state;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return lcg_state;
}

static void quicksort(int32_t *a, int lo, int hi)
{
	while (lo < hi) {
		int32_t pivot = a[(lo + hi) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				int32_t t = a[i];

				a[i++] = a[j];
				a[j--] = t;
			}
		}
		/* Recurse into the smaller half to bound the stack. */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

static int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* A switch dense enough that gcc emits a jump table (ldr pc, [pc, rX, lsl #2]). */
static __attribute__((noinline)) uint32_t classify(uint32_t v)
{
	switch (v) {
	case 0:
		return 0x10;
	case 1:
		return 0x21;
	case 2:
		return 0x32;
	case 3:
		return 0x43;
	case 4:
		return 0x54;
	case 5:
		return 0x65;
	case 6:
		return 0x76;
	case 7:
		return 0x87;
	default:
		return 0xFF;
	}
}

struct __attribute__((packed)) packed_rec {
	uint8_t tag;
	uint32_t word;
	uint16_t half;
	uint64_t dword;
};

static void test_compiled(void)
{
	static uint8_t data[1024];
	static int32_t arr[256];
	uint32_t sum = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + (i >> 3));
	rt_check("crc32 of '123456789'", crc32_bitwise((const uint8_t *)"123456789", 9), 0xCBF43926);
	rt_printf("crc32 of 1 KiB pattern: %08x\n", (unsigned int)crc32_bitwise(data, sizeof(data)));

	lcg_state = 12345;
	for (size_t i = 0; i < ARRAY_SIZE(arr); i++)
		arr[i] = (int32_t)lcg();
	quicksort(arr, 0, ARRAY_SIZE(arr) - 1);
	for (size_t i = 0; i < ARRAY_SIZE(arr); i++)
		sum = sum * 31 + (uint32_t)arr[i];
	{
		uint32_t sorted = 1;

		for (size_t i = 1; i < ARRAY_SIZE(arr); i++)
			if (arr[i - 1] > arr[i])
				sorted = 0;
		rt_check("quicksort result is sorted", sorted, 1);
	}
	rt_printf("sort: min %d max %d hash %08x\n", (int)arr[0], (int)arr[255], (unsigned int)sum);

	rt_check("fib(20)", (uint32_t)fib(20), 6765);

	{
		char s1[] = "hello, world";
		char s2[32];

		memcpy(s2, s1, sizeof(s1));
		memmove(s2 + 2, s2, 6);
		rt_printf("strings: '%s' len %u cmp %d %d memcmp %d\n", s2, (unsigned int)strlen(s2),
			  strcmp(s1, s2) > 0, strcmp("abc", "abd") < 0, memcmp(s1, s2, 2) == 0);
	}

	{
		volatile uint64_t n = 0xFEDCBA9876543210ull, d = 0x12345ull;
		volatile int64_t sn = -1234567890123ll, sd = 977;
		volatile uint32_t un = 0xFFFFFFFF, ud = 7;
		volatile int32_t in = -100, id = 7;
		volatile uint32_t sh = 37;

		rt_printf("u64 div %016llx mod %016llx\n", (unsigned long long)(n / d),
			  (unsigned long long)(n % d));
		rt_printf("s64 div %lld mod %lld\n", (long long)(sn / sd), (long long)(sn % sd));
		rt_printf("u32 div %u mod %u  s32 div %d mod %d\n", (unsigned int)(un / ud),
			  (unsigned int)(un % ud), (int)(in / id), (int)(in % id));
		rt_printf("u64 shifts %016llx %016llx %016llx\n", (unsigned long long)(n << sh),
			  (unsigned long long)(n >> sh), (unsigned long long)((int64_t)n >> sh));
		rt_printf("u64 mul %016llx\n", (unsigned long long)(n * (n >> 7)));
		rt_check("u64 divide low word", (uint32_t)(n / d), (uint32_t)(0xFEDCBA9876543210ull / 0x12345ull));
	}

	{
		uint32_t acc = 0;

		for (uint32_t v = 0; v < 10; v++)
			acc = acc * 3 + classify(v);
		rt_check("switch jump table", acc, 0x000B0AC0);
	}

	{
		static uint8_t raw[32];
		struct packed_rec *rec = (struct packed_rec *)(raw + 1);

		rec->tag = 0x5A;
		rec->word = 0x11223344;
		rec->half = 0xBEEF;
		rec->dword = 0x0102030405060708ull;
		rt_printf("packed: ");
		for (size_t i = 0; i < 17; i++)
			rt_printf("%02x", (unsigned int)raw[i]);
		rt_printf(" word %08x half %04x\n", (unsigned int)rec->word, (unsigned int)rec->half);
	}
}

int main(void)
{
	rt_puts("isa: A32 integer instruction coverage\n");
	run_dp_table(dp_cases, ARRAY_SIZE(dp_cases), dp_operands, ARRAY_SIZE(dp_operands));
	run_dp_table(shift_cases, ARRAY_SIZE(shift_cases), shift_operands, ARRAY_SIZE(shift_operands));
	test_pc_reads();
	test_multiply();
	test_bits();
	test_conditions();
	test_loads();
	test_stores();
	test_multiple();
	test_branches();
	test_compiled();
	rt_printf("isa: %u failures\n", rt_failures);
	return 0;
}
