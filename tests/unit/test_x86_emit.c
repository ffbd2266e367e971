/*
 * Check suite: the JIT's x86-64 encoder (plugins/exec-jit/engine/x86_emit.h).
 *
 * Every form is emitted over all its sizes, all 16 registers in every
 * register operand, memory operands with every base (RSP/RBP/R12/R13
 * included), index and scale and displacements at the disp8/disp32 edges,
 * and immediates at the imm8/imm32 edges. Each instruction is disassembled
 * by Capstone (Intel syntax) and must be exactly one instruction spanning
 * all the bytes written, reading as the text this file builds from the
 * form's parameters. Where the encoder promises the shortest form, the
 * length is checked too.
 *
 * The text follows Capstone 4's conventions: numbers up to 9 in decimal,
 * larger ones in hex; a sign-extended immediate (narrower than the operand)
 * is printed signed, a full-width one unsigned at the operand size, shift
 * and bit counts unsigned; [disp32] without base or index as an unsigned
 * 32-bit number; "*1" never shown. Its quirks are modelled where they
 * arise: and/or/xor immediates never negative (alu_imm), a negative [disp32]
 * masked to the preceding register's size (mem), comiss/comisd memory
 * labelled xmmword (sse_ops).
 *
 * CK_VERBOSITY=verbose prints how many encodings each test checked.
 */
#include <capstone/capstone.h>
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/check_main.h"
#include "x86_emit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static csh cs;
static cs_insn *insn;
static unsigned long checked;
static uint8_t code[64] __attribute__((aligned(16)));
static struct x86_buf buf;
static struct x86_buf *const b = &buf;

/* ---- expected text ---------------------------------------------------------- */

