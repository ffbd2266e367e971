/*
 * x86-64 machine-code encoder for the block JIT.
 *
 * Header-only and freestanding: the bare-metal engine has no libc and any .c
 * file in this folder would be built as an engine that does not exist yet.
 *
 * Every emitter assembles one whole instruction, then commits it to the
 * buffer only if all of it fits, so a buffer never holds a torn instruction.
 * Two sticky flags stop all further writing:
 *   overflow  the instruction did not fit; the JIT flushes its cache and
 *             translates the block again.
 *   invalid   an operand x86 cannot encode was asked for (an RSP index, a
 *             scale of 3, an 8-bit cmov, a rel32 out of reach...); this is a
 *             JIT bug, and retrying would fail again.
 * Check them once per block with x86_buf_ok().
 *
 * Register operands are X86_RAX..X86_R15 or X86_XMM0..X86_XMM15 (0..15 in
 * ModRM). Operand sizes are bits: 8, 16, 32 or 64, where the form allows it.
 * Byte registers 4..7 are always SPL/BPL/SIL/DIL (a REX prefix is emitted);
 * AH/CH/DH/BH are not reachable.
 */
#ifndef CAPTIVE_X86_EMIT_H
#define CAPTIVE_X86_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	/* memory-operand bases only */
	X86_NOREG = -1,
	X86_RIP = 16,
};

enum x86_xmm {
	X86_XMM0, X86_XMM1, X86_XMM2, X86_XMM3, X86_XMM4, X86_XMM5, X86_XMM6, X86_XMM7,
	X86_XMM8, X86_XMM9, X86_XMM10, X86_XMM11, X86_XMM12, X86_XMM13, X86_XMM14, X86_XMM15,
};

/* Condition codes in the x86 numbering: jcc = 0x70 + cc, setcc = 0F 90 + cc. */
enum x86_cond {
	X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE, X86_CC_BE, X86_CC_A,
	X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP, X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G,
};

/* Invert a condition: the encodings pair up in the low bit. */
static inline enum x86_cond x86_cond_not(enum x86_cond cc)
{
	return (enum x86_cond)(cc ^ 1);
}

/* ALU group 1, in its /digit order (opcode = op << 3 for the r/m forms). */
enum x86_alu { X86_ADD, X86_OR, X86_ADC, X86_SBB, X86_AND, X86_SUB, X86_XOR, X86_CMP };

/* Shift group 2, by /digit (6 is an undocumented alias of SHL). */
enum x86_shift {
	X86_ROL = 0, X86_ROR = 1, X86_RCL = 2, X86_RCR = 3, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7,
};

/* One-operand groups: the byte opcode << 8 | the /digit. */
enum x86_unop {
	X86_INC = 0xfe00, X86_DEC = 0xfe01,
	X86_NOT = 0xf602, X86_NEG = 0xf603, X86_MUL = 0xf604, X86_IMUL1 = 0xf605,
	X86_DIV = 0xf606, X86_IDIV = 0xf607,
};

/* Bit tests, by their 0F BA /digit (the register forms derive from it). */
enum x86_bitop { X86_BT = 4, X86_BTS = 5, X86_BTR = 6, X86_BTC = 7 };

/* Extending moves: the opcode from 8 bits (from 16 is the next one). */
enum x86_movx { X86_MOVZX = 0x0fb6, X86_MOVSX = 0x0fbe };

/* Double shifts: the imm8 opcode; the CL form is the next one. */
enum x86_shd { X86_SHLD = 0x0fa4, X86_SHRD = 0x0fac };

/*
 * Opcodes spelt as their byte sequence, mandatory prefix first: a leading
 * 66/F2/F3 byte is emitted before REX, the rest after it.
 */
enum x86_bitscan {
	X86_BSF = 0x0fbc, X86_BSR = 0x0fbd,
	X86_TZCNT = 0xf30fbc, X86_LZCNT = 0xf30fbd, X86_POPCNT = 0xf30fb8,
};

/* Instructions without operands. */
enum x86_op0 {
	X86_RET = 0xc3, X86_INT3 = 0xcc, X86_UD2 = 0x0f0b,
	X86_LAHF = 0x9f, X86_SAHF = 0x9e, X86_PUSHFQ = 0x9c, X86_POPFQ = 0x9d,
	X86_CMC = 0xf5, X86_CLC = 0xf8, X86_STC = 0xf9, X86_PAUSE = 0xf390,
	X86_LFENCE = 0x0faee8, X86_MFENCE = 0x0faef0, X86_SFENCE = 0x0faef8,
};

/* SSE forms xmm, xmm/mem (scalar arithmetic, compares, moves and bit logic). */
enum x86_sse {
	X86_MOVSS = 0xf30f10, X86_MOVSD = 0xf20f10, X86_MOVAPS = 0x0f28, X86_MOVAPD = 0x660f28,
	X86_ADDSS = 0xf30f58, X86_ADDSD = 0xf20f58, X86_SUBSS = 0xf30f5c, X86_SUBSD = 0xf20f5c,
	X86_MULSS = 0xf30f59, X86_MULSD = 0xf20f59, X86_DIVSS = 0xf30f5e, X86_DIVSD = 0xf20f5e,
	X86_SQRTSS = 0xf30f51, X86_SQRTSD = 0xf20f51, X86_MINSS = 0xf30f5d, X86_MINSD = 0xf20f5d,
	X86_MAXSS = 0xf30f5f, X86_MAXSD = 0xf20f5f,
	X86_UCOMISS = 0x0f2e, X86_UCOMISD = 0x660f2e, X86_COMISS = 0x0f2f, X86_COMISD = 0x660f2f,
	X86_CVTSS2SD = 0xf30f5a, X86_CVTSD2SS = 0xf20f5a,
	X86_ANDPS = 0x0f54, X86_ANDPD = 0x660f54, X86_ANDNPS = 0x0f55, X86_ANDNPD = 0x660f55,
	X86_ORPS = 0x0f56, X86_ORPD = 0x660f56, X86_XORPS = 0x0f57, X86_XORPD = 0x660f57,
};

/* Conversions between a GPR (or memory) of 32 or 64 bits and a scalar xmm. */
enum x86_cvt {
	X86_CVTSI2SS = 0xf30f2a, X86_CVTSI2SD = 0xf20f2a,
	X86_CVTTSS2SI = 0xf30f2c, X86_CVTTSD2SI = 0xf20f2c,
	X86_CVTSS2SI = 0xf30f2d, X86_CVTSD2SI = 0xf20f2d,
};

/*
 * Memory operand [base + index * scale + disp]. base X86_NOREG encodes a
 * disp32 with no base (SIB form, absolute when index is X86_NOREG too);
 * base X86_RIP is [rip + disp], disp counted from the end of the
 * instruction, and takes no index. index X86_RSP cannot be encoded.
 */
struct x86_mem {
	int base;
	int index;
	int scale;
	int32_t disp;
};

static inline struct x86_mem x86_mem(int base, int32_t disp)
{
	return (struct x86_mem){ .base = base, .index = X86_NOREG, .scale = 1, .disp = disp };
}

static inline struct x86_mem x86_mem_idx(int base, int index, int scale, int32_t disp)
{
	return (struct x86_mem){ .base = base, .index = index, .scale = scale, .disp = disp };
}

/* [disp32]: the address is sign-extended, so it reaches the low and high 2 GiB. */
static inline struct x86_mem x86_mem_abs(int32_t addr)
{
	return x86_mem(X86_NOREG, addr);
}

static inline struct x86_mem x86_mem_rip(int32_t disp)
{
	return x86_mem(X86_RIP, disp);
}

struct x86_buf {
	uint8_t *p;     /* next byte to write */
	uint8_t *start;
	uint8_t *end;   /* one past the last writable byte */
	bool overflow;  /* an instruction did not fit; nothing more was written */
	bool invalid;   /* an unencodable operand was asked for; nothing more was written */
	bool dry;       /* nothing is encoded or written: every instruction advances p by
			 * one byte, so positions still tell emissions apart */
};

static inline void x86_buf_init(struct x86_buf *b, void *mem, size_t size)
{
	b->start = b->p = (uint8_t *)mem;
	b->end = b->start + size;
	b->overflow = false;
	b->invalid = false;
	b->dry = false;
}

static inline bool x86_buf_ok(const struct x86_buf *b)
{
	return !b->overflow && !b->invalid;
}

/* Where the next instruction goes: a label for backward jumps and fix-ups. */
static inline uint8_t *x86_here(const struct x86_buf *b)
{
	return b->p;
}

/* ---- the encoder core (callers use the forms further down) -------------- */

/* Encoding flags. */
enum {
	X86_F_W = 1 << 0,        /* REX.W: 64-bit operand */
	X86_F_OSZ = 1 << 1,      /* 0x66: 16-bit operand */
	X86_F_BYTE_REG = 1 << 2, /* ModRM.reg is a byte register: 4..7 need a REX */
	X86_F_BYTE_RM = 1 << 3,  /* ModRM.rm (a register) is a byte register */
	X86_F_NO_MODRM = 1 << 4, /* register rm is added to the last opcode byte */
	X86_F_BAD = 1 << 5,      /* the caller found the operands unencodable */
};

/* Operand sizes a form accepts, as a mask of size / 8. */
enum {
	X86_SZ_8 = 1, X86_SZ_16 = 2, X86_SZ_32 = 4, X86_SZ_64 = 8,
	X86_SZ_ALL = 15, X86_SZ_WIDE = 14, X86_SZ_DQ = 12,
};

/* Flags for an operand of size bits; X86_F_BAD unless allowed has it. */
static inline unsigned x86_sz(unsigned size, unsigned allowed)
{
	switch (size) {
	case 8: return allowed & X86_SZ_8 ? X86_F_BYTE_REG | X86_F_BYTE_RM : X86_F_BAD;
	case 16: return allowed & X86_SZ_16 ? X86_F_OSZ : X86_F_BAD;
	case 32: return allowed & X86_SZ_32 ? 0 : X86_F_BAD;
	case 64: return allowed & X86_SZ_64 ? X86_F_W : X86_F_BAD;
	default: return X86_F_BAD;
	}
}

/* x86_sz for a /digit form: its ModRM.reg is an opcode extension, no register. */
static inline unsigned x86_szd(unsigned size, unsigned allowed)
{
	return x86_sz(size, allowed) & ~(unsigned)X86_F_BYTE_REG;
}

/* The opcode of the pair whose low bit selects byte (clear) or full size. */
static inline uint32_t x86_opw(unsigned size, uint32_t op)
{
	return size == 8 ? op : op | 1;
}

/* Bytes of an immediate that follows the operand size, 64 using imm32. */
static inline unsigned x86_imm_len(unsigned size)
{
	return size == 8 ? 1 : size == 16 ? 2 : 4;
}

/* The immediate as the CPU sees it at this operand size (truncated, re-extended). */
static inline int32_t x86_imm_at(unsigned size, int32_t imm)
{
	return size == 8 ? (int8_t)imm : size == 16 ? (int16_t)imm : imm;
}