static const char *const gpr_names[4][16] = {
	{ "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	  "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" },
	{ "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	  "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" },
	{ "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	  "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" },
	{ "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	  "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" },
};

static const char *const xmm_names[16] = {
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
};

static const char *const cc_names[16] = {
	"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};

static const unsigned sizes[] = { 8, 16, 32, 64 };

static unsigned size_index(unsigned size)
{
	return size == 8 ? 0 : size == 16 ? 1 : size == 32 ? 2 : 3;
}

static const char *gpr(unsigned size, int r)
{
	return gpr_names[size_index(size)][r];
}

/* The "dword ptr " in front of a memory operand of size bits (0: none, as lea). */
static const char *ptr(unsigned size)
{
	static const char *const names[] = { "byte ptr ", "word ptr ", "dword ptr ",
					     "qword ptr ", "xmmword ptr " };
	return size == 0 ? "" : size == 128 ? names[4] : names[size_index(size)];
}

/* Strings that live until the ring wraps: enough for one expectation. */
static char *ring(void)
{
	static char bufs[16][64];
	static unsigned next;
	return bufs[next++ % ARRAY_SIZE(bufs)];
}

static const char *signed_num(bool neg, uint64_t magnitude)
{
	char *s = ring();
	snprintf(s, 64, magnitude <= 9 ? "%s%" PRIu64 : "%s0x%" PRIx64, neg ? "-" : "", magnitude);
	return s;
}

static const char *num(uint64_t v)
{
	return signed_num(false, v);
}

static const char *snum(int64_t v)
{
	return signed_num(v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

static uint64_t mask(unsigned size)
{
	return size == 64 ? UINT64_MAX : (UINT64_C(1) << size) - 1;
}

/* An immediate of imm_bits for an operand of size bits, as Capstone shows it. */
static const char *imm(unsigned size, unsigned imm_bits, int64_t v)
{
	return imm_bits < size ? snum(v) : num((uint64_t)v & mask(size));
}

static bool fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

/* The value an imm32 parameter has at an operand size (what the CPU uses). */
static int64_t at_size(unsigned size, int32_t v)
{
	return size == 8 ? (int8_t)v : size == 16 ? (int16_t)v : v;
}

/* ---- memory operands ------------------------------------------------------ */

struct tmem {
	struct x86_mem m;
	char text[48];   /* "[rbp + r12*4 - 0x80]" */
	unsigned len;    /* ModRM, SIB and displacement bytes */
	bool rex;        /* base or index needs REX.B/X */
};

static const int32_t disps[] = { 0, 1, -1, 127, 128, -128, -129, 0x12345678, INT32_MIN };

static struct tmem mem_all[18 * 61 * ARRAY_SIZE(disps)];
static struct tmem mem_some[18 * 4 * 4];
static size_t n_all, n_some;

/* Text and encoded length of m, from the ModRM/SIB rules as the SDM states them. */
static void describe(struct tmem *t, struct x86_mem m)
{
	char terms[40] = "";
	int n = 0;

	t->m = m;
	if (m.base == X86_RIP)
		n += snprintf(terms, sizeof(terms), "rip");
	else if (m.base != X86_NOREG)
		n += snprintf(terms, sizeof(terms), "%s", gpr(64, m.base));
	if (m.index != X86_NOREG)
		n += snprintf(terms + n, sizeof(terms) - n, "%s%s", n ? " + " : "", gpr(64, m.index));
	if (m.index != X86_NOREG && m.scale > 1)
		n += snprintf(terms + n, sizeof(terms) - n, "*%d", m.scale);
	if (!n)
		snprintf(t->text, sizeof(t->text), "[%s]", num((uint64_t)m.disp)); /* see mem() if < 0 */
	else if (m.disp)
		snprintf(t->text, sizeof(t->text), "[%s %c %s]", terms, m.disp < 0 ? '-' : '+',
			 num(m.disp < 0 ? -(uint64_t)(int64_t)m.disp : (uint64_t)m.disp));
	else
		snprintf(t->text, sizeof(t->text), "[%s]", terms);

	t->rex = (m.base >= 8 && m.base < 16) || m.index >= 8;
	if (m.base == X86_RIP) {
		t->len = 5;
	} else if (m.base == X86_NOREG) {
		t->len = 6;
	} else {
		bool sib = m.index != X86_NOREG || (m.base & 7) == X86_RSP;
		unsigned disp = m.disp == 0 && (m.base & 7) != X86_RBP ? 0 : fits8(m.disp) ? 1 : 4;
		t->len = 1 + sib + disp;
	}
}

/*
 * mem_all: every base (and none, and rip) x every index (and none) x every
 * scale x every displacement. mem_some: every base x a few awkward indexes
 * (none, rbp, r12, r13) x four displacements, scales taking turns.
 */
static void build_mems(void)
{
	static const int some_index[] = { X86_NOREG, X86_RBP, X86_R12, X86_R13 };
	static const int32_t some_disp[] = { 0, -128, 128, 0x12345678 };
	n_all = n_some = 0;
	for (int base = X86_NOREG; base <= X86_RIP; base++) {
		for (int index = X86_NOREG; index < 16; index++) {
			if (index == X86_RSP || (base == X86_RIP && index != X86_NOREG))
				continue;
			for (int sc = 1; sc <= 8; sc *= 2) {
				if (index == X86_NOREG && sc > 1)
					break;
				for (size_t d = 0; d < ARRAY_SIZE(disps); d++)
					describe(&mem_all[n_all++],
						 x86_mem_idx(base, index, sc, disps[d]));
			}
		}
		for (size_t i = 0; i < ARRAY_SIZE(some_index); i++) {
			if (base == X86_RIP && i)
				break;
			for (size_t d = 0; d < ARRAY_SIZE(some_disp); d++)
				describe(&mem_some[n_some++],
					 x86_mem_idx(base, some_index[i], 1 << ((i + d) & 3),
						     some_disp[d]));
		}
	}
}

/*
 * The memory operand t (ptr_size bits, 0 for none) as Capstone prints it
 * after first, the size of a GPR printed before it (0: memory comes first,
 * or an xmm does). Capstone 4 shows a negative [disp32] with neither base nor
 * index masked to that GPR's size when it is 8, 16 or 32 bits, else to 64.
 */
static const char *mem(unsigned ptr_size, const struct tmem *t, unsigned first)
{
	char *s = ring();
	uint64_t abs = (uint64_t)(int64_t)t->m.disp & (first && first < 64 ? mask(first) : UINT64_MAX);

	/* always more than 9: hex */
	if (t->m.base == X86_NOREG && t->m.index == X86_NOREG && t->m.disp < 0)
		snprintf(s, 64, "%s[0x%" PRIx64 "]", ptr(ptr_size), abs);
	else
		snprintf(s, 64, "%s%s", ptr(ptr_size), t->text);
	return s;
}

/* ---- checking one encoding ------------------------------------------------- */

static void setup(void)
{
	ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
	insn = cs_malloc(cs);
	checked = 0;
	build_mems();
	x86_buf_init(b, code, sizeof(code));
}

static void teardown(void)
{
	const char *v = getenv("CK_VERBOSITY");
	if (v && !strcmp(v, "verbose"))
		printf("x86_emit: %lu encodings checked\n", checked);
	cs_free(insn, 1);
	cs_close(&cs);
}

static const char *hex(const uint8_t *p, size_t n)
{
	static char s[3 * sizeof(code) + 1];
	s[0] = 0;
	for (size_t i = 0; i < n && i < sizeof(code); i++)
		snprintf(s + 3 * i, 4, "%02x ", p[i]);
	return s;
}

/* Disassemble one instruction at p (n bytes available) into text; its length, or 0. */
static size_t disasm(const uint8_t *p, size_t n, char *text, size_t size)
{
	uint64_t addr = (uintptr_t)p;
	size_t left = n;

	if (!cs_disasm_iter(cs, &p, &left, &addr, insn)) {
		snprintf(text, size, "(undecodable)");
		return 0;
	}
	snprintf(text, size, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
	return n - left;
}

/* A bare REX (0x40) is only there to reach spl/bpl/sil/dil. */
static bool rex_justified(const uint8_t *p, size_t n, const char *want)
{
	size_t i = 0;
	while (i < n && (p[i] == 0x66 || p[i] == 0xf2 || p[i] == 0xf3))
		i++;
	return i == n || p[i] != 0x40 || strstr(want, "spl") || strstr(want, "bpl") ||
	       strstr(want, "sil") || strstr(want, "dil");
}

/*
 * What the last emit wrote must be one instruction reading want (and of len
 * bytes unless len is 0); the buffer is then reset for the next one.
 */
static void vexpect(size_t len, const char *fmt, va_list ap)
{
	char want[128], got[192];
	size_t n = (size_t)(b->p - b->start);

	vsnprintf(want, sizeof(want), fmt, ap);
	if (!x86_buf_ok(b))
		ck_abort_msg("want \"%s\": buffer %s", want, b->overflow ? "overflow" : "invalid");
	size_t used = disasm(b->start, n, got, sizeof(got));
	if (used != n || strcmp(got, want) || (len && n != len) || !rex_justified(b->start, n, want))
		ck_abort_msg("emitted %s(%zu bytes, want %zu): want \"%s\", Capstone read \"%s\" "
			     "in %zu bytes",
			     hex(b->start, n), n, len, want, got, used);
	checked++;
	x86_buf_init(b, code, sizeof(code));
}

static void expect(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void expect(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vexpect(0, fmt, ap);
	va_end(ap);
}

static void expect_len(size_t len, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect_len(size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vexpect(len, fmt, ap);
	va_end(ap);
}

/* The last emit was refused as unencodable and wrote nothing. */
static void expect_invalid(const char *what)
{
	ck_assert_msg(b->invalid && !b->overflow && b->p == b->start, "%s: not refused", what);
	checked++;
	x86_buf_init(b, code, sizeof(code));
}

/* ---- sweeps: the operand combinations, the form in a callback ------------- */

/* The operation under test (an enum of the header), read by the callbacks. */
static int op;
static const char *opname;

typedef void (*rr_fn)(unsigned size, int r1, int r2);
typedef void (*rm_fn)(unsigned size, int r, const struct tmem *t);
typedef void (*ri_fn)(unsigned size, int r, int64_t v);

/* Every allowed size (mask of size / 8) x both register operands over all 16. */
static void sweep_rr(unsigned allowed, rr_fn fn)
{
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (int r1 = 0; r1 < 16 && (allowed & (sizes[s] / 8)); r1++)
			for (int r2 = 0; r2 < 16; r2++)
				fn(sizes[s], r1, r2);
}

/* Every allowed size x every register x every memory operand of the set. */
static void sweep_rm(unsigned allowed, const struct tmem *set, size_t n, rm_fn fn)
{
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (int r = 0; r < 16 && (allowed & (sizes[s] / 8)); r++)
			for (size_t i = 0; i < n; i++)
				fn(sizes[s], r, &set[i]);
}

/* Every allowed size x every register (-1 once for memory forms) x every value. */
static void sweep_ri(unsigned allowed, int nregs, const int64_t *vals, size_t n, ri_fn fn)
{
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (int r = nregs ? 0 : -1; r < (nregs ? nregs : 0) && (allowed & (sizes[s] / 8)); r++)
			for (size_t i = 0; i < n; i++)
				fn(sizes[s], r, vals[i]);
}

/* The "op reg, reg" and "op reg, mem" families read as mnemonic, then both at one size. */
static enum { TWO_ALU, TWO_BITSCAN, TWO_CMOV, TWO_IMUL } two_form;

/* Emit the two_form member op with src a register, or memory when t is set. */
static void two_emit(unsigned size, int dst, int src, const struct tmem *t)
{
	struct x86_mem m = t ? t->m : x86_mem(X86_NOREG, 0);

	switch (two_form) {
	case TWO_ALU:
		t ? x86_alu_rm(b, op, size, dst, m) : x86_alu_rr(b, op, size, dst, src);
		break;
	case TWO_BITSCAN:
		t ? x86_bitscan_rm(b, op, size, dst, m) : x86_bitscan_rr(b, op, size, dst, src);
		break;
	case TWO_CMOV:
		t ? x86_cmov_rm(b, op, size, dst, m) : x86_cmov_rr(b, op, size, dst, src);
		break;
	case TWO_IMUL:
		t ? x86_imul_rm(b, size, dst, m) : x86_imul_rr(b, size, dst, src);
		break;
	}
}

static void two_rr(unsigned size, int d, int s)
{
	two_emit(size, d, s, NULL);
	expect("%s %s, %s", opname, gpr(size, d), gpr(size, s));
}

static void two_load(unsigned size, int r, const struct tmem *t)
{
	two_emit(size, r, 0, t);
	expect("%s %s, %s", opname, gpr(size, r), mem(size, t, size));
}

static const int64_t imms[] = {
	0, 1, -1, 9, 10, 127, 128, -128, -129, 0xff, 0x7fff, 0x8000, -0x8000,
	0x12345678, INT32_MAX, INT32_MIN,
};

/* Bytes of REX: needed for 64 bits, r8-r15 anywhere, or a byte register 4..7. */
static unsigned rex_len(unsigned size, int r_byte, int r, bool mem_rex)
{
	return size == 64 || r >= 8 || mem_rex || (size == 8 && r_byte >= 4 && r_byte < 8);
}

/* ---- moves -------------------------------------------------------------------- */

static void mov_rr(unsigned size, int d, int s)
{
	x86_mov_rr(b, size, d, s);
	expect("mov %s, %s", gpr(size, d), gpr(size, s));
}

static void mov_load(unsigned size, int r, const struct tmem *t)
{
	x86_mov_rm(b, size, r, t->m);
	expect_len((size == 16) + rex_len(size, r, r, t->rex) + 1 + t->len, "mov %s, %s",
		   gpr(size, r), mem(size, t, size));
}

static void mov_store(unsigned size, int r, const struct tmem *t)
{
	x86_mov_mr(b, size, t->m, r);
	expect("mov %s, %s", mem(size, t, 0), gpr(size, r));
}

static void mov_store_imm(unsigned size, int r, int64_t v)
{
	const struct tmem *t = &mem_some[(size_t)(v & 0xff) * 7 % n_some];
	x86_mov_mi(b, size, t->m, (int32_t)v);
	expect("mov %s, %s", mem(size, t, 0),
	       imm(size, size == 64 ? 32 : size, at_size(size, (int32_t)v)));
}

START_TEST(mov)
{
	static const uint64_t vals[] = {
		0, 1, 9, 10, 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000, 0xffffffff80000000, UINT64_MAX, 0x8000000000000000,
		0x123456789abcdef0, 0xffffffff7fffffff,
	};

	sweep_rr(X86_SZ_ALL, mov_rr);
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned size = sizes[s];
		for (int r = 0; r < 16; r++) {
			for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
				uint64_t v = vals[i] & mask(size);
				unsigned rex = size == 8 ? r >= 4 : r >= 8;
				x86_mov_ri(b, size, r, v);
				if (size < 64)
					expect_len((size == 16) + rex + 1 + size / 8, "mov %s, %s",
						   gpr(size, r), num(v));
				else if (v <= UINT32_MAX)
					expect_len(rex + 5, "mov %s, %s", gpr(32, r), num(v));
				else if ((int64_t)v == (int32_t)v)
					expect_len(7, "mov %s, %s", gpr(64, r), snum((int64_t)v));
				else
					expect_len(10, "movabs %s, %s", gpr(64, r), num(v));
			}
		}
	}
	sweep_rm(X86_SZ_ALL, mem_all, n_all, mov_load);
	sweep_rm(X86_SZ_ALL, mem_some, n_some, mov_store);
	sweep_ri(X86_SZ_ALL, 0, imms, ARRAY_SIZE(imms), mov_store_imm);
}
END_TEST


START_TEST(movx_lea_xchg)
{
	static const unsigned pairs[][2] = { { 16, 8 }, { 32, 8 }, { 64, 8 }, { 32, 16 },
					     { 64, 16 }, { 64, 32 } };
	for (size_t p = 0; p < ARRAY_SIZE(pairs); p++) {
		unsigned ds = pairs[p][0], ss = pairs[p][1];
		for (int sign = ss == 32; sign < 2; sign++) {
			enum x86_movx mop = sign ? X86_MOVSX : X86_MOVZX;
			const char *name = !sign ? "movzx" : ss == 32 ? "movsxd" : "movsx";
			for (int d = 0; d < 16; d++) {
				for (int s = 0; s < 16; s++) {
					x86_movx_rr(b, mop, ds, ss, d, s);
					expect("%s %s, %s", name, gpr(ds, d), gpr(ss, s));
				}
				for (size_t i = 0; i < n_some; i++) {
					x86_movx_rm(b, mop, ds, ss, d, mem_some[i].m);
					expect("%s %s, %s", name, gpr(ds, d),
					       mem(ss, &mem_some[i], ds));
				}
			}
		}
	}
	for (size_t s = 1; s < ARRAY_SIZE(sizes); s++)
		for (int r = 0; r < 16; r++)
			for (size_t i = 0; i < n_all; i += 3) {
				x86_lea(b, sizes[s], r, mem_all[i].m);
				expect("lea %s, %s", gpr(sizes[s], r),
				       mem(0, &mem_all[i], sizes[s]));
			}
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned size = sizes[s];
		for (int r1 = 0; r1 < 16; r1++) {
			for (int r2 = 0; r2 < 16; r2++) {
				bool acc = size != 8 && (r1 == X86_RAX) != (r2 == X86_RAX);
				int first = acc && r2 == X86_RAX ? r2 : r1;
				x86_xchg_rr(b, size, r1, r2);
				expect("xchg %s, %s", gpr(size, first), gpr(size, first == r1 ? r2 : r1));
			}
			for (size_t i = 0; i < n_some; i += 5) {
				x86_xchg_mr(b, size, mem_some[i].m, r1);
				expect("xchg %s, %s", mem(size, &mem_some[i], 0), gpr(size, r1));
			}
		}
	}
}
END_TEST

/* ---- ALU and test ------------------------------------------------------------- */

static const char *const alu_names[] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };

/* Capstone 4 never shows and/or/xor immediates negative: unsigned at the operand size. */
static const char *alu_imm(unsigned size, unsigned bits, int64_t v)
{
	bool logic = op == X86_AND || op == X86_OR || op == X86_XOR;
	return logic ? num((uint64_t)v & mask(size)) : imm(size, bits, v);
}


static void alu_store(unsigned size, int r, const struct tmem *t)
{
	x86_alu_mr(b, op, size, t->m, r);
	expect("%s %s, %s", opname, mem(size, t, 0), gpr(size, r));
}

/* imm8 sign-extended when the value fits, else the accumulator's form, else the full one. */
static void alu_ri(unsigned size, int r, int64_t v)
{
	int64_t at = at_size(size, (int32_t)v);
	bool short8 = size != 8 && fits8(at);
	unsigned bits = short8 ? 8 : size == 64 ? 32 : size;
	bool acc = !short8 && r == X86_RAX;

	x86_alu_ri(b, op, size, r, (int32_t)v);
	expect_len((size == 16) + rex_len(size, r, r, false) + 2 - acc + bits / 8, "%s %s, %s",
		   opname, gpr(size, r), alu_imm(size, bits, at));
}

static void alu_mi(unsigned size, int r, int64_t v)
{
	const struct tmem *t = &mem_some[(size_t)(v & 0x7f) * 3 % n_some];
	int64_t at = at_size(size, (int32_t)v);
	unsigned bits = size != 8 && fits8(at) ? 8 : size == 64 ? 32 : size;

	x86_alu_mi(b, op, size, t->m, (int32_t)v);
	expect("%s %s, %s", opname, mem(size, t, 0), alu_imm(size, bits, at));
}

START_TEST(alu)
{
	for (op = X86_ADD; op <= X86_CMP; op++) {
		opname = alu_names[op];
		two_form = TWO_ALU;
		sweep_rr(X86_SZ_ALL, two_rr);
		sweep_ri(X86_SZ_ALL, 16, imms, ARRAY_SIZE(imms), alu_ri);
		sweep_ri(X86_SZ_ALL, 0, imms, ARRAY_SIZE(imms), alu_mi);
		sweep_rm(X86_SZ_ALL, mem_some, n_some, two_load);
		sweep_rm(X86_SZ_ALL, mem_some, n_some, alu_store);
	}
}
END_TEST

/* cmp of memory or a register against a patchable imm32: the full form even
 * where an imm8 or the accumulator's short form would do, the field last,
 * holding the value. */
START_TEST(cmp_mi32)
{
	op = X86_CMP;
	for (size_t i = 0; i < ARRAY_SIZE(imms); i++)
		for (size_t k = 0; k < n_some; k++) {
			const struct tmem *t = &mem_some[k];
			int32_t v = (int32_t)imms[i];
			uint8_t *field = x86_cmp_mi32(b, t->m, v);
			uint32_t got;
			ck_assert_ptr_eq(field + 4, b->p);
			memcpy(&got, field, 4);
			ck_assert_uint_eq(got, (uint32_t)v);
			expect("cmp %s, %s", mem(32, t, 0), alu_imm(32, 32, at_size(32, v)));
		}
	for (size_t i = 0; i < ARRAY_SIZE(imms); i++)
		for (int r = 0; r < 16; r++) {
			int32_t v = (int32_t)imms[i];
			uint8_t *field = x86_cmp_ri32(b, r, v);
			uint32_t got;
			ck_assert_ptr_eq(field + 4, b->p);
			memcpy(&got, field, 4);
			ck_assert_uint_eq(got, (uint32_t)v);
			expect_len(rex_len(32, r, r, false) + 6, "cmp %s, %s", gpr(32, r),
				   alu_imm(32, 32, at_size(32, v)));
		}
}
END_TEST

static void test_rr(unsigned size, int r1, int r2)
{
	x86_test_rr(b, size, r1, r2);
	expect("test %s, %s", gpr(size, r1), gpr(size, r2));
}

static void test_ri(unsigned size, int r, int64_t v)
{
	int64_t at = at_size(size, (int32_t)v);
	unsigned bits = size == 64 ? 32 : size;

	if (r < 0) {
		const struct tmem *t = &mem_some[(size_t)(v & 0x7f) * 5 % n_some];
		x86_test_mi(b, size, t->m, (int32_t)v);
		expect("test %s, %s", mem(size, t, 0), imm(size, bits, at));
		return;
	}
	x86_test_ri(b, size, r, (int32_t)v);
	expect_len((size == 16) + rex_len(size, r, r, false) + 2 - (r == X86_RAX) + bits / 8,
		   "test %s, %s", gpr(size, r), imm(size, bits, at));
}

START_TEST(test)
{
	sweep_rr(X86_SZ_ALL, test_rr);
	sweep_ri(X86_SZ_ALL, 16, imms, ARRAY_SIZE(imms), test_ri);
	sweep_ri(X86_SZ_ALL, 0, imms, ARRAY_SIZE(imms), test_ri);
}
END_TEST

/* ---- one-operand groups, shifts, bit operations -------------------------- */

static const struct {
	enum x86_unop op;
	const char *name;
} unops[] = {
	{ X86_INC, "inc" }, { X86_DEC, "dec" }, { X86_NOT, "not" }, { X86_NEG, "neg" },
	{ X86_MUL, "mul" }, { X86_IMUL1, "imul" }, { X86_DIV, "div" }, { X86_IDIV, "idiv" },
};

/* Passed as the memory operand set of one, it selects a form's register variant. */
static const struct tmem reg_form[1];

/* Whether one_operand runs the shift op by cl rather than the unop op. */
static bool by_cl;

/* The one-operand forms on register r (t is reg_form) or on t's memory operand. */
static void one_operand(unsigned size, int r, const struct tmem *t)
{
	bool reg = t == reg_form;

	if (by_cl)
		reg ? x86_shift_rcl(b, op, size, r) : x86_shift_mcl(b, op, size, t->m);
	else
		reg ? x86_unop_r(b, op, size, r) : x86_unop_m(b, op, size, t->m);
	expect("%s %s%s", opname, reg ? gpr(size, r) : mem(size, t, 0), by_cl ? ", cl" : "");
}

static const char *const shift_names[] = { "rol", "ror", "rcl", "rcr", "shl", "shr", NULL, "sar" };
static const int64_t counts[] = { 1, 2, 5, 9, 10, 31, 63, 0xff };

/* Registers, then (r < 0) memory operands; count 1 takes the form without imm8. */
static void shift_ri(unsigned size, int r, int64_t count)
{
	const struct tmem *t = &mem_some[(size_t)count * 11 % n_some];
	unsigned len = (size == 16) + rex_len(size, r, r, false) + 2 + (count != 1);

	if (r < 0)
		x86_shift_mi(b, op, size, t->m, (uint8_t)count);
	else
		x86_shift_ri(b, op, size, r, (uint8_t)count);
	expect_len(r < 0 ? 0 : len, "%s %s, %s", opname, r < 0 ? mem(size, t, 0) : gpr(size, r),
		   num((uint64_t)count));
}

START_TEST(unary_and_shifts)
{
	for (size_t i = 0; i < ARRAY_SIZE(unops); i++) {
		op = unops[i].op;
		opname = unops[i].name;
		by_cl = false;
		sweep_rm(X86_SZ_ALL, reg_form, 1, one_operand);
		sweep_rm(X86_SZ_ALL, mem_some, n_some, one_operand);
	}
	for (op = X86_ROL; op <= X86_SAR; op++) {
		if (!shift_names[op])
			continue;
		opname = shift_names[op];
		sweep_ri(X86_SZ_ALL, 16, counts, ARRAY_SIZE(counts), shift_ri);
		sweep_ri(X86_SZ_ALL, 0, counts, ARRAY_SIZE(counts), shift_ri);
		by_cl = true;
		sweep_rm(X86_SZ_ALL, reg_form, 1, one_operand);
		sweep_rm(X86_SZ_ALL, mem_some, n_some, one_operand);
	}
}
END_TEST

static const char *const bt_names[] = { "bt", "bts", "btr", "btc" };

static void shd_rr(unsigned size, int d, int s)
{
	x86_shd_ri(b, op, size, d, s, (uint8_t)(d * 5 + s));
	expect("%s %s, %s, %s", opname, gpr(size, d), gpr(size, s), num((uint64_t)(d * 5 + s)));
	x86_shd_rcl(b, op, size, d, s);
	expect("%s %s, %s, cl", opname, gpr(size, d), gpr(size, s));
}

static void bt_rr(unsigned size, int r, int bit)
{
	x86_bt_rr(b, op, size, r, bit);
	expect("%s %s, %s", opname, gpr(size, r), gpr(size, bit));
	x86_bt_ri(b, op, size, r, (uint8_t)(bit * 17));
	expect("%s %s, %s", opname, gpr(size, r), num((uint64_t)(bit * 17 & 0xff)));
}


START_TEST(bit_operations)
{
	static const struct {
		enum x86_bitscan op;
		const char *name;
	} scans[] = {
		{ X86_BSF, "bsf" }, { X86_BSR, "bsr" }, { X86_TZCNT, "tzcnt" },
		{ X86_LZCNT, "lzcnt" }, { X86_POPCNT, "popcnt" },
	};

	for (op = X86_SHLD; op == X86_SHLD || op == X86_SHRD; op += X86_SHRD - X86_SHLD) {
		opname = op == X86_SHLD ? "shld" : "shrd";
		sweep_rr(X86_SZ_WIDE, shd_rr);
	}
	for (op = X86_BT; op <= X86_BTC; op++) {
		opname = bt_names[op - X86_BT];
		sweep_rr(X86_SZ_WIDE, bt_rr);
	}
	for (size_t i = 0; i < ARRAY_SIZE(scans); i++) {
		op = scans[i].op;
		opname = scans[i].name;
		two_form = TWO_BITSCAN;
		sweep_rr(X86_SZ_WIDE, two_rr);
		sweep_rm(X86_SZ_WIDE, mem_some, n_some, two_load);
	}
	for (int r = 0; r < 16; r++) {
		x86_bswap(b, 32, r);
		expect_len(2 + (r >= 8), "bswap %s", gpr(32, r));
		x86_bswap(b, 64, r);
		expect_len(3, "bswap %s", gpr(64, r));
	}
}
END_TEST

/* ---- multiply, sign extension, condition codes ------------------------------ */

static void imul_rri(unsigned size, int d, int s)
{
	int64_t v = imms[(size_t)(d + s) % ARRAY_SIZE(imms)];
	int64_t at = at_size(size, (int32_t)v);

	x86_imul_rri(b, size, d, s, (int32_t)v);
	expect("imul %s, %s, %s", gpr(size, d), gpr(size, s),
	       imm(size, fits8(at) ? 8 : size == 64 ? 32 : size, at));
}

START_TEST(multiply_and_conditions)
{
	static const char *const cdq[] = { "cwd", "cdq", "cqo" };
	static const char *const cdqe[] = { "cbw", "cwde", "cdqe" };

	static char cmov_name[8];

	two_form = TWO_IMUL;
	opname = "imul";
	sweep_rr(X86_SZ_WIDE, two_rr);
	sweep_rm(X86_SZ_WIDE, mem_some, n_some, two_load);
	sweep_rr(X86_SZ_WIDE, imul_rri);
	for (size_t s = 1; s < ARRAY_SIZE(sizes); s++) {
		x86_cdq(b, sizes[s]);
		expect("%s", cdq[s - 1]);
		x86_cdqe(b, sizes[s]);
		expect("%s", cdqe[s - 1]);
	}
	for (op = X86_CC_O; op <= X86_CC_G; op++) {
		ck_assert_int_eq(x86_cond_not(op), op ^ 1);
		for (int r = 0; r < 16; r++) {
			x86_setcc_r(b, op, r);
			expect_len(3 + (r >= 4), "set%s %s", cc_names[op], gpr(8, r));
		}
		for (size_t i = 0; i < n_some; i++) {
			x86_setcc_m(b, op, mem_some[i].m);
			expect("set%s %s", cc_names[op], mem(8, &mem_some[i], 0));
		}
		two_form = TWO_CMOV;
		snprintf(cmov_name, sizeof(cmov_name), "cmov%s", cc_names[op]);
		opname = cmov_name;
		sweep_rr(X86_SZ_WIDE, two_rr);
		sweep_rm(X86_SZ_WIDE, mem_some, n_some, two_load);
	}
}
END_TEST

/* ---- stack, flags, one-byte operations, NOPs -------------------------------- */

START_TEST(stack_and_simple)
{
	static const struct {
		enum x86_op0 op;
		const char *name;
	} ops0[] = {
		{ X86_RET, "ret" }, { X86_INT3, "int3" }, { X86_UD2, "ud2" }, { X86_LAHF, "lahf" },
		{ X86_SAHF, "sahf" }, { X86_PUSHFQ, "pushfq" }, { X86_POPFQ, "popfq" },
		{ X86_CMC, "cmc" }, { X86_CLC, "clc" }, { X86_STC, "stc" }, { X86_PAUSE, "pause" },
		{ X86_LFENCE, "lfence" }, { X86_MFENCE, "mfence" }, { X86_SFENCE, "sfence" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops0); i++) {
		x86_op0(b, ops0[i].op);
		expect("%s", ops0[i].name);
	}
	for (int r = 0; r < 16; r++) {
		x86_push_r(b, r);
		expect_len(1 + (r >= 8), "push %s", gpr(64, r));
		x86_pop_r(b, r);
		expect_len(1 + (r >= 8), "pop %s", gpr(64, r));
	}
	for (size_t i = 0; i < ARRAY_SIZE(imms); i++) {
		x86_push_i(b, (int32_t)imms[i]);
		expect_len(fits8(imms[i]) ? 2 : 5, "push %s", snum(imms[i]));
	}
}
END_TEST

START_TEST(nop_lengths)
{
	for (unsigned n = 1; n <= 9; n++) {
		x86_nop(b, n);
		expect_len(n, "%s", n <= 2 ? "nop" : n == 3 || n == 4 || n == 7 ? "nop dword ptr [rax]"
				 : n == 6 || n == 9 ? "nop word ptr [rax + rax]"
						    : "nop dword ptr [rax + rax]");
	}
	/* longer padding: 9-byte NOPs, then the rest, each one instruction */
	for (unsigned n = 10; n <= 40; n++) {
		char text[96];
		x86_nop(b, n);
		ck_assert_uint_eq((size_t)(b->p - b->start), n);
		for (size_t at = 0; at < n;) {
			size_t len = disasm(code + at, n - at, text, sizeof(text));
			ck_assert_msg(len == (n - at > 9 ? 9 : n - at) && !strncmp(text, "nop", 3),
				      "nop(%u) at %zu: %s", n, at, text);
			at += len;
			checked++;
		}
		x86_buf_init(b, code, sizeof(code));
	}
	x86_nop(b, 0);
	ck_assert_ptr_eq(b->p, b->start);
}
END_TEST

/* ---- control flow ------------------------------------------------------------- */

static const void *addr(const uint8_t *base, int64_t off)
{
	return (const void *)((uintptr_t)base + (uint64_t)off);
}

START_TEST(branches)
{
	/* displacements from the end of a 2-byte branch: rel8 edges and beyond */
	static const int64_t rels[] = { -129, -128, -2, 0, 1, 127, 128, -0x10000, 0x12345678,
					INT32_MIN + 6, INT32_MAX - 6 };

	for (size_t i = 0; i < ARRAY_SIZE(rels); i++) {
		const void *t = addr(code + 2, rels[i]);
		bool near = fits8(rels[i]);
		for (op = X86_CC_O; op <= X86_CC_G; op++) {
			x86_jcc_to(b, op, t);
			expect_len(near ? 2 : 6, "j%s 0x%" PRIxPTR, cc_names[op], (uintptr_t)t);
			ck_assert_ptr_nonnull(x86_jcc32(b, op, t));
			expect_len(6, "j%s 0x%" PRIxPTR, cc_names[op], (uintptr_t)t);
		}
		x86_jmp_to(b, t);
		expect_len(near ? 2 : 5, "jmp 0x%" PRIxPTR, (uintptr_t)t);
		ck_assert_ptr_eq(x86_jmp32(b, t), code + 1);
		expect_len(5, "jmp 0x%" PRIxPTR, (uintptr_t)t);
		ck_assert_ptr_eq(x86_call32(b, t), code + 1);
		expect_len(5, "call 0x%" PRIxPTR, (uintptr_t)t);
	}
	for (int r = 0; r < 16; r++) {
		x86_jmp_r(b, r);
		expect("jmp %s", gpr(64, r));
		x86_call_r(b, r);
		expect("call %s", gpr(64, r));
	}
}
END_TEST

/* Forms whose one operand is memory, over every other operand of mem_all. */
START_TEST(memory_only)
{
	static const struct {
		void (*emit)(struct x86_buf *, struct x86_mem);
		const char *name;
		unsigned size;
	} forms[] = {
		{ x86_stmxcsr, "stmxcsr", 32 }, { x86_ldmxcsr, "ldmxcsr", 32 },
	};

	for (size_t f = 0; f < ARRAY_SIZE(forms); f++)
		for (size_t i = f & 1; i < n_all; i += 2) {
			forms[f].emit(b, mem_all[i].m);
			expect("%s %s", forms[f].name, mem(forms[f].size, &mem_all[i], 0));
		}
}
END_TEST

/* The instruction at p, which must decode as want. */
static void expect_at(const uint8_t *p, size_t len, const char *want)
{
	char got[128];
	ck_assert_uint_eq(disasm(p, len, got, sizeof(got)), len);
	ck_assert_str_eq(got, want);
	checked++;
}

START_TEST(labels_and_patching)
{
	char want[64];

	/* forward jcc32 and jmp8 patched once the target is known */
	uint8_t *fix = x86_jcc32(b, X86_CC_NE, NULL);
	uint8_t *fix8 = x86_jmp8(b);
	ck_assert_ptr_eq(fix, code + 2);
	ck_assert_ptr_eq(fix8, code + 7);
	x86_nop(b, 20);
	uint8_t *label = x86_here(b);
	x86_op0(b, X86_RET);
	ck_assert(x86_patch_rel32(fix, label));
	ck_assert(x86_patch_rel8(fix8, label));
	snprintf(want, sizeof(want), "jmp 0x%" PRIxPTR, (uintptr_t)label);
	expect_at(code + 6, 2, want);
	snprintf(want, sizeof(want), "jne 0x%" PRIxPTR, (uintptr_t)label);
	expect_at(code, 6, want);
	/* out of reach: refused, the old target kept */
	ck_assert(!x86_patch_rel8(fix8, addr(code, 200)));
	ck_assert(!x86_patch_rel32(fix, addr(code, INT64_C(1) << 33)));
	ck_assert(!x86_patch_rel32(NULL, label));
	expect_at(code, 6, want);

	/* a backward loop: rel8 while it reaches, rel32 after */
	x86_buf_init(b, code, sizeof(code));
	x86_nop(b, 40);
	x86_jcc_to(b, X86_CC_L, code);
	ck_assert_uint_eq((size_t)(b->p - code), 42);
	static uint8_t big[300];
	x86_buf_init(b, big, sizeof(big));
	x86_nop(b, 200);
	x86_jcc_to(b, X86_CC_L, big);
	ck_assert_uint_eq((size_t)(b->p - big), 206);
	snprintf(want, sizeof(want), "jl 0x%" PRIxPTR, (uintptr_t)big);
	expect_at(big + 200, 6, want);

	/* a short forward jcc8 */
	x86_buf_init(b, code, sizeof(code));
	fix8 = x86_jcc8(b, X86_CC_BE);
	x86_nop(b, 5);
	ck_assert(x86_patch_rel8(fix8, x86_here(b)));
	snprintf(want, sizeof(want), "jbe 0x%" PRIxPTR, (uintptr_t)(code + 7));
	expect_at(code, 2, want);
	x86_buf_init(b, code, sizeof(code));
}
END_TEST

START_TEST(patchable_jump)
{
	static uint8_t area[64] __attribute__((aligned(8)));
	char want[64];

	for (unsigned start = 0; start < 8; start++) {
		const uint8_t *t1 = area + 40, *t2 = addr(area, -0x1000000);
		x86_buf_init(b, area + start, sizeof(area) - start);
		uint8_t *rel = x86_jmp_patchable(b, t1);
		size_t pad = (size_t)(rel - 1 - (area + start));

		ck_assert_ptr_nonnull(rel);
		ck_assert_uint_eq((uintptr_t)rel & 3, 0);
		ck_assert_uint_le(pad, 3);
		ck_assert_ptr_eq(b->p, rel + 4);
		if (pad)
			expect_at(area + start, pad, pad == 1 ? "nop" : pad == 2 ? "nop" : "nop dword ptr [rax]");
		snprintf(want, sizeof(want), "jmp 0x%" PRIxPTR, (uintptr_t)t1);
		expect_at(rel - 1, 5, want);
		ck_assert(x86_patch_jmp_atomic(rel, t2));
		snprintf(want, sizeof(want), "jmp 0x%" PRIxPTR, (uintptr_t)t2);
		expect_at(rel - 1, 5, want);
		ck_assert(!x86_patch_jmp_atomic(rel + 1, t2));
		ck_assert(!x86_patch_jmp_atomic(rel, addr(area, INT64_C(1) << 40)));
		expect_at(rel - 1, 5, want);
	}
	x86_buf_init(b, code, sizeof(code));
}
END_TEST

/* ---- buffer limits and unencodable operands --------------------------------- */

/* Emitters of different lengths for the overflow test. */
static void emit_movabs(struct x86_buf *o)
{
	x86_mov_ri(o, 64, X86_R9, 0x123456789abcdef0);
}

static void emit_big_store(struct x86_buf *o)
{
	x86_mov_mi(o, 16, x86_mem_idx(X86_R13, X86_R12, 8, 0x12345678), 0x1234);
}

static void emit_jcc(struct x86_buf *o)
{
	x86_jcc32(o, X86_CC_G, NULL);
}

static void emit_nops(struct x86_buf *o)
{
	x86_nop(o, 9);
}

static void emit_sse(struct x86_buf *o)
{
	x86_sse_rm(o, X86_ADDSD, X86_XMM12, x86_mem(X86_R12, 4));
}

START_TEST(overflow)
{
	static void (*const emits[])(struct x86_buf *) = {
		emit_movabs, emit_big_store, emit_jcc, emit_nops, emit_sse,
	};
	uint8_t area[32];
	struct x86_buf o;

	for (size_t e = 0; e < ARRAY_SIZE(emits); e++) {
		x86_buf_init(&o, area, sizeof(area));
		emits[e](&o);
		size_t len = (size_t)(o.p - area);
		ck_assert(len > 0 && x86_buf_ok(&o));
		for (size_t room = 0; room <= len; room++) {
			memset(area, 0xaa, sizeof(area));
			x86_buf_init(&o, area + 4, room);
			emits[e](&o);
			if (room == len) {
				ck_assert(x86_buf_ok(&o) && o.p == o.end);
			} else {
				ck_assert(o.overflow && !o.invalid && o.p == o.start);
				/* sticky: even what would fit is not written */
				x86_op0(&o, X86_RET);
				ck_assert_ptr_eq(o.p, o.start);
				ck_assert_ptr_null(x86_jmp32(&o, NULL));
			}
			for (size_t i = 0; i < sizeof(area); i++)
				ck_assert_msg(area[i] == 0xaa || (i >= 4 && i < 4 + room && room == len),
					      "emitter %zu, room %zu: byte %zu written", e, room, i);
			checked++;
		}
	}
}
END_TEST

START_TEST(unencodable)
{
	x86_mov_rm(b, 32, X86_RAX, x86_mem_idx(X86_RAX, X86_RSP, 1, 0));
	expect_invalid("rsp as index");
	x86_mov_rm(b, 32, X86_RAX, x86_mem_idx(X86_RAX, X86_RCX, 3, 0));
	expect_invalid("scale 3");
	x86_lea(b, 64, X86_RAX, x86_mem_idx(X86_RIP, X86_RCX, 1, 0));
	expect_invalid("rip with an index");
	x86_cmov_rr(b, X86_CC_E, 8, X86_RAX, X86_RCX);
	expect_invalid("8-bit cmov");
	x86_lea(b, 8, X86_RAX, x86_mem(X86_RAX, 0));
	expect_invalid("8-bit lea");
	x86_alu_rr(b, X86_ADD, 24, X86_RAX, X86_RCX);
	expect_invalid("24-bit add");
	x86_movx_rr(b, X86_MOVZX, 64, 32, X86_RAX, X86_RCX);
	expect_invalid("movzx from 32 bits");
	x86_movx_rr(b, X86_MOVSX, 32, 32, X86_RAX, X86_RCX);
	expect_invalid("movsxd into 32 bits");
	x86_movx_rr(b, (enum x86_movx)X86_BSF, 32, 8, X86_RAX, X86_RCX);
	expect_invalid("not an extending move");
	x86_mov_rr(b, 32, 16, X86_RAX);
	expect_invalid("register 16");
	x86_sse_mr(b, X86_ADDSS, x86_mem(X86_RAX, 0), X86_XMM0);
	expect_invalid("addss store");
	x86_bswap(b, 16, X86_RAX);
	expect_invalid("16-bit bswap");
	x86_setcc_r(b, (enum x86_cond)16, X86_RAX);
	expect_invalid("condition 16");
	x86_call32(b, addr(code, INT64_C(1) << 32));
	expect_invalid("call out of reach");
	/* sticky */
	x86_mov_rm(b, 32, X86_RAX, x86_mem_idx(X86_RAX, X86_RSP, 1, 0));
	x86_op0(b, X86_RET);
	expect_invalid("after an invalid one");
	/* r12 as index is fine: REX.X tells it from "no index" */
	x86_mov_rm(b, 32, X86_RAX, x86_mem_idx(X86_RAX, X86_R12, 1, 0));
	expect("mov eax, dword ptr [rax + r12]");
}
END_TEST

/* ---- SSE2 scalar ------------------------------------------------------------- */

static const struct {
	enum x86_sse op;
	const char *name;
	unsigned mem; /* bits read from memory, as Capstone labels them */
} sse_ops[] = {
	{ X86_MOVSS, "movss", 32 }, { X86_MOVSD, "movsd", 64 },
	{ X86_MOVAPS, "movaps", 128 }, { X86_MOVAPD, "movapd", 128 },
	{ X86_ADDSS, "addss", 32 }, { X86_ADDSD, "addsd", 64 },
	{ X86_SUBSS, "subss", 32 }, { X86_SUBSD, "subsd", 64 },
	{ X86_MULSS, "mulss", 32 }, { X86_MULSD, "mulsd", 64 },
	{ X86_DIVSS, "divss", 32 }, { X86_DIVSD, "divsd", 64 },
	{ X86_SQRTSS, "sqrtss", 32 }, { X86_SQRTSD, "sqrtsd", 64 },
	{ X86_MINSS, "minss", 32 }, { X86_MINSD, "minsd", 64 },
	{ X86_MAXSS, "maxss", 32 }, { X86_MAXSD, "maxsd", 64 },
	{ X86_UCOMISS, "ucomiss", 32 }, { X86_UCOMISD, "ucomisd", 64 },
	/* Capstone 4 labels these xmmword; the CPU reads 32 and 64 bits */
	{ X86_COMISS, "comiss", 128 }, { X86_COMISD, "comisd", 128 },
	{ X86_CVTSS2SD, "cvtss2sd", 32 }, { X86_CVTSD2SS, "cvtsd2ss", 64 },
	{ X86_ANDPS, "andps", 128 }, { X86_ANDPD, "andpd", 128 },
	{ X86_ANDNPS, "andnps", 128 }, { X86_ANDNPD, "andnpd", 128 },
	{ X86_ORPS, "orps", 128 }, { X86_ORPD, "orpd", 128 },
	{ X86_XORPS, "xorps", 128 }, { X86_XORPD, "xorpd", 128 },
};

static unsigned sse_mem;

static void sse_rr(unsigned size, int d, int s)
{
	x86_sse_rr(b, op, d, s);
	expect("%s %s, %s", opname, xmm_names[d], xmm_names[s]);
}

static void sse_rm(unsigned size, int r, const struct tmem *t)
{
	x86_sse_rm(b, op, r, t->m);
	expect("%s %s, %s", opname, xmm_names[r], mem(sse_mem, t, 0));
	if ((op & 0xff) == 0x10 || (op & 0xff) == 0x28) {
		x86_sse_mr(b, op, t->m, r);
		expect("%s %s, %s", opname, mem(sse_mem, t, 0), xmm_names[r]);
	}
}

/* GPR on one side, xmm on the other: movd/movq both ways, cvtsi2ss/sd. */
static void sse_gpr(unsigned size, int x, int r)
{
	const char *q = size == 64 ? "movq" : "movd";

	x86_movd_xr(b, size, x, r);
	expect("%s %s, %s", q, xmm_names[x], gpr(size, r));
	x86_movd_rx(b, size, r, x);
	expect("%s %s, %s", q, gpr(size, r), xmm_names[x]);
	x86_cvt_rr(b, X86_CVTSI2SS, size, x, r);
	expect("cvtsi2ss %s, %s", xmm_names[x], gpr(size, r));
	x86_cvt_rr(b, X86_CVTSI2SD, size, x, r);
	expect("cvtsi2sd %s, %s", xmm_names[x], gpr(size, r));
}

static const struct {
	enum x86_cvt op;
	const char *name;
} to_int[] = {
	{ X86_CVTTSS2SI, "cvttss2si" }, { X86_CVTTSD2SI, "cvttsd2si" },
	{ X86_CVTSS2SI, "cvtss2si" }, { X86_CVTSD2SI, "cvtsd2si" },
};

static void sse_to_int(unsigned size, int r, int x)
{
	for (size_t i = 0; i < ARRAY_SIZE(to_int); i++) {
		x86_cvt_rr(b, to_int[i].op, size, r, x);
		expect("%s %s, %s", to_int[i].name, gpr(size, r), xmm_names[x]);
	}
}

static void sse_cvt_mem(unsigned size, int r, const struct tmem *t)
{
	x86_cvt_rm(b, X86_CVTSI2SD, size, r, t->m);
	expect("cvtsi2sd %s, %s", xmm_names[r], mem(size, t, 0));
	for (size_t i = 0; i < ARRAY_SIZE(to_int); i++) {
		x86_cvt_rm(b, to_int[i].op, size, r, t->m);
		expect("%s %s, %s", to_int[i].name, gpr(size, r), mem(i & 1 ? 64 : 32, t, size));
	}
}

START_TEST(sse)
{
	for (size_t i = 0; i < ARRAY_SIZE(sse_ops); i++) {
		op = sse_ops[i].op;
		opname = sse_ops[i].name;
		sse_mem = sse_ops[i].mem;
		sweep_rr(X86_SZ_32, sse_rr);
		sweep_rm(X86_SZ_32, mem_some, n_some, sse_rm);
	}
	sweep_rr(X86_SZ_DQ, sse_gpr);
	sweep_rr(X86_SZ_DQ, sse_to_int);
	sweep_rm(X86_SZ_DQ, mem_some, n_some, sse_cvt_mem);
}
END_TEST

static Suite *x86_emit_suite(void)
{
	Suite *s = suite_create("x86_emit");
	TCase *tc = tcase_create("x86_emit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mov);
	tcase_add_test(tc, movx_lea_xchg);
	tcase_add_test(tc, alu);
	tcase_add_test(tc, cmp_mi32);
	tcase_add_test(tc, test);
	tcase_add_test(tc, unary_and_shifts);
	tcase_add_test(tc, bit_operations);
	tcase_add_test(tc, multiply_and_conditions);
	tcase_add_test(tc, stack_and_simple);
	tcase_add_test(tc, nop_lengths);
	tcase_add_test(tc, branches);
	tcase_add_test(tc, memory_only);
	tcase_add_test(tc, labels_and_patching);
	tcase_add_test(tc, patchable_jump);
	tcase_add_test(tc, overflow);
	tcase_add_test(tc, unencodable);
	tcase_add_test(tc, sse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(x86_emit_suite());
}