static inline bool x86_fits8(int64_t v)
{
	return v == (int8_t)v;
}

static inline bool x86_fits32(int64_t v)
{
	return v == (int32_t)v;
}

/*
 * One instruction is assembled straight into the buffer at p when it has
 * room for the longest (15 bytes) plus an 8-byte overrun, else in spare
 * bytes on the stack and copied; it is committed (p advanced past it) only
 * whole. Assembled on the stack and always copied, its bytes were reloaded
 * over the smaller stores that wrote them: a store-forwarding stall in every
 * instruction emitted. Prefixes, REX and opcode (at most 6 bytes) are
 * gathered in a register and stored at once.
 */
#define X86_INS_ROOM 24

static inline unsigned x86_op_len(uint32_t op)
{
	return op > 0xffffff ? 4 : op > 0xffff ? 3 : op > 0xff ? 2 : 1;
}

static inline bool x86_is_prefix(unsigned byte)
{
	return byte == 0x66 || byte == 0xf2 || byte == 0xf3;
}

static inline bool x86_reg_ok(int r)
{
	return r >= 0 && r < 16;
}

/* REX.X and REX.B for a memory operand; X86_NOREG and X86_RIP add none. */
static inline unsigned x86_mem_rex(const struct x86_mem *m)
{
	return (x86_reg_ok(m->index) && (m->index & 8) ? 2 : 0) |
	       (x86_reg_ok(m->base) && (m->base & 8) ? 1 : 0);
}

/* ModRM, SIB and displacement for reg (a register or /digit) against m,
 * written at o + n; returns the new length. */
static inline __attribute__((always_inline)) unsigned x86_put_mem(uint8_t *o, unsigned n, int reg,
								  const struct x86_mem *m,
								  bool *bad)
{
	unsigned r = (unsigned)(reg & 7) << 3, ss = 0, sib_index = 4, mod;
	int32_t d = m->disp;

	if (m->index != X86_NOREG) {
		ss = m->scale == 1 ? 0 : m->scale == 2 ? 1 : m->scale == 4 ? 2 : 3;
		if ((m->scale != 8 && ss == 3) || !x86_reg_ok(m->index) || m->index == X86_RSP)
			*bad = true;
		sib_index = (unsigned)m->index & 7;
	}
	if (m->base == X86_RIP) {
		*bad |= m->index != X86_NOREG;
		o[n] = (uint8_t)(0x05 | r);
		__builtin_memcpy(o + n + 1, &d, 4);
		return n + 5;
	}
	if (m->base == X86_NOREG) {
		/* SIB base 101 with mod 00 means "no base, disp32" */
		o[n] = (uint8_t)(0x04 | r);
		o[n + 1] = (uint8_t)(ss << 6 | sib_index << 3 | 5);
		__builtin_memcpy(o + n + 2, &d, 4);
		return n + 6;
	}
	if (!x86_reg_ok(m->base)) {
		*bad = true;
		return n;
	}
	unsigned base = (unsigned)m->base & 7;
	/* rm/base 101 with mod 00 means RIP or no base: RBP and R13 take a disp8 of 0 */
	mod = d == 0 && base != X86_RBP ? 0 : x86_fits8(d) ? 1 : 2;
	if (m->index == X86_NOREG && base != X86_RSP) {
		o[n++] = (uint8_t)(mod << 6 | r | base);
	} else {
		/* rm 100 means "SIB follows", so RSP and R12 bases always need one */
		o[n++] = (uint8_t)(mod << 6 | r | 4);
		o[n++] = (uint8_t)(ss << 6 | sib_index << 3 | base);
	}
	__builtin_memcpy(o + n, &d, 4);
	return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/* Commit the n bytes assembled at o (x86_enc) as the next instruction;
 * returns where it went, or NULL when nothing was (bytes past p, the
 * buffer's free space, may have been written). Fresh code memory is
 * prefetched for writing ahead of p. */
static inline uint8_t *x86_commit(struct x86_buf *b, const uint8_t *o, unsigned n, bool bad)
{
	if (bad || n > 15)
		b->invalid = true;
	if (!x86_buf_ok(b))
		return NULL;
	if ((size_t)(b->end - b->p) < n) {
		b->overflow = true;
		return NULL;
	}
	uint8_t *at = b->p;
	if (o != at)
		for (unsigned k = 0; k < n; k++)
			at[k] = o[k];
	b->p += n;
	__builtin_prefetch(b->p + 256, 1, 3);
	return at;
}

static __attribute__((noinline)) uint8_t *x86_enc_now(struct x86_buf *b, unsigned f, uint32_t op,
						       int reg, int rm, const struct x86_mem *m,
						       uint64_t imm, unsigned ilen)
{
	uint8_t spare[X86_INS_ROOM];
	uint8_t *const p = b->p;
	uint8_t *o = b->end - p >= X86_INS_ROOM ? p : spare;
	/* (unsigned)r > 15: not a register 0..15 */
	bool bad = (f & X86_F_BAD) || (unsigned)reg > 15 || (!m && (unsigned)rm > 15);
	unsigned rex = f & X86_F_W ? 8 : 0, n = 0;
	uint64_t head = 0;

	if (!(f & X86_F_NO_MODRM) && (reg & 8))
		rex |= 4;
	rex |= m ? x86_mem_rex(m) : (rm & 8) ? 1 : 0;
	if ((f & X86_F_BYTE_REG && reg >= 4 && reg < 8) ||
	    (f & X86_F_BYTE_RM && !m && rm >= 4 && rm < 8))
		rex |= 0x40;
	if (__builtin_expect(op <= 0xff && !(f & X86_F_OSZ), 1)) {
		/* the common case: [REX] op */
		if (rex)
			head = 0x40 | rex, n = 1;
	} else {
		unsigned k = x86_op_len(op) - 1;
		if (f & X86_F_OSZ)
			head = 0x66, n = 1;
		for (; k > 0 && x86_is_prefix((op >> 8 * k) & 0xff); k--, n++)
			head |= (uint64_t)((op >> 8 * k) & 0xff) << 8 * n;
		if (rex)
			head |= (uint64_t)(0x40 | rex) << 8 * n++;
		for (; k > 0; k--, n++)
			head |= (uint64_t)((op >> 8 * k) & 0xff) << 8 * n;
	}
	head |= (uint64_t)((op & 0xff) | (f & X86_F_NO_MODRM ? (unsigned)rm & 7 : 0)) << 8 * n++;
	__builtin_memcpy(o, &head, 8);
	if (!(f & X86_F_NO_MODRM)) {
		if (m)
			n = x86_put_mem(o, n, reg, m, &bad);
		else
			o[n++] = (uint8_t)(0xc0 | (unsigned)(reg & 7) << 3 | (unsigned)(rm & 7));
	}
	__builtin_memcpy(o + n, &imm, 8);
	n += ilen;
	if (__builtin_expect(o == p && !bad && n <= 15 && x86_buf_ok(b), 1)) {
		b->p = p + n;
		__builtin_prefetch(p + n + 256, 1, 3);
		return p;
	}
	return x86_commit(b, o, n, bad);
}

/*
 * Encode and commit: prefixes, REX, op (its leading 66/F2/F3 bytes go before
 * REX), then ModRM for reg (a register or /digit) against the register rm or,
 * when m is set, memory; then ilen bytes of imm. Returns the instruction's
 * first byte in the buffer, or NULL when nothing was written.
 */
static inline uint8_t *x86_enc(struct x86_buf *b, unsigned f, uint32_t op, int reg, int rm,
			       const struct x86_mem *m, uint64_t imm, unsigned ilen)
{
	if (b->dry)
		return x86_buf_ok(b) ? b->p++ : NULL;
	return x86_enc_now(b, f, op, reg, rm, m, imm, ilen);
}

/* Displacement from the end of an instruction at from of len bytes to target. */
static inline int64_t x86_rel(const uint8_t *from, unsigned len, const void *target)
{
	return (int64_t)((uintptr_t)target - ((uintptr_t)from + len));
}

/* A rel32 branch (op has no ModRM); returns its rel32 field, or NULL. */
static inline uint8_t *x86_enc_rel32(struct x86_buf *b, unsigned f, uint32_t op,
				     const void *target)
{
	unsigned len = x86_op_len(op) + 4;
	int64_t rel = target ? x86_rel(b->p, len, target) : 0;
	uint8_t *at = x86_enc(b, f | (x86_fits32(rel) ? 0 : X86_F_BAD) | X86_F_NO_MODRM, op, 0, 0,
			      NULL, (uint64_t)rel, 4);
	return at ? at + len - 4 : NULL;
}

static inline unsigned x86_cc_ok(enum x86_cond cc)
{
	return (unsigned)cc < 16 ? 0 : X86_F_BAD;
}

/* ---- moves ---------------------------------------------------------------- */

static inline void x86_mov_rr(struct x86_buf *b, unsigned size, int dst, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, 0x88), src, dst, NULL, 0, 0);
}

/*
 * The shortest load of imm (truncated to size): for 64 bits a 32-bit mov when
 * it zero-extends to imm, else a sign-extended imm32, else movabs. Flags are
 * untouched (no xor for zero).
 */
static inline void x86_mov_ri(struct x86_buf *b, unsigned size, int dst, uint64_t imm)
{
	unsigned f = x86_szd(size, X86_SZ_ALL);

	if (size == 64 && imm <= 0xffffffffu)
		x86_enc(b, X86_F_NO_MODRM, 0xb8, 0, dst, NULL, imm, 4);
	else if (size == 64 && x86_fits32((int64_t)imm))
		x86_enc(b, f, 0xc7, 0, dst, NULL, imm, 4);
	else
		x86_enc(b, f | X86_F_NO_MODRM, size == 8 ? 0xb0 : 0xb8, 0, dst, NULL, imm,
			size == 64 ? 8 : size / 8);
}

static inline void x86_mov_rm(struct x86_buf *b, unsigned size, int dst, struct x86_mem m)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, 0x8a), dst, 0, &m, 0, 0);
}

static inline void x86_mov_mr(struct x86_buf *b, unsigned size, struct x86_mem m, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, 0x88), src, 0, &m, 0, 0);
}

/* Store imm; a 64-bit store sign-extends the imm32. */
static inline void x86_mov_mi(struct x86_buf *b, unsigned size, struct x86_mem m, int32_t imm)
{
	x86_enc(b, x86_szd(size, X86_SZ_ALL), x86_opw(size, 0xc6), 0, 0, &m, (uint32_t)imm,
		x86_imm_len(size));
}

/*
 * Zero- or sign-extending move from ssize (8 or 16; 32 for movsxd into 64)
 * into a wider dsize. src is a register, or memory when m is set.
 */
static inline void x86_movx(struct x86_buf *b, enum x86_movx op, unsigned dsize, unsigned ssize,
			    int dst, int src, const struct x86_mem *m)
{
	unsigned f = x86_sz(dsize, X86_SZ_WIDE) | (ssize == 8 ? X86_F_BYTE_RM : 0);

	if (op == X86_MOVSX && ssize == 32)
		x86_enc(b, x86_sz(dsize, X86_SZ_64), 0x63, dst, src, m, 0, 0);
	else if (ssize >= dsize || (ssize != 8 && ssize != 16) || (op != X86_MOVZX && op != X86_MOVSX))
		x86_enc(b, X86_F_BAD, op, dst, src, m, 0, 0);
	else
		x86_enc(b, f, op | (ssize == 16), dst, src, m, 0, 0);
}

static inline void x86_movx_rr(struct x86_buf *b, enum x86_movx op, unsigned dsize, unsigned ssize,
			       int dst, int src)
{
	x86_movx(b, op, dsize, ssize, dst, src, NULL);
}

static inline void x86_movx_rm(struct x86_buf *b, enum x86_movx op, unsigned dsize, unsigned ssize,
			       int dst, struct x86_mem m)
{
	x86_movx(b, op, dsize, ssize, dst, 0, &m);
}

static inline void x86_lea(struct x86_buf *b, unsigned size, int dst, struct x86_mem m)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), 0x8d, dst, 0, &m, 0, 0);
}

/* Exchange; the one-byte 90+r form when exactly one side is the accumulator. */
static inline void x86_xchg_rr(struct x86_buf *b, unsigned size, int r1, int r2)
{
	unsigned f = x86_sz(size, X86_SZ_ALL);

	/* 90 itself is nop: it leaves the upper half of rax alone */
	if (size != 8 && (r1 == X86_RAX) != (r2 == X86_RAX))
		x86_enc(b, f | X86_F_NO_MODRM, 0x90, 0, r1 == X86_RAX ? r2 : r1, NULL, 0, 0);
	else
		x86_enc(b, f, x86_opw(size, 0x86), r2, r1, NULL, 0, 0);
}

static inline void x86_xchg_mr(struct x86_buf *b, unsigned size, struct x86_mem m, int r)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, 0x86), r, 0, &m, 0, 0);
}

/* ---- ALU group and test --------------------------------------------------- */

static inline void x86_alu_rr(struct x86_buf *b, enum x86_alu op, unsigned size, int dst, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, (uint32_t)op << 3), src, dst, NULL, 0, 0);
}

static inline void x86_alu_rm(struct x86_buf *b, enum x86_alu op, unsigned size, int dst,
			      struct x86_mem m)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, (uint32_t)op << 3 | 2), dst, 0, &m, 0, 0);
}

static inline void x86_alu_mr(struct x86_buf *b, enum x86_alu op, unsigned size,
			      struct x86_mem m, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, (uint32_t)op << 3), src, 0, &m, 0, 0);
}

/*
 * op against imm (truncated to size; sign-extended imm32 for 64), register
 * or memory: imm8 sign-extended when it fits, else the accumulator's short
 * form, else the full immediate.
 */
static inline void x86_alu_i(struct x86_buf *b, enum x86_alu op, unsigned size, int dst,
			     const struct x86_mem *m, int32_t imm)
{
	unsigned f = x86_szd(size, X86_SZ_ALL);

	imm = x86_imm_at(size, imm);
	if (size != 8 && x86_fits8(imm))
		x86_enc(b, f, 0x83, op, dst, m, (uint32_t)imm, 1);
	else if (!m && dst == X86_RAX)
		x86_enc(b, f | X86_F_NO_MODRM, x86_opw(size, (uint32_t)op << 3 | 4), 0, 0, NULL,
			(uint32_t)imm, x86_imm_len(size));
	else
		x86_enc(b, f, x86_opw(size, 0x80), op, dst, m, (uint32_t)imm, x86_imm_len(size));
}

static inline void x86_alu_ri(struct x86_buf *b, enum x86_alu op, unsigned size, int dst,
			      int32_t imm)
{
	x86_alu_i(b, op, size, dst, NULL, imm);
}

static inline void x86_alu_mi(struct x86_buf *b, enum x86_alu op, unsigned size,
			      struct x86_mem m, int32_t imm)
{
	x86_alu_i(b, op, size, 0, &m, imm);
}

/* cmp dword [m] or r32, imm32 in the full form whatever the value, so that
 * the immediate can be patched later: returns the imm32 field. */
static inline uint8_t *x86_cmp_mi32(struct x86_buf *b, struct x86_mem m, int32_t imm)
{
	x86_enc(b, x86_szd(32, X86_SZ_ALL), 0x81, X86_CMP, 0, &m, (uint32_t)imm, 4);
	return x86_here(b) - 4;
}

static inline uint8_t *x86_cmp_ri32(struct x86_buf *b, int r, int32_t imm)
{
	x86_enc(b, x86_szd(32, X86_SZ_ALL), 0x81, X86_CMP, r, NULL, (uint32_t)imm, 4);
	return x86_here(b) - 4;
}

static inline void x86_test_rr(struct x86_buf *b, unsigned size, int r1, int r2)
{
	x86_enc(b, x86_sz(size, X86_SZ_ALL), x86_opw(size, 0x84), r2, r1, NULL, 0, 0);
}

/* test with imm (no imm8 form exists); the accumulator has a shorter one. */
static inline void x86_test_i(struct x86_buf *b, unsigned size, int r, const struct x86_mem *m,
			      int32_t imm)
{
	unsigned f = x86_szd(size, X86_SZ_ALL);
	uint64_t v = (uint32_t)x86_imm_at(size, imm);

	if (!m && r == X86_RAX)
		x86_enc(b, f | X86_F_NO_MODRM, x86_opw(size, 0xa8), 0, 0, NULL, v, x86_imm_len(size));
	else
		x86_enc(b, f, x86_opw(size, 0xf6), 0, r, m, v, x86_imm_len(size));
}

static inline void x86_test_ri(struct x86_buf *b, unsigned size, int r, int32_t imm)
{
	x86_test_i(b, size, r, NULL, imm);
}

static inline void x86_test_mi(struct x86_buf *b, unsigned size, struct x86_mem m, int32_t imm)
{
	x86_test_i(b, size, 0, &m, imm);
}

/* ---- one-operand groups: inc dec not neg mul imul div idiv ---------------- */

static inline void x86_unop_r(struct x86_buf *b, enum x86_unop op, unsigned size, int r)
{
	x86_enc(b, x86_szd(size, X86_SZ_ALL), x86_opw(size, op >> 8), op & 7, r, NULL, 0, 0);
}

static inline void x86_unop_m(struct x86_buf *b, enum x86_unop op, unsigned size,
			      struct x86_mem m)
{
	x86_enc(b, x86_szd(size, X86_SZ_ALL), x86_opw(size, op >> 8), op & 7, 0, &m, 0, 0);
}

/* ---- shifts and rotates ----------------------------------------------------- */

/* Shift by count (the CPU masks it to 5 or 6 bits); by 1 uses the short D0/D1 form. */
static inline void x86_shift_i(struct x86_buf *b, enum x86_shift op, unsigned size, int r,
			       const struct x86_mem *m, uint8_t count)
{
	if (count == 1)
		x86_enc(b, x86_szd(size, X86_SZ_ALL), x86_opw(size, 0xd0), op, r, m, 0, 0);
	else
		x86_enc(b, x86_szd(size, X86_SZ_ALL), x86_opw(size, 0xc0), op, r, m, count, 1);
}

static inline void x86_shift_ri(struct x86_buf *b, enum x86_shift op, unsigned size, int r,
				uint8_t count)
{
	x86_shift_i(b, op, size, r, NULL, count);
}

static inline void x86_shift_mi(struct x86_buf *b, enum x86_shift op, unsigned size,
				struct x86_mem m, uint8_t count)
{
	x86_shift_i(b, op, size, 0, &m, count);
}

static inline void x86_shift_rcl(struct x86_buf *b, enum x86_shift op, unsigned size, int r)
{
	x86_enc(b, x86_szd(size, X86_SZ_ALL), x86_opw(size, 0xd2), op, r, NULL, 0, 0);
}

static inline void x86_shift_mcl(struct x86_buf *b, enum x86_shift op, unsigned size,
				 struct x86_mem m)
{
	x86_enc(b, x86_szd(size, X86_SZ_ALL), x86_opw(size, 0xd2), op, 0, &m, 0, 0);
}

/* shld/shrd dst, src, count: dst shifted, filled from src. */
static inline void x86_shd_ri(struct x86_buf *b, enum x86_shd op, unsigned size, int dst, int src,
			      uint8_t count)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), op, src, dst, NULL, count, 1);
}

static inline void x86_shd_rcl(struct x86_buf *b, enum x86_shd op, unsigned size, int dst, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), op + 1, src, dst, NULL, 0, 0);
}

/* ---- bit operations --------------------------------------------------------- */

/* bt/bts/btr/btc r, bit: a register operand takes the bit number modulo its size. */
static inline void x86_bt_ri(struct x86_buf *b, enum x86_bitop op, unsigned size, int r,
			     uint8_t bit)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), 0x0fba, op, r, NULL, bit, 1);
}

static inline void x86_bt_rr(struct x86_buf *b, enum x86_bitop op, unsigned size, int r, int bit)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), 0x0fa3 | (uint32_t)(op - X86_BT) << 3, bit, r, NULL, 0,
		0);
}

/*
 * bsf bsr tzcnt lzcnt popcnt dst, src (a register, or memory when m is set).
 * Encoders only: on hosts without LZCNT/TZCNT those bytes run as BSR/BSF.
 */
static inline void x86_bitscan(struct x86_buf *b, enum x86_bitscan op, unsigned size, int dst,
			       int src, const struct x86_mem *m)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), op, dst, src, m, 0, 0);
}

static inline void x86_bitscan_rr(struct x86_buf *b, enum x86_bitscan op, unsigned size, int dst,
				  int src)
{
	x86_bitscan(b, op, size, dst, src, NULL);
}

static inline void x86_bitscan_rm(struct x86_buf *b, enum x86_bitscan op, unsigned size, int dst,
				  struct x86_mem m)
{
	x86_bitscan(b, op, size, dst, 0, &m);
}

static inline void x86_bswap(struct x86_buf *b, unsigned size, int r)
{
	x86_enc(b, x86_sz(size, X86_SZ_DQ) | X86_F_NO_MODRM, 0x0fc8, 0, r, NULL, 0, 0);
}

/* ---- multiply --------------------------------------------------------------- */

static inline void x86_imul_rr(struct x86_buf *b, unsigned size, int dst, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), 0x0faf, dst, src, NULL, 0, 0);
}

static inline void x86_imul_rm(struct x86_buf *b, unsigned size, int dst, struct x86_mem m)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE), 0x0faf, dst, 0, &m, 0, 0);
}

/* dst = src * imm (truncated to size; sign-extended imm32 for 64), imm8 when it fits. */
static inline void x86_imul_rri(struct x86_buf *b, unsigned size, int dst, int src, int32_t imm)
{
	unsigned f = x86_sz(size, X86_SZ_WIDE);

	imm = x86_imm_at(size, imm);
	if (x86_fits8(imm))
		x86_enc(b, f, 0x6b, dst, src, NULL, (uint32_t)imm, 1);
	else
		x86_enc(b, f, 0x69, dst, src, NULL, (uint32_t)imm, x86_imm_len(size));
}

/* cwd/cdq/cqo by size: sign-extend the accumulator into rdx. */
static inline void x86_cdq(struct x86_buf *b, unsigned size)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE) | X86_F_NO_MODRM, 0x99, 0, 0, NULL, 0, 0);
}

/* cbw/cwde/cdqe by size: sign-extend the accumulator's lower half in place. */
static inline void x86_cdqe(struct x86_buf *b, unsigned size)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE) | X86_F_NO_MODRM, 0x98, 0, 0, NULL, 0, 0);
}

/* ---- condition codes -------------------------------------------------------- */

static inline void x86_setcc_r(struct x86_buf *b, enum x86_cond cc, int r)
{
	x86_enc(b, X86_F_BYTE_RM | x86_cc_ok(cc), 0x0f90 + cc, 0, r, NULL, 0, 0);
}

static inline void x86_setcc_m(struct x86_buf *b, enum x86_cond cc, struct x86_mem m)
{
	x86_enc(b, x86_cc_ok(cc), 0x0f90 + cc, 0, 0, &m, 0, 0);
}

static inline void x86_cmov_rr(struct x86_buf *b, enum x86_cond cc, unsigned size, int dst, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE) | x86_cc_ok(cc), 0x0f40 + cc, dst, src, NULL, 0, 0);
}

static inline void x86_cmov_rm(struct x86_buf *b, enum x86_cond cc, unsigned size, int dst,
			       struct x86_mem m)
{
	x86_enc(b, x86_sz(size, X86_SZ_WIDE) | x86_cc_ok(cc), 0x0f40 + cc, dst, 0, &m, 0, 0);
}

/* ---- stack and flags ---------------------------------------------------------- */

static inline void x86_push_r(struct x86_buf *b, int r)
{
	x86_enc(b, X86_F_NO_MODRM, 0x50, 0, r, NULL, 0, 0);
}

static inline void x86_pop_r(struct x86_buf *b, int r)
{
	x86_enc(b, X86_F_NO_MODRM, 0x58, 0, r, NULL, 0, 0);
}

/* Push imm sign-extended to 64 bits. */
static inline void x86_push_i(struct x86_buf *b, int32_t imm)
{
	if (x86_fits8(imm))
		x86_enc(b, X86_F_NO_MODRM, 0x6a, 0, 0, NULL, (uint32_t)imm, 1);
	else
		x86_enc(b, X86_F_NO_MODRM, 0x68, 0, 0, NULL, (uint32_t)imm, 4);
}

static inline void x86_op0(struct x86_buf *b, enum x86_op0 op)
{
	x86_enc(b, X86_F_NO_MODRM, op, 0, 0, NULL, 0, 0);
}

/*
 * n bytes of padding, as the SDM's recommended multi-byte NOPs (0F 1F /0 with
 * growing addressing forms), at most 9 bytes each so each decodes fast.
 */
static inline void x86_nop(struct x86_buf *b, unsigned n)
{
	static const uint8_t nops[9][9] = {
		{ 0x90 },
		{ 0x66, 0x90 },
		{ 0x0f, 0x1f, 0x00 },
		{ 0x0f, 0x1f, 0x40, 0x00 },
		{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};

	while (n) {
		unsigned len = n > 9 ? 9 : n;
		if (b->dry) {
			if (!x86_buf_ok(b))
				return;
			b->p++;
		} else if (!x86_commit(b, nops[len - 1], len, false)) {
			return;
		}
		n -= len;
	}
}

/* ---- control flow ------------------------------------------------------------- */

/*
 * Branches with a rel32 return their rel32 field (NULL when nothing was
 * written). A NULL target means "not known yet": the field is 0 until
 * x86_patch_rel32 points it somewhere. Targets must lie within +-2 GiB.
 */
static inline uint8_t *x86_jcc32(struct x86_buf *b, enum x86_cond cc, const void *target)
{
	return x86_enc_rel32(b, x86_cc_ok(cc), 0x0f80 + cc, target);
}

static inline uint8_t *x86_jmp32(struct x86_buf *b, const void *target)
{
	return x86_enc_rel32(b, 0, 0xe9, target);
}

static inline uint8_t *x86_call32(struct x86_buf *b, const void *target)
{
	return x86_enc_rel32(b, 0, 0xe8, target);
}

/* A short branch to the next instruction; returns its rel8 field for x86_patch_rel8. */
static inline uint8_t *x86_jcc8(struct x86_buf *b, enum x86_cond cc)
{
	uint8_t *at = x86_enc(b, x86_cc_ok(cc) | X86_F_NO_MODRM, 0x70 + cc, 0, 0, NULL, 0, 1);
	return at ? at + 1 : NULL;
}

static inline uint8_t *x86_jmp8(struct x86_buf *b)
{
	uint8_t *at = x86_enc(b, X86_F_NO_MODRM, 0xeb, 0, 0, NULL, 0, 1);
	return at ? at + 1 : NULL;
}

/* Branch to a known target: rel8 (op8) when it reaches, else rel32 (op32). */
static inline void x86_branch_to(struct x86_buf *b, unsigned f, uint32_t op8, uint32_t op32,
				 const void *target)
{
	int64_t rel = x86_rel(b->p, 2, target);

	if (x86_fits8(rel))
		x86_enc(b, f | X86_F_NO_MODRM, op8, 0, 0, NULL, (uint64_t)rel, 1);
	else
		x86_enc_rel32(b, f, op32, target);
}

static inline void x86_jcc_to(struct x86_buf *b, enum x86_cond cc, const void *target)
{
	x86_branch_to(b, x86_cc_ok(cc), 0x70 + cc, 0x0f80 + cc, target);
}

static inline void x86_jmp_to(struct x86_buf *b, const void *target)
{
	x86_branch_to(b, 0, 0xeb, 0xe9, target);
}

/* Point the rel32 field at (from a jcc32/jmp32/call32) to target; false if out of reach. */
static inline bool x86_patch_rel32(uint8_t *at, const void *target)
{
	int64_t rel = x86_rel(at, 4, target);

	if (!at || !x86_fits32(rel))
		return false;
	for (unsigned k = 0; k < 4; k++)
		at[k] = (uint8_t)((uint64_t)rel >> (8 * k));
	return true;
}

/* Point the rel8 field at (from a jcc8/jmp8) to target; false if out of reach. */
static inline bool x86_patch_rel8(uint8_t *at, const void *target)
{
	int64_t rel = x86_rel(at, 1, target);

	if (!at || !x86_fits8(rel))
		return false;
	*at = (uint8_t)rel;
	return true;
}

/*
 * A jmp rel32 whose rel32 field is 4-byte aligned (NOP padding of 0-3 bytes
 * comes first), for chaining blocks: x86_patch_jmp_atomic re-points it with
 * one aligned 32-bit store, which x86 performs atomically, so a CPU running
 * through the jump concurrently fetches the old target or the new one, never
 * a mix. The opcode byte is never rewritten. Returns the rel32 field.
 */
static inline uint8_t *x86_jmp_patchable(struct x86_buf *b, const void *target)
{
	x86_nop(b, (3 - ((uintptr_t)b->p & 3)) & 3);
	return x86_jmp32(b, target);
}

/* Re-point a x86_jmp_patchable jump; false (and no store) if target is out of reach. */
static inline bool x86_patch_jmp_atomic(uint8_t *at, const void *target)
{
	int64_t rel = x86_rel(at, 4, target);

	if (!at || ((uintptr_t)at & 3) || !x86_fits32(rel))
		return false;
	__atomic_store_n((uint32_t *)(void *)at, (uint32_t)rel, __ATOMIC_RELEASE);
	return true;
}

/* Indirect jmp/call through a register (64-bit, no REX.W needed). */
static inline void x86_jmp_r(struct x86_buf *b, int r)
{
	x86_enc(b, 0, 0xff, 4, r, NULL, 0, 0);
}

static inline void x86_call_r(struct x86_buf *b, int r)
{
	x86_enc(b, 0, 0xff, 2, r, NULL, 0, 0);
}

/* ---- SSE2 scalar ------------------------------------------------------------- */

static inline void x86_sse_rr(struct x86_buf *b, enum x86_sse op, int dst, int src)
{
	x86_enc(b, 0, op, dst, src, NULL, 0, 0);
}

static inline void x86_sse_rm(struct x86_buf *b, enum x86_sse op, int dst, struct x86_mem m)
{
	x86_enc(b, 0, op, dst, 0, &m, 0, 0);
}

/* Store form of MOVSS/MOVSD/MOVAPS/MOVAPD (the opcode after the load); others are invalid. */
static inline void x86_sse_mr(struct x86_buf *b, enum x86_sse op, struct x86_mem m, int src)
{
	unsigned low = op & 0xff;

	x86_enc(b, low == 0x10 || low == 0x28 ? 0 : X86_F_BAD, op + 1, src, 0, &m, 0, 0);
}

/* movd (32) / movq (64) xmm <- gpr. */
static inline void x86_movd_xr(struct x86_buf *b, unsigned size, int xmm, int r)
{
	x86_enc(b, x86_sz(size, X86_SZ_DQ), 0x660f6e, xmm, r, NULL, 0, 0);
}

/* movd (32) / movq (64) gpr <- xmm. */
static inline void x86_movd_rx(struct x86_buf *b, unsigned size, int r, int xmm)
{
	x86_enc(b, x86_sz(size, X86_SZ_DQ), 0x660f7e, xmm, r, NULL, 0, 0);
}

/*
 * cvtsi2ss/sd xmm <- gpr, and cvt(t)ss/sd2si gpr <- xmm: dst and src are
 * the register kinds op implies; size is the GPR side's (or memory's), 32 or 64.
 */
static inline void x86_cvt_rr(struct x86_buf *b, enum x86_cvt op, unsigned size, int dst, int src)
{
	x86_enc(b, x86_sz(size, X86_SZ_DQ), op, dst, src, NULL, 0, 0);
}

static inline void x86_cvt_rm(struct x86_buf *b, enum x86_cvt op, unsigned size, int dst,
			      struct x86_mem m)
{
	x86_enc(b, x86_sz(size, X86_SZ_DQ), op, dst, 0, &m, 0, 0);
}

static inline void x86_stmxcsr(struct x86_buf *b, struct x86_mem m)
{
	x86_enc(b, 0, 0x0fae, 3, 0, &m, 0, 0);
}

static inline void x86_ldmxcsr(struct x86_buf *b, struct x86_mem m)
{
	x86_enc(b, 0, 0x0fae, 2, 0, &m, 0, 0);
}

#endif
