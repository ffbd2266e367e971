/*
 * The JIT's instantiation of the builder interface (arm/builder.h): every
 * B_* operation emits x86-64 for the instruction being translated, folding
 * constants as it goes. Included once, by jit.c, right before arm/sem.c.inc.
 *
 * Values. A b_val (and a b_val64: the same struct) is one of
 *   JV_CONST  a constant, folded through every operation on constants;
 *   JV_GREG   guest register n as it was when B_R(n) read it: the operand is
 *             cpu->r[n] itself, and if the instruction later writes r[n]
 *             while such a value is still held, B_W first copies the old
 *             value to a frame slot that the stale version then reads;
 *   JV_SLOT   a frame slot (8 bytes at [rsp + 8 * n], `off` 0 or 4 so that
 *             B_LO/B_HI of a 64-bit value cost nothing);
 *   JV_PCREL  an address in the block's code, c as the block was translated:
 *             translations are shared by every virtual address their
 *             physical page is mapped at (a block is translated as if at its
 *             physical address), and at run time the value is c plus the
 *             entry's delta (virtual - translated address of the page, a
 *             multiple of 4 KiB, in the frame at JIT_DELTA_SLOT). Adding a
 *             constant, and an AND or OR that leaves bits 12 and up alone,
 *             fold; anything else first makes it a slot (jv_flat).
 * Values never live across instructions: the slots are reused from the
 * next instruction on. A slot is stored only if something reads it back
 * from memory (most results go straight from rax into a guest register, so
 * their slot store is dead): jit.c's jit_insn finds which in a first pass
 * (dry, or storing none, which stands if none was read back).
 * Guest state (NZCV in the interpreter's nf/zf/cf/vf form, CPSR, r15) lives
 * in struct arm_cpu, which rbx points at.
 *
 * Guest registers. Within a block, r0-r14 are cached in a pool of eight host
 * registers (jit_pool), allocated when first read or written and evicted
 * least recently used; a JV_GREG of a cached register is an operand in its
 * host register. cpu->r[n] is brought up to date ("written back") before
 * anything that can see it: every exit (so the next block, the dispatcher
 * and exception entry see exact state) and every helper call, after which
 * every cached register is reloaded (the helper may have changed banks).
 * Both are emitted on the path that needs them, so the translation-time
 * state (which register is cached where, which is dirty) is the same on
 * every path through the block. That is why nothing is allocated or evicted
 * inside a B_IF or a conditional instruction's body: those code paths may
 * not run. A conditional instruction first caches the registers its record
 * names (jb_pin), and a register it touches that is still not cached is read
 * and written in cpu->r. So an exit only has to write back the dirty
 * registers, set r[15] and report how many instructions ran.
 *
 * Control flow. B_IF/B_ELSE/B_ENDIF keep their C braces and emit a test and
 * forward jumps. A B_END_* inside a B_IF emits its exit (or, for
 * B_END_NEXT, a jump to the end of the instruction) and translation goes
 * on; at if-depth 0 it also returns from the semantic function, as in the
 * interpreter.
 */
#ifndef JIT_BUILDER_H
#define JIT_BUILDER_H

#include "engine/engine.h"
#include "engine/mmu.h"
#include "arm/builder.h"
#include "arm/cpu.h"
#include "arm/decode.h"
#include "arm/vfp.h"
#include "x86_emit.h"

enum { JV_CONST, JV_GREG, JV_SLOT, JV_PCREL };

typedef struct {
	uint8_t k;
	uint8_t ver;	/* JV_GREG: the register's version when it was read */
	uint8_t off;	/* JV_SLOT: byte offset in the slot (B_HI) */
	uint16_t n;	/* register or slot number */
	uint64_t c;	/* JV_CONST, JV_PCREL */
} jv;

typedef jv b_val;
typedef jv b_val64;

#define JIT_SLOTS 160		/* frame slots per instruction */
#define JIT_BUDGET_SLOT (8 * JIT_SLOTS)	/* rsp offset of the entry's budget */
#define JIT_DELTA_SLOT (JIT_BUDGET_SLOT + 8)	/* and of its delta (JV_PCREL) */
#define JIT_IF_DEPTH 4
#define JIT_PATCHES 64
#define JIT_GREG_VERS 4
#define JIT_POOL 8		/* host registers caching guest registers */
#define JIT_LOOP_EXITS 4	/* back edges of one block that loop inside it */
#define JIT_MAX_INSNS 128	/* instructions of one block */

/* NZCV as masks of flag liveness (jit.c, jit_decode_stretch). */
#define JIT_FLAG_N 8u
#define JIT_FLAG_Z 4u
#define JIT_FLAG_C 2u
#define JIT_FLAG_V 1u
#define JIT_FLAGS_ALL 15u

/* The pool: registers no emitted sequence uses as scratch while guest
 * registers are cached (rax, rcx, rdx are; rbx, r12, r14 and r15 hold the
 * context; rsi and rdi carry helper arguments only after a write-back). */
static const int jit_pool[JIT_POOL] = { X86_RBP, X86_RDI, X86_R8, X86_R9, X86_R10, X86_R11,
					X86_RSI, X86_R13 };

/* Translation keys (struct jit_ctx.key; the low 8 bits are ITSTATE). */
#define JIT_KEY_THUMB 0x100u
#define JIT_KEY_SINGLE 0x200u	/* one instruction, no entry check */
#define JIT_KEY_USER 0x400u	/* translated for User mode */
#define JIT_KEY_BE 0x800u	/* CPSR.E set: data big-endian */
#define JIT_KEY_ALIGN 0x1000u	/* SCTLR.A set: every unaligned access faults */
/* What the block a branch leads to is translated under, as this one is
 * (a change of any of them leaves through the dispatcher). */
#define JIT_KEY_KEPT (JIT_KEY_USER | JIT_KEY_BE | JIT_KEY_ALIGN)

struct jit_tb;

/*
 * Registers of translated code: rbx the cpu, r12 the instructions attempted
 * in blocks already left by this entry (chained jumps add to it) minus the
 * entry's instruction budget (kept in the frame at JIT_BUDGET_SLOT), so a
 * block fits while r12 + its length <= 0; r14 the shared page, r15 the
 * mmu's TLB (when it has an inline fast path, struct mmu_jit_tlb) or its
 * window bases (struct mmu_jit_window). An exit
 * jumps to the epilogue with rax = r12 + the instructions it attempted
 * (the epilogue adds the budget back) and rdx = enum sem_end | the chain
 * site taken (its number + 1) << 8.
 */
struct jit_ctx {
	struct x86_buf b;
	/* the block's slow paths, in the code cache's cold area; between
	 * jb_cold_begin and jb_cold_end b and cold trade places */
	struct x86_buf cold;
	uint8_t *epilogue;	/* restores the host frame and returns */
	uint8_t *lookup;	/* the indirect-branch lookup stub (jit.c) */
	int32_t helper_count;	/* r14-relative: the jit_helper_calls counter */
	struct jit_tb *tb;	/* being translated */
	const struct mmu_jit_tlb *tlb;	/* the inline fast path, or NULL */
	const struct mmu_jit_window *win;	/* or this one, or NULL */
	uint32_t key;
	const struct arm_insn *i;
	uint32_t pc;		/* the instruction's address */
	uint32_t va0;		/* the block's */
	uint32_t next_pc;
	uint32_t ipa;		/* the instruction's physical address, or JIT_NO_PA */
	bool slow;		/* its accesses go to the helpers (jit_site_slow) */
	uint32_t it;		/* ITSTATE while it runs (0 outside IT blocks) */
	/* ITSTATE as cpu->cpsr holds it here, or -1: not known (jb_it_write) */
	int16_t it_mem;
	int16_t it_out;		/* what the exit being emitted leaves with, or -1: it */
	uint32_t dec_it;	/* ITSTATE of the next instruction decoded ahead */
	unsigned count;		/* instructions attempted when it ends */
	bool thumb;
	bool per_insn;
	/* per instruction */
	unsigned nslots;
	unsigned depth;
	uint8_t *if_jump[JIT_IF_DEPTH];	/* rel32 of the jump to the ELSE or ENDIF */
	uint8_t *else_jump[JIT_IF_DEPTH];
	uint8_t *to_end[JIT_PATCHES];	/* rel32s of jumps to the instruction's end */
	unsigned nto_end;
	int end;		/* enum sem_end of the depth-0 end */
	bool stores;		/* the instruction may write memory */
	uint8_t ver[16];
	bool held[16];		/* a JV_GREG of the current version was handed out */
	int16_t shadow[16][JIT_GREG_VERS];
	/* the guest register cache (per block; see "Guest registers" above) */
	int8_t home[15];	/* pool index holding r[n], or -1 */
	int8_t guest[JIT_POOL];	/* guest register in pool entry k, or -1 */
	bool dirty[15];		/* the host register may differ from cpu->r[n] */
	uint32_t used[JIT_POOL];	/* last use, for eviction */
	uint32_t tick;
	uint16_t uses[15];	/* times r[n] was asked for (a loop's choice) */
	uint8_t pinned;		/* pool entries never evicted (a loop's registers) */
	bool fixed;		/* no allocation: conditional code (see jb_pin) */
	bool slot_read[JIT_SLOTS];	/* this slot is read back from memory (jit_insn) */
	/* loops (jit_loop_back in jit.c) */
	uint16_t touched, written;	/* guest registers cached, written */
	/* registers to keep cached and written before a branch back to va0
	 * (none: no such branch; with more registers than the pool, the
	 * pool's worth but one of the most used) */
	uint16_t loop_touched, loop_written;
	/* flags the instruction being emitted writes that nothing reads before
	 * they are written again (its stores are left out), by instruction */
	uint8_t dead, dead_of[JIT_MAX_INSNS];
	bool liveness;		/* flag liveness is on (jit_decode_stretch) */
	bool cut;		/* the block ended early for want of code space */
	uint8_t *loop_head;	/* where an iteration starts, registers cached */
	int8_t loop_home[15];	/* the register cache there */
	bool loop_dirty[15];
	uint8_t *budget[JIT_LOOP_EXITS + 1];	/* imm32s of -length, patched at the end */
	unsigned nbudget;
	bool in_call;		/* loading helper arguments: registers are in memory */
	/* rax still holds the slot value stored at rax_at (the next emission
	 * point, so nothing has touched rax since) */
	uint8_t *rax_at;
	jv rax_val;
	bool vfp_checked;	/* B_VFP_CHECKED */
	/* the last comparison's boolean (jb_bin): its setcc at cmp_setcc, its
	 * value cmp_val complete at cmp_end, so a B_IF right after it can
	 * branch on the flags instead (jb_if) */
	uint8_t *cmp_setcc, *cmp_end;
	enum x86_cond cmp_cc;
	jv cmp_val;
	/* the last 32-bit ALU operation or shift by a constant on a cached
	 * register (jb_bin: mov eax, src; op eax, b), from alu_start to
	 * alu_end, so that writing its value to a cached register right after
	 * can do the operation there instead (jb_w_alu) */
	uint8_t *alu_start, *alu_end;
	int alu_src;		/* host register of the first operand */
	bool alu_shift;		/* alu_op is an enum x86_shift, b a constant */
	int alu_op;
	jv alu_b, alu_val;
	/* an access site whose TLB path jb_slow_here() emits (jb_site) */
	int32_t site_slot;	/* its slot, r15-relative; 0: none pending */
	unsigned site_size, site_flags, site_fl;
	uint8_t *site_resume;	/* where its hit goes on */
};

#define JCPU(field) x86_mem(X86_RBX, (int32_t)__builtin_offsetof(struct arm_cpu, field))
#define JREG(n) x86_mem(X86_RBX, (int32_t)(__builtin_offsetof(struct arm_cpu, r) + 4 * (n)))

_Noreturn void jit_fail(const char *what);

static inline jv jv_c(uint64_t c)
{
	return (jv){ .k = JV_CONST, .c = c };
}

/* The address of this instruction plus off, as a value (JV_PCREL). */
static inline jv jb_pc(const struct jit_ctx *ctx, uint32_t off)
{
	return (jv){ .k = JV_PCREL, .c = (uint32_t)(ctx->pc + off) };
}

static inline jv jv_slot(struct jit_ctx *ctx)
{
	if (ctx->nslots == JIT_SLOTS)
		jit_fail("an instruction needs more frame slots than JIT_SLOTS");
	return (jv){ .k = JV_SLOT, .n = (uint16_t)ctx->nslots++ };
}

/* The host register holding v, or -1 when v is in memory. */
static inline int jv_hreg(const struct jit_ctx *ctx, jv v)
{
	if (v.k != JV_GREG || ctx->in_call || v.ver != ctx->ver[v.n] || ctx->home[v.n] < 0)
		return -1;
	return jit_pool[ctx->home[v.n]];
}

/* Whether v is the slot value just stored from rax, which rax still holds. */
static inline bool jv_in_rax(const struct jit_ctx *ctx, jv v, unsigned size)
{
	return v.k == JV_SLOT && ctx->rax_at == x86_here(&ctx->b) && ctx->rax_val.n == v.n &&
	       ctx->rax_val.off == v.off && ctx->rax_val.ver == size;
}

/* v as a memory operand that is read. */
static inline struct x86_mem jv_mem(struct jit_ctx *ctx, jv v)
{
	if (jv_hreg(ctx, v) >= 0)
		jit_fail("a cached register used as a memory operand");
	if (v.k == JV_PCREL)
		jit_fail("a pc-relative value used as a memory operand");
	if (v.k == JV_GREG) {
		if (v.ver == ctx->ver[v.n])
			return JREG(v.n);
		ctx->slot_read[ctx->shadow[v.n][v.ver]] = true;
		return x86_mem(X86_RSP, 8 * ctx->shadow[v.n][v.ver]);
	}
	ctx->slot_read[v.n] = true;
	return x86_mem(X86_RSP, 8 * v.n + v.off);
}

/* Slot r = reg, if r is read back (dry passes store every slot: jit_insn). */
static inline void jv_put(struct jit_ctx *ctx, jv r, unsigned size, int reg)
{
	if (ctx->b.dry || ctx->slot_read[r.n])
		x86_mov_mr(&ctx->b, size, x86_mem(X86_RSP, 8 * r.n + r.off), reg);
}

/* reg = v (size 32: zero-extended into the 64-bit register). */
static inline void jv_load(struct jit_ctx *ctx, int reg, jv v, unsigned size)
{
	int h = jv_hreg(ctx, v);

	if (v.k == JV_CONST)
		x86_mov_ri(&ctx->b, size == 64 ? 64 : 32, reg, size == 64 ? v.c : (uint32_t)v.c);
	else if (v.k == JV_PCREL) {
		x86_mov_rm(&ctx->b, 32, reg, x86_mem(X86_RSP, JIT_DELTA_SLOT));
		if ((uint32_t)v.c)
			x86_alu_ri(&ctx->b, X86_ADD, 32, reg, (int32_t)(uint32_t)v.c);
	} else if (jv_in_rax(ctx, v, size >= 32 ? size : 0)) {
		if (reg != X86_RAX)
			x86_mov_rr(&ctx->b, size == 64 ? 64 : 32, reg, X86_RAX);
	} else if (size == 32 && v.k == JV_SLOT && jv_in_rax(ctx, (jv){ .k = JV_SLOT, .n = v.n }, 64)) {
		/* A half of the 64-bit value rax holds (B_LO, B_HI: UMULL's
		 * RdLo and RdHi), from the register; into another one, rax
		 * stays as it was. */
		if (v.off == 0) {
			x86_mov_rr(&ctx->b, 32, reg, X86_RAX);
		} else {
			if (reg != X86_RAX)
				x86_mov_rr(&ctx->b, 64, reg, X86_RAX);
			x86_shift_ri(&ctx->b, X86_SHR, 64, reg, 32);
		}
		ctx->rax_at = reg != X86_RAX ? x86_here(&ctx->b) : NULL;
	} else if (h >= 0) {
		if (h != reg)
			x86_mov_rr(&ctx->b, size == 64 ? 64 : 32, reg, h);
	} else
		x86_mov_rm(&ctx->b, size, reg, jv_mem(ctx, v));
}

static inline jv jv_store(struct jit_ctx *ctx, int reg, unsigned size)
{
	jv r = jv_slot(ctx);
	jv_put(ctx, r, size, reg);
	if (reg == X86_RAX && size >= 32) {
		ctx->rax_at = x86_here(&ctx->b);
		ctx->rax_val = r;
		ctx->rax_val.ver = (uint8_t)size;
	}
	return r;
}

/* r[15] = pc-relative address at (an exit's: clobbers rax). */
static inline void jb_set_pc(struct jit_ctx *ctx, uint32_t at)
{
	jv_load(ctx, X86_RAX, (jv){ .k = JV_PCREL, .c = at }, 32);
	x86_mov_mr(&ctx->b, 32, JREG(15), X86_RAX);
	ctx->rax_at = NULL;
}

/* v, made a slot if it is pc-relative: for operations that take it as an
 * x86 operand. Only before an operation emits anything (it uses rax). */
static inline jv jv_flat(struct jit_ctx *ctx, jv v)
{
	if (v.k != JV_PCREL)
		return v;
	jv_load(ctx, X86_RAX, v, 32);
	return jv_store(ctx, X86_RAX, 32);
}

/* An ALU operation dst op= v, by immediate when v is a constant that fits. */
static inline void jv_alu(struct jit_ctx *ctx, enum x86_alu op, unsigned size, int dst, jv v)
{
	if (v.k == JV_PCREL)
		jit_fail("a pc-relative operand not made a slot first");
	if (v.k == JV_CONST && (size == 32 || x86_fits32((int64_t)v.c)))
		x86_alu_ri(&ctx->b, op, size, dst, (int32_t)v.c);
	else if (v.k == JV_CONST) {
		x86_mov_ri(&ctx->b, 64, X86_RCX, v.c);
		x86_alu_rr(&ctx->b, op, size, dst, X86_RCX);
	} else if (jv_hreg(ctx, v) >= 0)
		x86_alu_rr(&ctx->b, op, size, dst, jv_hreg(ctx, v));
	else if (dst != X86_RAX && jv_in_rax(ctx, v, size))
		x86_alu_rr(&ctx->b, op, size, dst, X86_RAX);
	else
		x86_alu_rm(&ctx->b, op, size, dst, jv_mem(ctx, v));
}

static inline uint32_t jit_shl(uint32_t a, uint32_t s) { return s < 32 ? a << s : 0; }
static inline uint32_t jit_shr(uint32_t a, uint32_t s) { return s < 32 ? a >> s : 0; }
static inline uint32_t jit_sar(uint32_t a, uint32_t s) { return (uint32_t)((int32_t)a >> (s < 32 ? s : 31)); }
static inline uint32_t jit_ror(uint32_t a, uint32_t s) { s &= 31; return s ? (a >> s) | (a << (32 - s)) : a; }

static inline uint32_t jit_rbit(uint32_t v)
{
	v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
	v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
	v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
	return __builtin_bswap32(v);
}

enum jit_binop {
	JB_ADD, JB_SUB, JB_MUL, JB_AND, JB_OR, JB_XOR, JB_SHL, JB_SHR, JB_SAR, JB_ROR,
	JB_EQ, JB_NE, JB_LTU, JB_LEU, JB_LTS, JB_GTS, JB_ADD64, JB_SUB64,
};

static inline uint64_t jit_fold(enum jit_binop op, uint64_t a, uint64_t b)
{
	uint32_t x = (uint32_t)a, y = (uint32_t)b;

	switch (op) {
	case JB_ADD: return (uint32_t)(x + y);
	case JB_SUB: return (uint32_t)(x - y);
	case JB_MUL: return (uint32_t)(x * y);
	case JB_AND: return x & y;
	case JB_OR: return x | y;
	case JB_XOR: return x ^ y;
	case JB_SHL: return jit_shl(x, y);
	case JB_SHR: return jit_shr(x, y);
	case JB_SAR: return jit_sar(x, y);
	case JB_ROR: return jit_ror(x, y);
	case JB_EQ: return x == y;
	case JB_NE: return x != y;
	case JB_LTU: return x < y;
	case JB_LEU: return x <= y;
	case JB_LTS: return (int32_t)x < (int32_t)y;
	case JB_GTS: return (int32_t)x > (int32_t)y;
	case JB_ADD64: return a + b;
	default: return a - b;
	}
}

/* Record the ALU operation just emitted (ctx->alu_*), when its first
 * operand came from a cached register (src >= 0) and b is a constant or a
 * cached register. */
static inline void jb_alu_done(struct jit_ctx *ctx, uint8_t *start, int src, bool shift, int op,
			       jv b, jv r)
{
	ctx->alu_end = NULL;
	if (src < 0 || (b.k != JV_CONST && jv_hreg(ctx, b) < 0))
		return;
	ctx->alu_start = start;
	ctx->alu_end = x86_here(&ctx->b);
	ctx->alu_src = src;
	ctx->alu_shift = shift;
	ctx->alu_op = op;
	ctx->alu_b = b;
	ctx->alu_val = r;
}

static inline jv jb_bin(struct jit_ctx *ctx, enum jit_binop op, jv a, jv b)
{
	struct x86_buf *xb = &ctx->b;
	static const enum x86_cond cmp_cc[] = {
		[JB_EQ] = X86_CC_E, [JB_NE] = X86_CC_NE, [JB_LTU] = X86_CC_B,
		[JB_LEU] = X86_CC_BE, [JB_LTS] = X86_CC_L, [JB_GTS] = X86_CC_G,
	};

	if (a.k == JV_CONST && b.k == JV_CONST)
		return jv_c(jit_fold(op, a.c, b.c));
	if (a.k == JV_PCREL || b.k == JV_PCREL) {
		/* The delta is a multiple of 4 KiB: these commute with adding it. */
		if (op == JB_ADD && b.k == JV_PCREL && a.k == JV_CONST) {
			jv t = a;
			a = b;
			b = t;
		}
		if (a.k == JV_PCREL && b.k == JV_CONST &&
		    (op == JB_ADD || op == JB_SUB ||
		     (op == JB_AND && ((uint32_t)b.c | 0xfffu) == 0xffffffffu) ||
		     (op == JB_OR && (uint32_t)b.c < 0x1000u)))
			return (jv){ .k = JV_PCREL, .c = jit_fold(op, a.c, b.c) };
		if (op == JB_SUB && a.k == JV_PCREL && b.k == JV_PCREL)
			return jv_c(jit_fold(op, a.c, b.c));
		a = jv_flat(ctx, a);
		b = jv_flat(ctx, b);
	}
	/* Identities that keep a value as it is. */
	if (b.k == JV_CONST && (uint32_t)b.c == 0 &&
	    (op == JB_ADD || op == JB_SUB || op == JB_OR || op == JB_XOR || op == JB_SHL ||
	     op == JB_SHR || op == JB_SAR || op == JB_ROR))
		return a;
	if (b.k == JV_CONST && (uint32_t)b.c == 0xffffffffu && op == JB_AND)
		return a;
	/* A commutative operation on the value rax holds starts from it. */
	if ((op == JB_ADD || op == JB_MUL || op == JB_AND || op == JB_OR || op == JB_XOR) &&
	    jv_in_rax(ctx, b, 32) && !jv_in_rax(ctx, a, 32)) {
		jv t = a;
		a = b;
		b = t;
	}
	switch (op) {
	case JB_ADD: case JB_SUB: case JB_AND: case JB_OR: case JB_XOR: {
		static const enum x86_alu alu[] = {
			[JB_ADD] = X86_ADD, [JB_SUB] = X86_SUB, [JB_AND] = X86_AND,
			[JB_OR] = X86_OR, [JB_XOR] = X86_XOR,
		};
		uint8_t *start = x86_here(xb);
		int src = jv_hreg(ctx, a);
		jv_load(ctx, X86_RAX, a, 32);
		jv_alu(ctx, alu[op], 32, X86_RAX, b);
		jv r = jv_store(ctx, X86_RAX, 32);
		jb_alu_done(ctx, start, src, false, alu[op], b, r);
		return r;
	}
	case JB_ADD64: case JB_SUB64:
		jv_load(ctx, X86_RAX, a, 64);
		jv_alu(ctx, op == JB_ADD64 ? X86_ADD : X86_SUB, 64, X86_RAX, b);
		return jv_store(ctx, X86_RAX, 64);
	case JB_MUL:
		jv_load(ctx, X86_RAX, a, 32);
		jv_load(ctx, X86_RDX, b, 32);
		x86_imul_rr(xb, 32, X86_RAX, X86_RDX);
		return jv_store(ctx, X86_RAX, 32);
	case JB_SHL: case JB_SHR: case JB_SAR: case JB_ROR: {
		static const enum x86_shift sh[] = {
			[JB_SHL] = X86_SHL, [JB_SHR] = X86_SHR, [JB_SAR] = X86_SAR, [JB_ROR] = X86_ROR,
		};
		uint8_t *start = x86_here(xb);
		int src = jv_hreg(ctx, a);
		jv_load(ctx, X86_RAX, a, 32);
		if (b.k == JV_CONST) {
			uint32_t s = (uint32_t)b.c;
			if (op == JB_ROR)
				s &= 31;
			if (s >= 32 && op != JB_SAR)
				return jv_c(0);
			if (s) /* s == 0 is a no-op for every shift and ROR */
				x86_shift_ri(xb, sh[op], 32, X86_RAX, (uint8_t)(s >= 32 ? 31 : s));
			jv r = jv_store(ctx, X86_RAX, 32);
			if (s)
				jb_alu_done(ctx, start, src, true, sh[op], jv_c(s >= 32 ? 31 : s), r);
			return r;
		}
		jv_load(ctx, X86_RCX, b, 32);
		if (op == JB_SAR) { /* amounts past 31 fill with the sign */
			x86_mov_ri(xb, 32, X86_RDX, 31);
			x86_alu_ri(xb, X86_CMP, 32, X86_RCX, 31);
			x86_cmov_rr(xb, X86_CC_A, 32, X86_RCX, X86_RDX);
		}
		x86_shift_rcl(xb, sh[op], 32, X86_RAX);
		if (op == JB_SHL || op == JB_SHR) { /* amounts past 31 give 0 */
			x86_alu_rr(xb, X86_XOR, 32, X86_RDX, X86_RDX);
			x86_alu_ri(xb, X86_CMP, 32, X86_RCX, 31);
			x86_cmov_rr(xb, X86_CC_A, 32, X86_RAX, X86_RDX);
		}
		return jv_store(ctx, X86_RAX, 32);
	}
	default: { /* comparisons */
		jv_load(ctx, X86_RAX, a, 32);
		jv_alu(ctx, X86_CMP, 32, X86_RAX, b);
		ctx->cmp_setcc = x86_here(xb);
		ctx->cmp_cc = cmp_cc[op];
		x86_setcc_r(xb, cmp_cc[op], X86_RAX);
		x86_movx_rr(xb, X86_MOVZX, 32, 8, X86_RAX, X86_RAX);
		jv r = jv_store(ctx, X86_RAX, 32);
		ctx->cmp_end = x86_here(xb);
		ctx->cmp_val = r;
		return r;
	}
	}
}

enum jit_unop { JU_NOT, JU_NEG, JU_CLZ, JU_BSWAP, JU_RBIT, JU_SEXT8, JU_SEXT16, JU_ZX64, JU_SX64 };

static inline jv jb_un(struct jit_ctx *ctx, enum jit_unop op, jv a)
{
	struct x86_buf *xb = &ctx->b;

	if (a.k == JV_CONST) {
		uint32_t x = (uint32_t)a.c;
		switch (op) {
		case JU_NOT: return jv_c(~x);
		case JU_NEG: return jv_c((uint32_t)-x);
		case JU_CLZ: return jv_c(x ? (uint32_t)__builtin_clz(x) : 32u);
		case JU_BSWAP: return jv_c(__builtin_bswap32(x));
		case JU_RBIT: return jv_c(jit_rbit(x));
		case JU_SEXT8: return jv_c((uint32_t)(int32_t)(int8_t)x);
		case JU_SEXT16: return jv_c((uint32_t)(int32_t)(int16_t)x);
		case JU_ZX64: return jv_c(x);
		default: return jv_c((uint64_t)(int64_t)(int32_t)x);
		}
	}
	switch (op) {
	case JU_NOT:
	case JU_NEG:
		jv_load(ctx, X86_RAX, a, 32);
		x86_unop_r(xb, op == JU_NOT ? X86_NOT : X86_NEG, 32, X86_RAX);
		return jv_store(ctx, X86_RAX, 32);
	case JU_CLZ: /* 31 - bsr, and 32 for 0 (bsr sets ZF) */
		jv_load(ctx, X86_RAX, a, 32);
		x86_bitscan_rr(xb, X86_BSR, 32, X86_RAX, X86_RAX);
		x86_mov_ri(xb, 32, X86_RDX, 0xffffffffu);
		x86_cmov_rr(xb, X86_CC_E, 32, X86_RAX, X86_RDX);
		x86_unop_r(xb, X86_NEG, 32, X86_RAX);
		x86_alu_ri(xb, X86_ADD, 32, X86_RAX, 31);
		return jv_store(ctx, X86_RAX, 32);
	case JU_BSWAP:
		jv_load(ctx, X86_RAX, a, 32);
		x86_bswap(xb, 32, X86_RAX);
		return jv_store(ctx, X86_RAX, 32);
	case JU_RBIT:
		/* jit_rbit(): swap bits, pairs and nibbles, then bytes */
		jv_load(ctx, X86_RAX, a, 32);
		for (unsigned k = 0; k < 3; k++) {
			static const int32_t mask[] = { 0x55555555, 0x33333333, 0x0f0f0f0f };
			uint8_t sh = (uint8_t)(1u << k);
			x86_mov_rr(xb, 32, X86_RDX, X86_RAX);
			x86_shift_ri(xb, X86_SHR, 32, X86_RAX, sh);
			x86_alu_ri(xb, X86_AND, 32, X86_RAX, mask[k]);
			x86_alu_ri(xb, X86_AND, 32, X86_RDX, mask[k]);
			x86_shift_ri(xb, X86_SHL, 32, X86_RDX, sh);
			x86_alu_rr(xb, X86_OR, 32, X86_RAX, X86_RDX);
		}
		x86_bswap(xb, 32, X86_RAX);
		return jv_store(ctx, X86_RAX, 32);
	case JU_SEXT8:
	case JU_SEXT16:
		jv_load(ctx, X86_RAX, a, 32);
		x86_movx_rr(xb, X86_MOVSX, 32, op == JU_SEXT8 ? 8 : 16, X86_RAX, X86_RAX);
		return jv_store(ctx, X86_RAX, 32);
	case JU_ZX64:
		jv_load(ctx, X86_RAX, a, 32);
		return jv_store(ctx, X86_RAX, 64);
	default:
		jv_load(ctx, X86_RAX, a, 32);
		x86_cdqe(xb, 64);
		return jv_store(ctx, X86_RAX, 64);
	}
}

static inline jv jb_mul64(struct jit_ctx *ctx, jv a, jv b, bool sign)
{
	if (a.k == JV_CONST && b.k == JV_CONST)
		return jv_c(sign ? (uint64_t)((int64_t)(int32_t)a.c * (int64_t)(int32_t)b.c)
				 : (uint64_t)(uint32_t)a.c * (uint32_t)b.c);
	jv_load(ctx, X86_RAX, b, 32);
	if (sign)
		x86_cdqe(&ctx->b, 64);
	x86_mov_rr(&ctx->b, 64, X86_RDX, X86_RAX);
	jv_load(ctx, X86_RAX, a, 32);
	if (sign)
		x86_cdqe(&ctx->b, 64);
	x86_imul_rr(&ctx->b, 64, X86_RAX, X86_RDX);
	return jv_store(ctx, X86_RAX, 64);
}

static inline jv jb_cat64(struct jit_ctx *ctx, jv hi, jv lo)
{
	if (hi.k == JV_CONST && lo.k == JV_CONST)
		return jv_c((hi.c << 32) | (uint32_t)lo.c);
	jv_load(ctx, X86_RAX, hi, 32);
	x86_shift_ri(&ctx->b, X86_SHL, 64, X86_RAX, 32);
	jv_load(ctx, X86_RDX, lo, 32);
	x86_alu_rr(&ctx->b, X86_OR, 64, X86_RAX, X86_RDX);
	return jv_store(ctx, X86_RAX, 64);
}

static inline jv jb_half(struct jit_ctx *ctx, jv x, bool hi)
{
	(void)ctx;
	if (x.k == JV_CONST)
		return jv_c(hi ? x.c >> 32 : (uint32_t)x.c);
	if (x.k == JV_GREG || x.k == JV_PCREL)
		jit_fail("B_LO/B_HI of a 32-bit value");
	if (hi)
		x.off = 4;
	return x;
}

static inline jv jb_sel(struct jit_ctx *ctx, jv c, jv a, jv b)
{
	if (c.k == JV_CONST)
		return (uint32_t)c.c ? a : b;
	jv_load(ctx, X86_RAX, b, 32);
	jv_load(ctx, X86_RDX, a, 32);
	jv_load(ctx, X86_RCX, c, 32);
	x86_test_rr(&ctx->b, 32, X86_RCX, X86_RCX);
	x86_cmov_rr(&ctx->b, X86_CC_NE, 32, X86_RAX, X86_RDX);
	return jv_store(ctx, X86_RAX, 32);
}

/* A 32-bit field of struct arm_cpu as a value of this instruction. */
static inline jv jb_field(struct jit_ctx *ctx, struct x86_mem m)
{
	x86_mov_rm(&ctx->b, 32, X86_RAX, m);
	return jv_store(ctx, X86_RAX, 32);
}

/* C, which is 0 or 1, read as the byte setcc writes: a dword load of a byte
 * just stored cannot be forwarded from the store (a stall of about a dozen
 * cycles, after every flag-setting instruction that a carry-in or a CS/CC
 * condition follows). */
static inline jv jb_flag_c(struct jit_ctx *ctx)
{
	x86_movx_rm(&ctx->b, X86_MOVZX, 32, 8, X86_RAX, JCPU(cf));
	return jv_store(ctx, X86_RAX, 32);
}

static inline void jb_set_field(struct jit_ctx *ctx, struct x86_mem m, jv v)
{
	if (v.k == JV_CONST) {
		x86_mov_mi(&ctx->b, 32, m, (int32_t)(uint32_t)v.c);
		return;
	}
	jv_load(ctx, X86_RAX, v, 32);
	x86_mov_mr(&ctx->b, 32, m, X86_RAX);
}

/* ---- the guest register cache -------------------------------------------- */

/*
 * ITSTATE is static within a translation, so translated code writes it into
 * cpu->cpsr only where something reads it there: a helper call (the
 * instruction's own ITSTATE: an exception saves it) and an exit (the one it
 * leaves with: ctx->it_out, set by jb_exit_it, else the next instruction's).
 * ctx->it_mem is what the cpsr is known to hold: the key's at entry, and
 * not known (-1) after a helper call that wrote another, since the call may
 * be on one path only (a slow path, a B_IF). An exit changes nothing known:
 * no code follows it on its path.
 */
static inline uint32_t jb_it_want(const struct jit_ctx *ctx)
{
	return ctx->it_out >= 0 ? (uint32_t)ctx->it_out : ctx->it;
}

static inline void jb_it_write(struct jit_ctx *ctx)
{
	uint32_t it = jb_it_want(ctx);

	if (ctx->it_mem == (int)it)
		return;
	x86_alu_mi(&ctx->b, X86_AND, 32, JCPU(cpsr), (int32_t)~CPSR_IT);
	if (arm_cpsr_with_it(0, it))
		x86_alu_mi(&ctx->b, X86_OR, 32, JCPU(cpsr), (int32_t)arm_cpsr_with_it(0, it));
}

/* Before every exit and helper call: the dirty guest registers, ITSTATE. */
static inline void jb_writeback(struct jit_ctx *ctx)
{
	for (unsigned n = 0; n < 15; n++)
		if (ctx->home[n] >= 0 && ctx->dirty[n])
			x86_mov_mr(&ctx->b, 32, JREG(n), jit_pool[ctx->home[n]]);
	jb_it_write(ctx);
}

/* After jb_writeback for a helper call that returns into the block. */
static inline void jb_it_called(struct jit_ctx *ctx)
{
	if (ctx->it_mem != (int)jb_it_want(ctx))
		ctx->it_mem = -1;
}

static inline void jb_reload(struct jit_ctx *ctx)
{
	for (unsigned n = 0; n < 15; n++)
		if (ctx->home[n] >= 0)
			x86_mov_rm(&ctx->b, 32, jit_pool[ctx->home[n]], JREG(n));
}

/* A pool entry for r[n] (loaded from cpu->r[n] when load), or -1 where
 * nothing may be allocated. */
static inline int jb_cache(struct jit_ctx *ctx, unsigned n, bool load)
{
	ctx->uses[n]++;
	if (ctx->home[n] >= 0) {
		ctx->used[ctx->home[n]] = ++ctx->tick;
		return ctx->home[n];
	}
	if (ctx->depth || ctx->fixed || ctx->in_call || ctx->pinned == (1u << JIT_POOL) - 1)
		return -1;
	unsigned k = 0;
	while ((ctx->pinned >> k) & 1)
		k++;
	for (unsigned j = k + 1; j < JIT_POOL; j++)
		if (!((ctx->pinned >> j) & 1) &&
		    (ctx->guest[j] < 0 ? ctx->guest[k] >= 0 || ctx->used[j] < ctx->used[k]
				       : ctx->guest[k] >= 0 && ctx->used[j] < ctx->used[k]))
			k = j;
	int old = ctx->guest[k];
	bool rax_ok = ctx->rax_at == x86_here(&ctx->b); /* rax is not touched here */
	if (old >= 0) {
		if (ctx->dirty[old])
			x86_mov_mr(&ctx->b, 32, JREG(old), jit_pool[k]);
		ctx->home[old] = -1;
	}
	ctx->guest[k] = (int8_t)n;
	ctx->home[n] = (int8_t)k;
	ctx->touched |= (uint16_t)(1u << n);
	ctx->dirty[n] = false;
	ctx->used[k] = ++ctx->tick;
	if (load)
		x86_mov_rm(&ctx->b, 32, jit_pool[k], JREG(n));
	if (rax_ok)
		ctx->rax_at = x86_here(&ctx->b);
	return (int)k;
}

/* The fields of i that name registers it reads or writes (decode.h): for
 * data processing, moves and single loads and stores exactly; for the rest
 * every field, whatever it means (unused fields are 0: r0). */
static inline unsigned jb_reg_fields(const struct arm_insn *i)
{
	enum { RD = 1, RN = 2, RM = 4, RS = 8 };

	if (i->op >= ARM_OP_DP) {
		unsigned dp = i->op - ARM_OP_DP, opc = dp >> 3, form = (dp >> 1) & 3;
		return (opc >= ARM_DP_TST && opc <= ARM_DP_CMN ? 0 : RD) |
		       (opc == ARM_DP_MOV || opc == ARM_DP_MVN ? 0 : RN) |
		       (form == ARM_FORM_IMM ? 0 : RM) | (form == ARM_FORM_SHR ? RS : 0);
	}
	switch (i->op) {
	case ARM_OP_MOVW: case ARM_OP_MOVT:
		return RD;
	case ARM_OP_LDR_I: case ARM_OP_STR_I: case ARM_OP_LDRB_I: case ARM_OP_STRB_I:
	case ARM_OP_LDRH_I: case ARM_OP_STRH_I: case ARM_OP_LDRSB_I: case ARM_OP_LDRSH_I:
		return RD | RN;
	case ARM_OP_LDR_R: case ARM_OP_STR_R: case ARM_OP_LDRB_R: case ARM_OP_STRB_R:
	case ARM_OP_LDRH_R: case ARM_OP_STRH_R: case ARM_OP_LDRSB_R: case ARM_OP_LDRSH_R:
		return RD | RN | RM;
	default:
		return RD | RN | RM | RS;
	}
}

/* Before a conditional instruction: cache the registers its record names
 * (a spare load costs little, and is not counted as a use), then allocate
 * nothing until it ends. */
static inline void jb_pin(struct jit_ctx *ctx, const struct arm_insn *i)
{
	const uint8_t r[] = { i->rd, i->rn, i->rm, i->rs };
	const unsigned fields = jb_reg_fields(i);
	for (unsigned k = 0; k < sizeof(r); k++)
		if (((fields >> k) & 1) && r[k] < 15) {
			jb_cache(ctx, r[k], true);
			ctx->uses[r[k]]--;
		}
	ctx->fixed = true;
}

static inline jv jb_r(struct jit_ctx *ctx, unsigned n)
{
	if (n == 15)
		return jb_pc(ctx, ctx->thumb ? 4u : 8u);
	jb_cache(ctx, n, true);
	ctx->held[n] = true;
	return (jv){ .k = JV_GREG, .n = (uint16_t)n, .ver = ctx->ver[n] };
}

/*
 * v, just computed by the ALU operation ctx->alu_* with nothing emitted
 * since, goes to host register dst: do the operation in dst instead of rax
 * (op dst, b when dst holds the first operand; else lea, or mov and op):
 * one or two instructions instead of three. rax does not hold v after it;
 * a later read of v from its slot makes jit_insn emit the instruction
 * again, storing it, and then nothing here applies (the store came between).
 */
static inline bool jb_w_alu(struct jit_ctx *ctx, int dst, jv v)
{
	struct x86_buf *b = &ctx->b;

	if (v.k != JV_SLOT || !ctx->alu_end || ctx->alu_end != x86_here(b) ||
	    v.n != ctx->alu_val.n || v.off != ctx->alu_val.off)
		return false;
	jv o = ctx->alu_b;
	int oh = o.k == JV_CONST ? -1 : jv_hreg(ctx, o), src = ctx->alu_src;
	if (o.k != JV_CONST && (oh < 0 || oh == dst))
		return false; /* the operand moved, or is the register written */
	b->p = ctx->alu_start;
	ctx->alu_end = NULL;
	ctx->cmp_end = NULL;
	ctx->rax_at = NULL;
	if (dst != src && !ctx->alu_shift && ctx->alu_op == X86_ADD) {
		x86_lea(b, 32, dst, o.k == JV_CONST ? x86_mem(src, (int32_t)(uint32_t)o.c)
						   : x86_mem_idx(src, oh, 1, 0));
		return true;
	}
	if (dst != src)
		x86_mov_rr(b, 32, dst, src);
	if (ctx->alu_shift)
		x86_shift_ri(b, (enum x86_shift)ctx->alu_op, 32, dst, (uint8_t)o.c);
	else
		jv_alu(ctx, (enum x86_alu)ctx->alu_op, 32, dst, o);
	return true;
}

static inline void jb_w(struct jit_ctx *ctx, unsigned n, jv v)
{
	if (n >= 15)
		jit_fail("B_W of r15");
	bool v_in_rax = jv_in_rax(ctx, v, 32);
	if (ctx->held[n]) {
		/* Someone may still read the value being replaced. */
		if (ctx->depth)
			jit_fail("B_W of a register read earlier, inside a B_IF");
		if (ctx->ver[n] + 1 >= JIT_GREG_VERS)
			jit_fail("a register written too often in one instruction");
		int h = jv_hreg(ctx, (jv){ .k = JV_GREG, .n = (uint16_t)n, .ver = ctx->ver[n] });
		if (h < 0) {
			x86_mov_rm(&ctx->b, 32, X86_RDX, JREG(n));
			h = X86_RDX;
		}
		jv s = jv_store(ctx, h, 32);
		ctx->shadow[n][ctx->ver[n]] = (int16_t)s.n;
		/* v may be that very value: it now reads the copy. */
		ctx->ver[n]++;
		ctx->held[n] = false;
		if (v_in_rax) { /* the copy went through rdx or a pool register */
			ctx->rax_at = x86_here(&ctx->b);
			ctx->rax_val = v;
			ctx->rax_val.ver = 32;
		}
	}
	int k = jb_cache(ctx, n, false);
	if (k < 0) {
		jb_set_field(ctx, JREG(n), v);
		return;
	}
	if (!jb_w_alu(ctx, jit_pool[k], v))
		jv_load(ctx, jit_pool[k], v, 32);
	ctx->dirty[n] = true;
	ctx->written |= (uint16_t)(1u << n);
}

/* A jump target here: rax may hold anything on arrival. */
static inline void jb_label(struct jit_ctx *ctx, uint8_t *rel32)
{
	if (!ctx->b.dry)
		x86_patch_rel32(rel32, x86_here(&ctx->b));
	ctx->rax_at = NULL;
	/* code before a jump target is never rewritten (jb_if, jb_w_alu) */
	ctx->cmp_end = ctx->alu_end = NULL;
}

/* ---- helper calls ---------------------------------------------------------- */

/* What translated code does when a helper returns: go on, or leave when its
 * result reports an exception (bit 32 set, or non-zero), or leave always. */
enum jb_after { JB_GO_ON, JB_EXC_BIT32, JB_EXC_NONZERO, JB_LEAVE };

/* Leave right after a helper call: cpu->r[] is exact (written back before
 * the call, and the helper may have switched banks since), so the cached
 * registers are neither reloaded nor written back. */
static inline void jb_exit_after_call(struct jit_ctx *ctx, int status)
{
	x86_lea(&ctx->b, 64, X86_RAX, x86_mem(X86_R12, (int32_t)ctx->count));
	x86_mov_ri(&ctx->b, 32, X86_RDX, (uint32_t)status);
	x86_jmp32(&ctx->b, ctx->epilogue);
}

/* Call fn: rel32 when it is within reach (the process backend places the
 * code cache within 2 GiB of the engine: plat_code_alloc), else through rax. */
static inline void jb_call_fn(struct jit_ctx *ctx, const void *fn)
{
	if (x86_fits32(x86_rel(x86_here(&ctx->b), 5, fn))) {
		x86_call32(&ctx->b, fn);
		return;
	}
	x86_mov_ri(&ctx->b, 64, X86_RAX, (uint64_t)(uintptr_t)fn);
	x86_call_r(&ctx->b, X86_RAX);
}

/* Up to five 32-bit arguments after cpu (rdi), then call fn: the result is in
 * rax; then as after says (status: JB_LEAVE's exit). The frame keeps rsp
 * 16-byte aligned. */
static inline void jb_call_then(struct jit_ctx *ctx, const void *fn, unsigned nargs, const jv *args,
				enum jb_after after, int status)
{
	static const int regs[] = { X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9 };

	jb_writeback(ctx);
	if (after != JB_LEAVE)
		jb_it_called(ctx);
	ctx->in_call = true;
	for (unsigned k = 0; k < nargs; k++)
		jv_load(ctx, regs[k], args[k], 32);
	x86_mov_rr(&ctx->b, 64, X86_RDI, X86_RBX);
	jb_call_fn(ctx, fn);
	ctx->in_call = false;
	x86_unop_m(&ctx->b, X86_INC, 64, x86_mem(X86_R14, ctx->helper_count));
	if (after == JB_LEAVE) {
		jb_exit_after_call(ctx, status);
		return;
	}
	if (after != JB_GO_ON) {
		uint8_t *ok;
		if (after == JB_EXC_BIT32) {
			x86_bt_ri(&ctx->b, X86_BT, 64, X86_RAX, 32);
			ok = x86_jcc32(&ctx->b, X86_CC_AE, NULL);
		} else {
			x86_test_rr(&ctx->b, 32, X86_RAX, X86_RAX);
			ok = x86_jcc32(&ctx->b, X86_CC_E, NULL);
		}
		jb_exit_after_call(ctx, SEM_EXC);
		jb_label(ctx, ok);
	}
	jb_reload(ctx);
}

static inline void jb_call(struct jit_ctx *ctx, const void *fn, unsigned nargs, const jv *args)
{
	jb_call_then(ctx, fn, nargs, args, JB_GO_ON, 0);
}

#define JB_CALL_THEN(ctx, after, fn, ...)                                                 \
	do {                                                                              \
		const jv _args[] = { __VA_ARGS__ };                                       \
		jb_call_then((ctx), (const void *)(uintptr_t)(fn),                        \
			     sizeof(_args) / sizeof(_args[0]), _args, (after), 0);        \
	} while (0)
#define JB_CALL(ctx, fn, ...) JB_CALL_THEN(ctx, JB_GO_ON, fn, __VA_ARGS__)
/* The same for a helper whose non-zero result reports an exception. */
#define JB_CALL_EXC(ctx, fn, ...) JB_CALL_THEN(ctx, JB_EXC_NONZERO, fn, __VA_ARGS__)

/* ---- exits ------------------------------------------------------------------ */

/* Leave the block with status; r[15] is set. */
static inline void jb_exit(struct jit_ctx *ctx, int status)
{
	jb_writeback(ctx);
	jb_exit_after_call(ctx, status);
}

/* Leave for the block at target (key): a jump that the dispatcher may
 * point straight at that block (jit.c). */
void jit_chain_exit(struct jit_ctx *ctx, uint32_t target, uint32_t key, int status);

/* Leave for the block at r[15], set by an indirect branch: an inline cache
 * of one target, else the lookup stub (jit.c). */
void jit_indirect_exit(struct jit_ctx *ctx);

/* Jump to the end of the instruction (the next instruction, or the block's
 * fall-through exit); patched when the instruction's translation ends. */
static inline void jb_to_end(struct jit_ctx *ctx, enum x86_cond cc, bool always)
{
	if (ctx->nto_end == JIT_PATCHES)
		jit_fail("too many jumps to the end of one instruction");
	ctx->to_end[ctx->nto_end++] = always ? x86_jmp32(&ctx->b, NULL) : x86_jcc32(&ctx->b, cc, NULL);
}

/* The ITSTATE the exits emitted until jb_exit_it(ctx, -1) leave with: 0
 * after a branch, the next instruction's after one that completes. */
static inline void jb_exit_it(struct jit_ctx *ctx, int it)
{
	ctx->it_out = (int16_t)it;
}

/* The instruction ends here at depth 0 (returns true: the semantic function
 * returns) or inside a B_IF (emits the exit; translation goes on). */
static inline bool jb_end(struct jit_ctx *ctx, int end)
{
	if (ctx->depth)
		return false;
	ctx->end = end;
	return true;
}

uint32_t jit_h_undef(struct arm_cpu *cpu, uint32_t pc);
uint32_t jit_h_svc(struct arm_cpu *cpu, uint32_t pc);
uint32_t jit_h_bkpt(struct arm_cpu *cpu, uint32_t pc);
uint32_t jit_h_unimpl(struct arm_cpu *cpu, uint32_t pc);
uint32_t jit_h_align(struct arm_cpu *cpu, uint32_t addr, uint32_t write, uint32_t pc);
uint64_t jit_h_ld(struct arm_cpu *cpu, uint32_t addr, uint32_t meta, uint32_t pc, uint32_t ipa);
uint32_t jit_h_st(struct arm_cpu *cpu, uint32_t addr, uint32_t val, uint32_t meta, uint32_t pc,
		  uint32_t ipa);
uint32_t jit_h_probe(struct arm_cpu *cpu, uint32_t addr, uint32_t len, uint32_t fl, uint32_t pc);
uint32_t jit_h_cpsr(struct arm_cpu *cpu);
uint32_t jit_h_spsr(struct arm_cpu *cpu);
uint32_t jit_h_have_spsr(struct arm_cpu *cpu);
void jit_h_cpsr_write_instr(struct arm_cpu *cpu, uint32_t v, uint32_t m);
void jit_h_cpsr_write_raw(struct arm_cpu *cpu, uint32_t v, uint32_t mask);
void jit_h_spsr_write_instr(struct arm_cpu *cpu, uint32_t v, uint32_t m);
uint32_t jit_h_ru(struct arm_cpu *cpu, uint32_t n);
void jit_h_wu(struct arm_cpu *cpu, uint32_t n, uint32_t v);
uint32_t jit_h_banked_sp(struct arm_cpu *cpu, uint32_t mode);
void jit_h_banked_sp_write(struct arm_cpu *cpu, uint32_t mode, uint32_t v);
uint64_t jit_h_cp15_read(struct arm_cpu *cpu, uint32_t raw, uint32_t pc);
uint32_t jit_h_cp15_write(struct arm_cpu *cpu, uint32_t raw, uint32_t v, uint32_t pc);
uint64_t jit_h_fop(struct arm_cpu *cpu, uint32_t op, uint64_t a, uint64_t b, uint64_t c);
void jit_h_fvec(struct arm_cpu *cpu, uint32_t op, uint32_t d, uint32_t n, uint32_t m, uint32_t imm);
void jit_h_exc_return(struct arm_cpu *cpu, uint32_t t);
void jit_h_rfe(struct arm_cpu *cpu, uint32_t t, uint32_t psr);

/* A helper returning a 32-bit value. */
static inline jv jb_call_val(struct jit_ctx *ctx, const void *fn, unsigned nargs, const jv *args)
{
	jb_call(ctx, fn, nargs, args);
	return jv_store(ctx, X86_RAX, 32);
}

#define JB_VAL(ctx, fn, ...)                                                               \
	({                                                                                 \
		const jv _args[] = { __VA_ARGS__ };                                        \
		jb_call_val((ctx), (const void *)(uintptr_t)(fn), sizeof(_args) / sizeof(_args[0]), \
			    _args);                                                        \
	})

/* A helper that returns a 64-bit value whose bit 32 reports an exception. */
static inline jv jb_call_faulting(struct jit_ctx *ctx, const void *fn, unsigned nargs, const jv *args)
{
	jb_call_then(ctx, fn, nargs, args, JB_EXC_BIT32, 0);
	return jv_store(ctx, X86_RAX, 32);
}

/* Whether an unaligned access of size with B_MEM_* fl takes an alignment
 * fault: always for B_MEM_STRICT (LDRD, LDM, exclusives), any access when
 * SCTLR.A is set (in the block key). */
static inline bool jb_align_faults(const struct jit_ctx *ctx, unsigned size, unsigned fl)
{
	return size > 1 && ((fl & B_MEM_STRICT) || (ctx->key & JIT_KEY_ALIGN));
}

/*
 * The mmu's inline fast path for an access of size bytes with flags and
 * B_MEM_* fl, the address zero-extended in rax: on a hit rdx holds the host
 * base to add to it; on a miss it jumps to the rel32s left in miss[0..1].
 * Clobbers rcx. The tag compare takes the page of the access's last byte,
 * so an unaligned access within the page hits (a page-crossing one, whose
 * last byte is in a page of another index, misses); where an unaligned
 * address must fault, the address's low bits are kept in the compare
 * instead, and the tags have them clear.
 */
static inline void jb_tlb(struct jit_ctx *ctx, unsigned size, unsigned flags, unsigned fl,
			  uint8_t *miss[2])
{
	const struct mmu_jit_tlb *t = ctx->tlb;
	struct x86_buf *b = &ctx->b;

	x86_mov_rr(b, 32, X86_RCX, X86_RAX);
	if (t->page_shift >= t->entry_shift) {
		x86_shift_ri(b, X86_SHR, 32, X86_RCX, (uint8_t)(t->page_shift - t->entry_shift));
		x86_alu_ri(b, X86_AND, 32, X86_RCX,
			   (int32_t)(((1u << t->index_bits) - 1) << t->entry_shift));
	} else {
		x86_shift_ri(b, X86_SHR, 32, X86_RCX, (uint8_t)t->page_shift);
		x86_alu_ri(b, X86_AND, 32, X86_RCX, (int32_t)((1u << t->index_bits) - 1));
		x86_shift_ri(b, X86_SHL, 32, X86_RCX, (uint8_t)t->entry_shift);
	}
	/* rcx: the entry's offset from r15, used as an index (one add fewer) */
	if (jb_align_faults(ctx, size, fl) || size == 1) {
		x86_mov_rr(b, 32, X86_RDX, X86_RAX);
		x86_alu_ri(b, X86_AND, 32, X86_RDX,
			   (int32_t)(~((1u << t->page_shift) - 1) | (size - 1)));
	} else {
		x86_lea(b, 32, X86_RDX, x86_mem(X86_RAX, (int32_t)(size - 1)));
		x86_alu_ri(b, X86_AND, 32, X86_RDX, (int32_t)~((1u << t->page_shift) - 1));
	}
	x86_alu_rm(b, X86_OR, 32, X86_RDX, x86_mem(X86_R15, t->key_or_off));
	x86_alu_rm(b, X86_CMP, 32, X86_RDX,
		   x86_mem_idx(X86_R15, X86_RCX, 1, (int32_t)(t->tag_off + 4 * flags)));
	miss[0] = x86_jcc32(b, X86_CC_NE, NULL);
	x86_mov_rm(b, 64, X86_RDX, x86_mem(X86_R15, t->dacr_off));
	x86_alu_rm(b, X86_AND, 64, X86_RDX, x86_mem_idx(X86_R15, X86_RCX, 1, (int32_t)t->dmask_off));
	miss[1] = x86_jcc32(b, X86_CC_E, NULL);
	x86_mov_rm(b, 64, X86_RDX, x86_mem_idx(X86_R15, X86_RCX, 1, (int32_t)t->addend_off));
}

/*
 * The window's fast path (struct mmu_jit_window) for an access of size
 * bytes with flags and B_MEM_* fl, the address zero-extended in rax: where
 * an unaligned address must fault (B_MEM_STRICT, or SCTLR.A in the key) it
 * jumps to the rel32 left in *miss (the helper raises the fault); rdx is
 * the window base to add to it. The access that follows may fault (a page
 * not mapped yet, or an unaligned one reaching into the next): the mmu maps
 * and retries it, or continues at the recovery address noted by
 * jit_fault_site (translated code's side table, jit.c).
 */
static inline void jb_win(struct jit_ctx *ctx, unsigned size, unsigned flags, unsigned fl,
			  uint8_t **miss)
{
	struct x86_buf *b = &ctx->b;

	*miss = NULL;
	if (jb_align_faults(ctx, size, fl)) {
		x86_test_ri(b, 32, X86_RAX, (int32_t)(size - 1));
		*miss = x86_jcc32(b, X86_CC_NE, NULL);
	}
	x86_mov_rm(b, 64, X86_RDX, x86_mem(X86_R15, (int32_t)(8 * ((flags & MMU_USER) >> 2))));
}

/* The access at host address at may fault; recovery (here) redoes it through
 * the helper: a side-table entry (jit.c). */
void jit_fault_site(struct jit_ctx *ctx, const uint8_t *at);

/* No instruction's physical address (a one-off translation): T32 and A32
 * instructions are at least halfword aligned. */
#define JIT_NO_PA 1u
/* Helper meta bits beside size | B_MEM_* << 8: the access reached the
 * helper after the window failed it (a host fault the mmu could not
 * serve), or its instruction is one jit_site_slow() names. */
#define JIT_META_RECOVERED (1u << 30)
#define JIT_META_SLOWSITE (1u << 31)

static inline bool jb_inline_mem(const struct jit_ctx *ctx)
{
	return (ctx->tlb || ctx->win) && !ctx->slow;
}

static inline unsigned jb_mem_flags(const struct jit_ctx *ctx, unsigned kind, unsigned fl)
{
	return kind | (((fl & B_MEM_USER) || (ctx->key & JIT_KEY_USER)) ? MMU_USER : 0);
}

static inline uint32_t jb_meta(const struct jit_ctx *ctx, unsigned size, unsigned fl)
{
	return size | (fl << 8) | (ctx->slow ? JIT_META_SLOWSITE : 0);
}

/* The r15-relative displacement of a new access site's translation slot
 * (struct jit_mslot, jit.c), or 0 when there is none to give. */
int32_t jit_mem_slot(struct jit_ctx *ctx);

/* reg = the site key of the address in rax: its page, the low bits kept
 * (0 for the key a refill stores), the mmu's generation in bits 32-63. */
static inline void jb_site_key(struct jit_ctx *ctx, int reg, uint32_t low)
{
	const struct mmu_jit_tlb *t = ctx->tlb;

	x86_mov_rr(&ctx->b, 32, reg, X86_RAX);
	x86_alu_ri(&ctx->b, X86_AND, 32, reg, (int32_t)(~((1u << t->page_shift) - 1) | low));
	x86_alu_rm(&ctx->b, X86_OR, 64, reg, x86_mem(X86_R15, t->gen_off));
}

/*
 * An access site's own translation (struct jit_mslot at r15 + slot): the
 * last one the TLB gave it, kept while the mmu's generation stays (struct
 * mmu_jit_tlb). The key is the access's address with the bits below the
 * page cleared but its low size - 1 bits kept, so that an unaligned access
 * (which might cross into the next page) never matches and takes the TLB's
 * path, and the generation or'ed into bits 32-63; on a match rdx is the
 * addend. Only loop blocks have sites (jb_fast). The TLB's path comes
 * later, out of the way (jb_slow_here).
 */
static inline void jb_site(struct jit_ctx *ctx, unsigned size, unsigned flags, unsigned fl,
			   int32_t slot, uint8_t *miss[2])
{
	struct x86_buf *b = &ctx->b;

	jb_site_key(ctx, X86_RDX, size - 1);
	x86_alu_rm(b, X86_CMP, 64, X86_RDX, x86_mem(X86_R15, slot));
	miss[0] = x86_jcc32(b, X86_CC_NE, NULL);
	miss[1] = NULL;
	x86_mov_rm(b, 64, X86_RDX, x86_mem(X86_R15, slot + 8));
	ctx->site_slot = slot;
	ctx->site_size = size;
	ctx->site_flags = flags;
	ctx->site_fl = fl;
	ctx->site_resume = x86_here(b);
}

/* The TLB's path of the site jb_site() left pending, entered by its miss
 * with the address in rax: on a hit the site keeps the translation and the
 * access goes on where the site's hit does; miss[] are the TLB's misses. */
static inline void jb_site_refill(struct jit_ctx *ctx, uint8_t *miss[2])
{
	struct x86_buf *b = &ctx->b;
	int32_t slot = ctx->site_slot;

	ctx->site_slot = 0;
	jb_tlb(ctx, ctx->site_size, ctx->site_flags, ctx->site_fl, miss);
	x86_mov_mr(b, 64, x86_mem(X86_R15, slot + 8), X86_RDX);
	jb_site_key(ctx, X86_RCX, 0);
	x86_mov_mr(b, 64, x86_mem(X86_R15, slot), X86_RCX);
	x86_jmp32(b, ctx->site_resume);
}

/* The inline fast path of an access of size with flags, the address in rax;
 * on a hit rdx + rax is the host address. The rel32s of the jumps to the
 * slow path are left in miss[0..1] (NULL: none). site: the access may keep
 * its own translation (jb_site; the caller's jb_slow_here emits the rest). */
static inline void jb_fast(struct jit_ctx *ctx, unsigned size, unsigned kind, unsigned fl,
			   uint8_t *miss[2], bool site)
{
	unsigned flags = jb_mem_flags(ctx, kind, fl);

	if (ctx->tlb) {
		/* In loops only: elsewhere (kernel paths between DACR writes
		 * and TLB maintenance) a slot is mostly stale, and its check
		 * and refill cost more than the TLB alone. */
		int32_t slot = site && ctx->loop_head ? jit_mem_slot(ctx) : 0;
		if (slot) {
			jb_site(ctx, size, flags, fl, slot, miss);
			return;
		}
		jb_tlb(ctx, size, flags, fl, miss);
		return;
	}
	jb_win(ctx, size, flags, fl, &miss[0]);
	miss[1] = NULL;
}

/*
 * Emission moves to the cold area (slow paths, out of line: the fast path
 * runs on without a jump over them) until jb_cold_end, which jumps back to
 * where the hot code goes on. Translation-time state is shared, so the
 * slow path must leave it as the fast path does, as before.
 */
static inline void jb_cold_begin(struct jit_ctx *ctx)
{
	struct x86_buf hot = ctx->b;
	ctx->b = ctx->cold;
	ctx->b.dry = hot.dry;
	ctx->cold = hot;
	ctx->rax_at = NULL;
	ctx->cmp_end = ctx->alu_end = NULL;
}

/* Back to the hot code, from cold code that ended in an exit. */
static inline void jb_cold_left(struct jit_ctx *ctx)
{
	struct x86_buf cold = ctx->b;
	ctx->b = ctx->cold;
	ctx->cold = cold;
	ctx->rax_at = NULL;
}

static inline void jb_cold_end(struct jit_ctx *ctx)
{
	x86_jmp32(&ctx->b, ctx->cold.p);
	struct x86_buf cold = ctx->b;
	ctx->b = ctx->cold;
	ctx->cold = cold;
	ctx->rax_at = NULL;
}

/* The slow path starts here: a window access's recovery address, the
 * target of the fast path's jumps (after a site's TLB path). */
static inline void jb_slow_here(struct jit_ctx *ctx, uint8_t *miss[2], const uint8_t *at,
				jv *meta)
{
	if (ctx->win) {
		jit_fault_site(ctx, at);
		meta->c |= JIT_META_RECOVERED;
	}
	if (ctx->site_slot) {
		jb_label(ctx, miss[0]);
		jb_site_refill(ctx, miss);
	}
	for (unsigned k = 0; k < 2; k++)
		if (miss[k])
			jb_label(ctx, miss[k]);
	ctx->rax_at = NULL;
}

/* At a TLB miss label rax still holds the address: a slow path passes that
 * on (its own slot, stored there), so that the fast path need not keep the
 * address in the slot it was computed into. */
static inline jv jb_miss_addr(struct jit_ctx *ctx, jv addr)
{
	return addr.k == JV_SLOT ? jv_store(ctx, X86_RAX, 32) : addr;
}

static inline jv jb_ld(struct jit_ctx *ctx, jv addr, unsigned size, unsigned fl)
{
	jv args[] = { addr, jv_c(jb_meta(ctx, size, fl)), jb_pc(ctx, 0), jv_c(ctx->ipa) };

	if (!jb_inline_mem(ctx))
		return jb_call_faulting(ctx, (const void *)(uintptr_t)jit_h_ld, 4, args);
	struct x86_buf *b = &ctx->b;
	uint8_t *miss[2];
	jv r = jv_slot(ctx);
	jv_load(ctx, X86_RAX, addr, 32);
	jb_fast(ctx, size, MMU_READ, fl, miss, true);
	struct x86_mem m = x86_mem_idx(X86_RDX, X86_RAX, 1, 0);
	uint8_t *at = x86_here(b);
	if (size == 4)
		x86_mov_rm(b, 32, X86_RAX, m);
	else
		x86_movx_rm(b, X86_MOVZX, 32, size * 8, X86_RAX, m);
	jv_put(ctx, r, 32, X86_RAX);
	jb_cold_begin(ctx);
	jb_slow_here(ctx, miss, at, &args[1]);
	args[0] = jb_miss_addr(ctx, addr);
	jb_call_then(ctx, (const void *)(uintptr_t)jit_h_ld, 4, args, JB_EXC_BIT32, 0);
	jv_put(ctx, r, 32, X86_RAX);
	jb_cold_end(ctx);
	/* both paths arrive with the value in eax */
	ctx->rax_at = x86_here(b);
	ctx->rax_val = r;
	ctx->rax_val.ver = 32;
	return r;
}

static inline void jb_st(struct jit_ctx *ctx, jv addr, jv v, unsigned size, unsigned fl)
{
	jv meta = jv_c(jb_meta(ctx, size, fl));

	ctx->stores = true;
	if (!jb_inline_mem(ctx)) {
		JB_CALL_EXC(ctx, jit_h_st, addr, v, meta, jb_pc(ctx, 0), jv_c(ctx->ipa));
		return;
	}
	struct x86_buf *b = &ctx->b;
	uint8_t *miss[2];
	jv_load(ctx, X86_RAX, addr, 32);
	jb_fast(ctx, size, MMU_WRITE, fl, miss, true);
	jv_load(ctx, X86_RCX, v, 32);
	uint8_t *at = x86_here(b);
	x86_mov_mr(b, size * 8, x86_mem_idx(X86_RDX, X86_RAX, 1, 0), X86_RCX);
	jb_cold_begin(ctx);
	jb_slow_here(ctx, miss, at, &meta);
	JB_CALL_EXC(ctx, jit_h_st, jb_miss_addr(ctx, addr), v, meta, jb_pc(ctx, 0), jv_c(ctx->ipa));
	jb_cold_end(ctx);
}

/* B_PROBE_ST: inline when the range lies in one page, where the fast path of
 * an aligned word store at its start is the answer (under windows, a store
 * of the byte found there back onto itself: the engine's thread is the only
 * writer of guest RAM meanwhile); the helper otherwise. */
static inline void jb_probe(struct jit_ctx *ctx, jv addr, uint32_t len, unsigned fl)
{
	struct x86_buf *b = &ctx->b;
	uint8_t *miss[3];
	/* windows map whole guest pages, 4 KiB at the least */
	const unsigned page_shift = ctx->tlb ? ctx->tlb->page_shift : 12;
	jv lfl = jv_c(fl);
	const bool inline_fast = jb_inline_mem(ctx) && len <= (1u << page_shift);

	if (inline_fast) {
		jv_load(ctx, X86_RAX, addr, 32);
		x86_mov_rr(b, 32, X86_RCX, X86_RAX);
		x86_alu_ri(b, X86_AND, 32, X86_RCX, (int32_t)((1u << page_shift) - 1));
		x86_alu_ri(b, X86_CMP, 32, X86_RCX, (int32_t)((1u << page_shift) - len));
		miss[2] = x86_jcc32(b, X86_CC_A, NULL);
		jb_fast(ctx, 4, MMU_WRITE, fl | B_MEM_STRICT, miss, false);
		uint8_t *at = x86_here(b);
		if (ctx->win)
			x86_alu_mi(b, X86_OR, 8, x86_mem_idx(X86_RDX, X86_RAX, 1, 0), 0);
		jb_cold_begin(ctx);
		jb_label(ctx, miss[2]);
		jb_slow_here(ctx, miss, at, &lfl);
	}
	JB_CALL_EXC(ctx, jit_h_probe, addr, jv_c(len), lfl, jb_pc(ctx, 0));
	if (inline_fast)
		jb_cold_end(ctx);
}

static inline void jb_check_align(struct jit_ctx *ctx, jv addr, unsigned n, bool write)
{
	uint8_t *ok = NULL;

	if (addr.k == JV_CONST) {
		if (!((uint32_t)addr.c & (n - 1)))
			return;
	} else {
		jv_load(ctx, X86_RAX, addr, 32);
		x86_test_ri(&ctx->b, 32, X86_RAX, (int32_t)(n - 1));
		ok = x86_jcc32(&ctx->b, X86_CC_E, NULL);
	}
	const jv args[] = { addr, jv_c(write), jb_pc(ctx, 0) };
	jb_call_then(ctx, (const void *)(uintptr_t)jit_h_align, 3, args, JB_LEAVE, SEM_EXC);
	if (ok)
		jb_label(ctx, ok);
}

/* ---- flags ------------------------------------------------------------------ */

static inline bool jb_flag_live(const struct jit_ctx *ctx, unsigned flag)
{
	return !(ctx->dead & flag);
}

static inline void jb_set_nz(struct jit_ctx *ctx, jv r)
{
	if ((ctx->dead & (JIT_FLAG_N | JIT_FLAG_Z)) == (JIT_FLAG_N | JIT_FLAG_Z))
		return;
	jv_load(ctx, X86_RAX, r, 32);
	if (jb_flag_live(ctx, JIT_FLAG_N))
		x86_mov_mr(&ctx->b, 32, JCPU(nf), X86_RAX);
	if (jb_flag_live(ctx, JIT_FLAG_Z))
		x86_mov_mr(&ctx->b, 32, JCPU(zf), X86_RAX);
}

static inline void jb_set_nz64(struct jit_ctx *ctx, jv x)
{
	if ((ctx->dead & (JIT_FLAG_N | JIT_FLAG_Z)) == (JIT_FLAG_N | JIT_FLAG_Z))
		return;
	jv_load(ctx, X86_RAX, x, 64);
	x86_mov_rr(&ctx->b, 64, X86_RDX, X86_RAX);
	x86_shift_ri(&ctx->b, X86_SHR, 64, X86_RDX, 32);
	if (jb_flag_live(ctx, JIT_FLAG_N))
		x86_mov_mr(&ctx->b, 32, JCPU(nf), X86_RDX);
	x86_alu_rr(&ctx->b, X86_OR, 32, X86_RDX, X86_RAX);
	if (jb_flag_live(ctx, JIT_FLAG_Z))
		x86_mov_mr(&ctx->b, 32, JCPU(zf), X86_RDX);
}

/* arm_flags_set_nzcv() of v. */
static inline void jb_set_nzcv(struct jit_ctx *ctx, jv v)
{
	struct x86_buf *xb = &ctx->b;

	jv_load(ctx, X86_RAX, v, 32);
	x86_mov_rr(xb, 32, X86_RDX, X86_RAX);
	x86_alu_ri(xb, X86_AND, 32, X86_RDX, (int32_t)CPSR_N);
	x86_mov_mr(xb, 32, JCPU(nf), X86_RDX);
	x86_alu_rr(xb, X86_XOR, 32, X86_RDX, X86_RDX);
	x86_test_ri(xb, 32, X86_RAX, (int32_t)CPSR_Z);
	x86_setcc_r(xb, X86_CC_E, X86_RDX);
	x86_mov_mr(xb, 32, JCPU(zf), X86_RDX);
	x86_mov_rr(xb, 32, X86_RDX, X86_RAX);
	x86_shift_ri(xb, X86_SHR, 32, X86_RDX, 29);
	x86_alu_ri(xb, X86_AND, 32, X86_RDX, 1);
	x86_mov_mr(xb, 32, JCPU(cf), X86_RDX);
	x86_shift_ri(xb, X86_SHL, 32, X86_RAX, 3);
	x86_alu_ri(xb, X86_AND, 32, X86_RAX, (int32_t)CPSR_N);
	x86_mov_mr(xb, 32, JCPU(vf), X86_RAX);
}

/* a + b + cin (sub: a + ~b + cin) with NZCV as ADD does: C from the x86
 * carry (the inverted borrow for sub), V from the x86 overflow. */
static inline jv jb_adcs(struct jit_ctx *ctx, jv a, jv b, jv cin, bool sub)
{
	struct x86_buf *xb = &ctx->b;

	b = jv_flat(ctx, b);
	jv_load(ctx, X86_RAX, a, 32);
	if (cin.k == JV_CONST) {
		/* add: cin 0 is ADD, 1 is ADD + 1; sub: cin 1 is SUB */
		if (!sub && (uint32_t)cin.c) {
			x86_op0(xb, X86_STC);
			jv_alu(ctx, X86_ADC, 32, X86_RAX, b);
		} else if (sub && !(uint32_t)cin.c) {
			x86_op0(xb, X86_STC);
			jv_alu(ctx, X86_SBB, 32, X86_RAX, b);
		} else {
			jv_alu(ctx, sub ? X86_SUB : X86_ADD, 32, X86_RAX, b);
		}
	} else {
		jv_load(ctx, X86_RDX, cin, 32);
		x86_bt_ri(xb, X86_BT, 32, X86_RDX, 0);
		if (sub)
			x86_op0(xb, X86_CMC);
		jv_alu(ctx, sub ? X86_SBB : X86_ADC, 32, X86_RAX, b);
	}
	/* cf is always 0 or 1, so its upper bytes stay 0; V goes to bit 31
	 * from bit 0 of edx (the shift drops the rest). Flags nothing reads
	 * before they are written again are not stored (jit_decode_stretch). */
	if (jb_flag_live(ctx, JIT_FLAG_C))
		x86_setcc_m(xb, sub ? X86_CC_AE : X86_CC_B, JCPU(cf));
	if (jb_flag_live(ctx, JIT_FLAG_V)) {
		x86_setcc_r(xb, X86_CC_O, X86_RDX);
		x86_shift_ri(xb, X86_SHL, 32, X86_RDX, 31);
		x86_mov_mr(xb, 32, JCPU(vf), X86_RDX);
	}
	if (jb_flag_live(ctx, JIT_FLAG_N))
		x86_mov_mr(xb, 32, JCPU(nf), X86_RAX);
	if (jb_flag_live(ctx, JIT_FLAG_Z))
		x86_mov_mr(xb, 32, JCPU(zf), X86_RAX);
	return jv_store(ctx, X86_RAX, 32);
}

static inline void jb_cpsr_or(struct jit_ctx *ctx, jv c, unsigned shift, uint32_t clear)
{
	jv_load(ctx, X86_RAX, c, 32);
	if (clear) {
		x86_alu_ri(&ctx->b, X86_AND, 32, X86_RAX, 0xf);
		x86_alu_mi(&ctx->b, X86_AND, 32, JCPU(cpsr), (int32_t)~clear);
	}
	x86_shift_ri(&ctx->b, X86_SHL, 32, X86_RAX, (uint8_t)shift);
	x86_alu_mr(&ctx->b, X86_OR, 32, JCPU(cpsr), X86_RAX);
}

/* ---- B_IF ------------------------------------------------------------------- */

static inline void jb_if(struct jit_ctx *ctx, jv c)
{
	if (ctx->depth == JIT_IF_DEPTH)
		jit_fail("B_IF nested too deep");
	if (c.k == JV_CONST) {
		ctx->if_jump[ctx->depth] = (uint32_t)c.c ? NULL : x86_jmp32(&ctx->b, NULL);
	} else if (c.k == JV_SLOT && ctx->cmp_end == x86_here(&ctx->b) &&
		   ctx->cmp_val.k == JV_SLOT && c.n == ctx->cmp_val.n) {
		/* on the comparison's own flags: its boolean was never needed
		 * (nothing stored it; a later read of it from rax is not
		 * possible, since rax_at moves on, and one from its slot
		 * makes jit_insn emit the instruction again, storing it) */
		ctx->b.p = ctx->cmp_setcc;
		ctx->cmp_end = NULL;
		ctx->rax_at = NULL;
		ctx->if_jump[ctx->depth] = x86_jcc32(&ctx->b, x86_cond_not(ctx->cmp_cc), NULL);
	} else {
		jv_load(ctx, X86_RAX, c, 32);
		x86_test_rr(&ctx->b, 32, X86_RAX, X86_RAX);
		ctx->if_jump[ctx->depth] = x86_jcc32(&ctx->b, X86_CC_E, NULL);
	}
	ctx->else_jump[ctx->depth] = NULL;
	ctx->depth++;
}

static inline void jb_else(struct jit_ctx *ctx)
{
	unsigned d = ctx->depth - 1;
	ctx->else_jump[d] = x86_jmp32(&ctx->b, NULL);
	if (ctx->if_jump[d])
		jb_label(ctx, ctx->if_jump[d]);
	ctx->if_jump[d] = NULL;
}

static inline void jb_endif(struct jit_ctx *ctx)
{
	unsigned d = --ctx->depth;
	if (ctx->if_jump[d])
		jb_label(ctx, ctx->if_jump[d]);
	if (ctx->else_jump[d])
		jb_label(ctx, ctx->else_jump[d]);
}

/* ---- the builder names -------------------------------------------------------- */

#define B_FN
#define B_CTX struct jit_ctx *ctx
#define B_CTXA ctx

#define B_C(x) jv_c((uint32_t)(x))
#define B_ADD(a, b) jb_bin(ctx, JB_ADD, (a), (b))
#define B_SUB(a, b) jb_bin(ctx, JB_SUB, (a), (b))
#define B_MUL(a, b) jb_bin(ctx, JB_MUL, (a), (b))
#define B_AND(a, b) jb_bin(ctx, JB_AND, (a), (b))
#define B_OR(a, b) jb_bin(ctx, JB_OR, (a), (b))
#define B_XOR(a, b) jb_bin(ctx, JB_XOR, (a), (b))
#define B_NOT(a) jb_un(ctx, JU_NOT, (a))
#define B_NEG(a) jb_un(ctx, JU_NEG, (a))
#define B_SHL(a, s) jb_bin(ctx, JB_SHL, (a), (s))
#define B_SHR(a, s) jb_bin(ctx, JB_SHR, (a), (s))
#define B_SAR(a, s) jb_bin(ctx, JB_SAR, (a), (s))
#define B_ROR(a, s) jb_bin(ctx, JB_ROR, (a), (s))
#define B_SHLI(a, n) jb_bin(ctx, JB_SHL, (a), jv_c(n))
#define B_SHRI(a, n) jb_bin(ctx, JB_SHR, (a), jv_c(n))
#define B_SARI(a, n) jb_bin(ctx, JB_SAR, (a), jv_c(n))
#define B_EQ(a, b) jb_bin(ctx, JB_EQ, (a), (b))
#define B_NE(a, b) jb_bin(ctx, JB_NE, (a), (b))
#define B_LTU(a, b) jb_bin(ctx, JB_LTU, (a), (b))
#define B_LEU(a, b) jb_bin(ctx, JB_LEU, (a), (b))
#define B_LTS(a, b) jb_bin(ctx, JB_LTS, (a), (b))
#define B_GTS(a, b) jb_bin(ctx, JB_GTS, (a), (b))
#define B_SEL(c, a, b) jb_sel(ctx, (c), (a), (b))
#define B_CLZ(a) jb_un(ctx, JU_CLZ, (a))
#define B_BSWAP(a) jb_un(ctx, JU_BSWAP, (a))
#define B_RBIT(a) jb_un(ctx, JU_RBIT, (a))
#define B_SEXT8(a) jb_un(ctx, JU_SEXT8, (a))
#define B_SEXT16(a) jb_un(ctx, JU_SEXT16, (a))
#define B_MULU64(a, b) jb_mul64(ctx, (a), (b), false)
#define B_MULS64(a, b) jb_mul64(ctx, (a), (b), true)
#define B_ADD64(x, y) jb_bin(ctx, JB_ADD64, (x), (y))
#define B_SUB64(x, y) jb_bin(ctx, JB_SUB64, (x), (y))
#define B_ZX64(a) jb_un(ctx, JU_ZX64, (a))
#define B_SX64(a) jb_un(ctx, JU_SX64, (a))
#define B_CAT64(hi, lo) jb_cat64(ctx, (hi), (lo))
#define B_LO(x) jb_half(ctx, (x), false)
#define B_HI(x) jb_half(ctx, (x), true)

#define B_FLAG_C() jb_flag_c(ctx)
#define B_SET_NZ(r) jb_set_nz(ctx, (r))
#define B_SET_NZ64(x) jb_set_nz64(ctx, (x))
#define B_SET_C(c)                                             \
	do {                                                   \
		if (jb_flag_live(ctx, JIT_FLAG_C))             \
			jb_set_field(ctx, JCPU(cf), (c));      \
	} while (0)
#define B_SET_NZCV(v) jb_set_nzcv(ctx, (v))
#define B_ADCS(a, b, cin) jb_adcs(ctx, (a), (b), (cin), false)
#define B_SBCS(a, b, cin) jb_adcs(ctx, (a), (b), (cin), true)
#define B_OR_Q(c) jb_cpsr_or(ctx, (c), 27, 0)
#define B_SET_GE(v) jb_cpsr_or(ctx, (v), 16, CPSR_GE)

#define B_R(n) jb_r(ctx, (n))
#define B_W(n, v) jb_w(ctx, (n), (v))
#define B_RU(n) JB_VAL(ctx, jit_h_ru, jv_c(n))
#define B_WU(n, v) JB_CALL(ctx, jit_h_wu, jv_c(n), (v))
#define B_PC() jb_pc(ctx, 0)
#define B_VAR(x) jv x = jv_slot(ctx)
#define B_SET(x, v)                                      \
	do {                                             \
		jv_load(ctx, X86_RAX, (v), 64);          \
		jv_put(ctx, (x), 64, X86_RAX);           \
	} while (0)

#define B_IF(c) { jb_if(ctx, (c));
#define B_ELSE jb_else(ctx); } {
#define B_ENDIF jb_endif(ctx); }

#define B_LD(dst, addr, size, fl) ((dst) = jb_ld(ctx, (addr), (size), (fl)))
#define B_ST(addr, v, size, fl) jb_st(ctx, (addr), (v), (size), (fl))
#define B_PROBE_ST(addr, len, fl) jb_probe(ctx, (addr), (len), (fl))
#define B_CHECK_ALIGN(addr, n, write) jb_check_align(ctx, (addr), (n), (write))

#define B_CPSR() JB_VAL(ctx, jit_h_cpsr, jv_c(0))
#define B_DATA_BE() jv_c((ctx->key & JIT_KEY_BE) ? 1u : 0u)
#define B_CPSR_WRITE_INSTR(v, m) JB_CALL(ctx, jit_h_cpsr_write_instr, (v), jv_c(m))
#define B_CPSR_WRITE_RAW(v, mask) JB_CALL(ctx, jit_h_cpsr_write_raw, (v), jv_c(mask))
#define B_SPSR() JB_VAL(ctx, jit_h_spsr, jv_c(0))
#define B_SPSR_WRITE_INSTR(v, m) JB_CALL(ctx, jit_h_spsr_write_instr, (v), jv_c(m))
#define B_HAVE_SPSR() JB_VAL(ctx, jit_h_have_spsr, jv_c(0))
#define B_IS_PRIV() jb_bin(ctx, JB_EQ, jb_field(ctx, JCPU(mem_user)), jv_c(0))
#define B_BANKED_SP(mode) JB_VAL(ctx, jit_h_banked_sp, jv_c(mode))
#define B_BANKED_SP_WRITE(mode, v) JB_CALL(ctx, jit_h_banked_sp_write, jv_c(mode), (v))
#define B_CP15_READ(dst) ((dst) = jb_cp15_read(ctx, i->raw))
#define B_CP15_WRITE(v)                                                                    \
	do {                                                                               \
		JB_CALL_EXC(ctx, jit_h_cp15_write, jv_c(i->raw), (v), jb_pc(ctx, 0));      \
	} while (0)
#define B_EXCL_SET(addr)                                          \
	do {                                                      \
		jb_set_field(ctx, JCPU(excl_addr), (addr));       \
		jb_set_field(ctx, JCPU(excl_valid), jv_c(1));     \
	} while (0)
#define B_EXCL_PASS(addr)                                                                  \
	jb_bin(ctx, JB_AND, jb_field(ctx, JCPU(excl_valid)),                               \
	       jb_bin(ctx, JB_EQ, jb_field(ctx, JCPU(excl_addr)), (addr)))
#define B_EXCL_CLEAR() jb_set_field(ctx, JCPU(excl_valid), jv_c(0))
#define B_VFP_ENABLED() jb_vfp_enabled(ctx)
/* Within a block the check holds once it has passed on its straight line
 * (not in a B_IF or a conditional instruction): FPEXC and CPACR writes and
 * mode changes end the block, and an exception leaves it. */
#define B_VFP_CHECKED() (ctx->vfp_checked)
#define B_VFP_CHECK_DONE() ((void)(ctx->vfp_checked = ctx->depth == 0 && !ctx->fixed))
/* static: the next instruction's ctx->it (jit_insn_pass), written where read */
#define B_SET_ITSTATE(it) ((void)(it))
#define B_S(n) jb_field(ctx, JS(n))
#define B_S_W(n, v) jb_set_field(ctx, JS(n), (v))
#define B_D(n) jb_field64(ctx, (n))
#define B_D_W(n, x) jb_set_d(ctx, (n), (x))
#define B_FPSCR() jb_field(ctx, JCPU(vfp.fpscr))
#define B_FPEXC() jb_field(ctx, JCPU(vfp.fpexc))
#define B_FPSCR_WRITE(v) jb_set_field(ctx, JCPU(vfp.fpscr), B_AND((v), jv_c(FPSCR_WRITABLE)))
#define B_FPEXC_WRITE(v) jb_set_field(ctx, JCPU(vfp.fpexc), B_AND((v), jv_c(FPEXC_WRITABLE)))
#define B_FOP(op, a, b, c) jb_fop(ctx, (op), (a), (b), (c))
#define B_FVEC(op, d, n, m, imm) \
	JB_CALL(ctx, jit_h_fvec, jv_c(op), jv_c(d), jv_c(n), jv_c(m), jv_c(imm))

/*
 * The offset in struct arm_cpu of a CP15 register that an MRC of raw reads
 * as a plain field at this privilege (what arm_cp15_read does for it), or
 * -1: the helper decides (and takes UNDEF where the mode may not read it).
 * The thread ID registers and DACR are read on every TLS access and every
 * uaccess window of Linux.
 */
static inline int32_t jb_cp15_field(uint32_t raw, bool user)
{
	unsigned crn = (raw >> 16) & 15u, op1 = (raw >> 21) & 7u, crm = raw & 15u, op2 = (raw >> 5) & 7u;

	if (((raw >> 8) & 15u) != 15 || op1 || crm)
		return -1;
	if (crn == 13 && op2 == 2)
		return (int32_t)__builtin_offsetof(struct arm_cpu, cp15.tpidrurw);
	if (crn == 13 && op2 == 3)
		return (int32_t)__builtin_offsetof(struct arm_cpu, cp15.tpidruro);
	if (user)
		return -1;
	if (crn == 13 && op2 == 4)
		return (int32_t)__builtin_offsetof(struct arm_cpu, cp15.tpidrprw);
	if (crn == 3 && op2 == 0)
		return (int32_t)__builtin_offsetof(struct arm_cpu, cp15.dacr);
	return -1;
}

static inline jv jb_cp15_read(struct jit_ctx *ctx, uint32_t raw)
{
	int32_t off = jb_cp15_field(raw, ctx->key & JIT_KEY_USER);

	if (off >= 0)
		return jb_field(ctx, x86_mem(X86_RBX, off));
	jv a[] = { jv_c(raw), jb_pc(ctx, 0) };
	return jb_call_faulting(ctx, (const void *)(uintptr_t)jit_h_cp15_read, 2, a);
}

/* Sn is half of D(n / 2): the low half for even n (a little-endian host). */
#define JS(n) x86_mem(X86_RBX, (int32_t)(__builtin_offsetof(struct arm_cpu, vfp.d) + 4 * (n)))

/* CPACR grants CP10/CP11 to this mode (the privilege is in the key): User
 * needs full access (3), PL1 also takes 1, so bit 20 alone decides. */
static inline jv jb_vfp_enabled(struct jit_ctx *ctx)
{
	jv acc = jb_bin(ctx, JB_AND, jb_bin(ctx, JB_SHR, jb_field(ctx, JCPU(cp15.cpacr)), jv_c(20)), jv_c(3));
	if (ctx->key & JIT_KEY_USER)
		return jb_bin(ctx, JB_EQ, acc, jv_c(3));
	return jb_bin(ctx, JB_AND, acc, jv_c(1));
}

static inline jv jb_field64(struct jit_ctx *ctx, unsigned n)
{
	x86_mov_rm(&ctx->b, 64, X86_RAX,
		   x86_mem(X86_RBX, (int32_t)(__builtin_offsetof(struct arm_cpu, vfp.d) + 8 * n)));
	return jv_store(ctx, X86_RAX, 64);
}

static inline void jb_set_d(struct jit_ctx *ctx, unsigned n, jv x)
{
	jv_load(ctx, X86_RAX, x, 64);
	x86_mov_mr(&ctx->b, 64, x86_mem(X86_RBX, (int32_t)(__builtin_offsetof(struct arm_cpu, vfp.d) + 8 * n)),
		   X86_RAX);
}

/* The helper call of B_FOP: rax = vfp_fop(op, a, b, c). */
static inline void jb_fop_call(struct jit_ctx *ctx, unsigned op, jv a, jv b, jv c)
{
	jb_writeback(ctx);
	jb_it_called(ctx);
	ctx->in_call = true;
	jv_load(ctx, X86_RDX, a, 64);
	jv_load(ctx, X86_RCX, b, 64);
	jv_load(ctx, X86_R8, c, 64);
	x86_mov_ri(&ctx->b, 32, X86_RSI, op);
	x86_mov_rr(&ctx->b, 64, X86_RDI, X86_RBX);
	jb_call_fn(ctx, (const void *)jit_h_fop);
	ctx->in_call = false;
	jb_reload(ctx);
	x86_unop_m(&ctx->b, X86_INC, 64, x86_mem(X86_R14, ctx->helper_count));
}

/*
 * The inline fast path, on the conditions of vfp.c's fp_fast (see there):
 * round to nearest with FPSCR.IXC already set (SSE's inexact result then
 * changes no flag), normal operands, and a normal result whose exponent is
 * not the smallest (so no underflow or flush-to-zero question arises) nor
 * the largest (no overflow). Anything else jumps to slow[] and the helper
 * recomputes from the operands: the fast path writes nothing first.
 */
#define JIT_FOP_SLOW 8

struct jit_fp {
	bool dp;
	unsigned fbits;		/* fraction bits */
	uint32_t emax;		/* all-ones exponent */
};

/* Jump to a slow path unless rax (the raw operand or result) has a biased
 * exponent in [lo, emax - 1]. Clobbers rcx. */
static inline void jb_fp_check(struct jit_ctx *ctx, const struct jit_fp *f, uint32_t lo,
			       uint8_t **slow, unsigned *nslow)
{
	x86_mov_rr(&ctx->b, 64, X86_RCX, X86_RAX);
	x86_shift_ri(&ctx->b, X86_SHR, 64, X86_RCX, (uint8_t)f->fbits);
	x86_alu_ri(&ctx->b, X86_AND, 32, X86_RCX, (int32_t)f->emax);
	x86_alu_ri(&ctx->b, X86_SUB, 32, X86_RCX, (int32_t)lo);
	x86_alu_ri(&ctx->b, X86_CMP, 32, X86_RCX, (int32_t)(f->emax - lo));
	slow[(*nslow)++] = x86_jcc32(&ctx->b, X86_CC_AE, NULL);
}

/* xmm = v, checked to be a normal number. */
static inline void jb_fp_operand(struct jit_ctx *ctx, const struct jit_fp *f, int xmm, jv v,
				 uint8_t **slow, unsigned *nslow)
{
	jv_load(ctx, X86_RAX, v, f->dp ? 64 : 32);
	jb_fp_check(ctx, f, 1, slow, nslow);
	x86_movd_xr(&ctx->b, f->dp ? 64 : 32, xmm, X86_RAX);
}

/* xmm0 op= xmm1, the result checked (and left in rax). */
static inline void jb_fp_arith(struct jit_ctx *ctx, const struct jit_fp *f, enum x86_sse op32,
			       uint8_t **slow, unsigned *nslow)
{
	x86_sse_rr(&ctx->b, f->dp ? (enum x86_sse)(op32 ^ 0xf30f00 ^ 0xf20f00) : op32, 0, 1);
	x86_movd_rx(&ctx->b, f->dp ? 64 : 32, X86_RAX, 0);
	jb_fp_check(ctx, f, 2, slow, nslow);
}

static inline bool jb_fop_inline(struct jit_ctx *ctx, unsigned op, jv a, jv b, jv c, jv r)
{
	static const enum x86_sse sse[] = {
		[VFP_ADD] = X86_ADDSS, [VFP_SUB] = X86_SUBSS, [VFP_MUL] = X86_MULSS,
		[VFP_DIV] = X86_DIVSS, [VFP_MLA] = X86_ADDSS, [VFP_MLS] = X86_SUBSS,
	};
	const struct jit_fp f = {
		.dp = op & VFP_OP_DP,
		.fbits = (op & VFP_OP_DP) ? 52 : 23,
		.emax = (op & VFP_OP_DP) ? 0x7ffu : 0xffu,
	};
	unsigned base = op & ~VFP_OP_DP, nslow = 0;
	uint8_t *slow[JIT_FOP_SLOW];
	struct x86_buf *xb = &ctx->b;

	if (base > VFP_MLS || base == VFP_NMUL)
		return false;
	x86_mov_rm(xb, 32, X86_RCX, JCPU(vfp.fpscr));
	x86_alu_ri(xb, X86_AND, 32, X86_RCX, (int32_t)((3u << FPSCR_RMODE_SHIFT) | FPSCR_IXC));
	x86_alu_ri(xb, X86_CMP, 32, X86_RCX, (int32_t)(((uint32_t)VFP_RN << FPSCR_RMODE_SHIFT) | FPSCR_IXC));
	slow[nslow++] = x86_jcc32(xb, X86_CC_NE, NULL);
	jb_fp_operand(ctx, &f, 0, a, slow, &nslow);
	jb_fp_operand(ctx, &f, 1, b, slow, &nslow);
	if (base == VFP_MLA || base == VFP_MLS) {
		/* c +/- (a * b), rounded twice as VMLA/VMLS are */
		jb_fp_arith(ctx, &f, X86_MULSS, slow, &nslow);
		x86_sse_rr(xb, X86_MOVAPS, 1, 0);
		jb_fp_operand(ctx, &f, 0, c, slow, &nslow);
	}
	jb_fp_arith(ctx, &f, sse[base], slow, &nslow);
	jv_put(ctx, r, 64, X86_RAX);
	uint8_t *done = x86_jmp32(xb, NULL);
	for (unsigned k = 0; k < nslow; k++)
		jb_label(ctx, slow[k]);
	jb_fop_call(ctx, op, a, b, c);
	jv_put(ctx, r, 64, X86_RAX);
	jb_label(ctx, done);
	return true;
}

/*
 * VCMP/VCMPE of two numbers that are not NaNs nor subnormals (FPSCR.FZ would
 * flush those): no exception flag can arise, ucomiss/ucomisd orders them,
 * and FPSCR.NZCV becomes 1000 (less), 0110 (equal) or 0010 (greater).
 */
static inline bool jb_fcmp_inline(struct jit_ctx *ctx, unsigned op, jv a, jv b, jv r)
{
	unsigned base = op & ~VFP_OP_DP, nslow = 0;
	bool dp = op & VFP_OP_DP;
	unsigned size = dp ? 64 : 32;
	uint8_t *slow[4];
	struct x86_buf *xb = &ctx->b;
	const jv ops[2] = { a, b };

	if (base != VFP_CMP && base != VFP_CMPE)
		return false;
	for (int k = 0; k < 2; k++) {
		/* zero, or a biased exponent in [1, emax - 1] */
		jv_load(ctx, X86_RAX, ops[k], size);
		x86_movd_xr(xb, size, k, X86_RAX);
		x86_mov_rr(xb, size, X86_RCX, X86_RAX);
		x86_alu_rr(xb, X86_ADD, size, X86_RCX, X86_RCX); /* drop the sign */
		uint8_t *zero = x86_jcc32(xb, X86_CC_E, NULL);
		x86_shift_ri(xb, X86_SHR, size, X86_RCX, (uint8_t)(dp ? 53 : 24));
		x86_alu_ri(xb, X86_SUB, 32, X86_RCX, 1);
		x86_alu_ri(xb, X86_CMP, 32, X86_RCX, dp ? 0x7fd : 0xfd);
		slow[nslow++] = x86_jcc32(xb, X86_CC_A, NULL);
		jb_label(ctx, zero);
	}
	x86_sse_rr(xb, dp ? X86_UCOMISD : X86_UCOMISS, 0, 1);
	x86_mov_ri(xb, 32, X86_RAX, 0x20000000u);
	x86_mov_ri(xb, 32, X86_RCX, 0x60000000u);
	x86_cmov_rr(xb, X86_CC_E, 32, X86_RAX, X86_RCX);
	x86_mov_ri(xb, 32, X86_RCX, 0x80000000u);
	x86_cmov_rr(xb, X86_CC_B, 32, X86_RAX, X86_RCX);
	x86_mov_rm(xb, 32, X86_RCX, JCPU(vfp.fpscr));
	x86_alu_ri(xb, X86_AND, 32, X86_RCX, (int32_t)~FPSCR_NZCV);
	x86_alu_rr(xb, X86_OR, 32, X86_RCX, X86_RAX);
	x86_mov_mr(xb, 32, JCPU(vfp.fpscr), X86_RCX);
	jv_put(ctx, r, 64, X86_RAX);
	uint8_t *done = x86_jmp32(xb, NULL);
	for (unsigned k = 0; k < nslow; k++)
		jb_label(ctx, slow[k]);
	jb_fop_call(ctx, op, a, b, jv_c(0));
	jv_put(ctx, r, 64, X86_RAX);
	jb_label(ctx, done);
	return true;
}

static inline jv jb_fop(struct jit_ctx *ctx, unsigned op, jv a, jv b, jv c)
{
	jv r = jv_slot(ctx);

	if (jb_fop_inline(ctx, op, a, b, c, r) || jb_fcmp_inline(ctx, op, a, b, r)) {
		/* both paths arrive with the result in rax */
		ctx->rax_at = x86_here(&ctx->b);
		ctx->rax_val = r;
		ctx->rax_val.ver = 64;
		return r;
	}
	jb_fop_call(ctx, op, a, b, c);
	jv_put(ctx, r, 64, X86_RAX);
	return r;
}

/* The ends. Each emits its exit; at depth 0 it also returns. */
static inline void jb_end_pc_exit(struct jit_ctx *ctx, int status)
{
	jb_set_pc(ctx, ctx->next_pc);
	jb_exit_it(ctx, (int)arm_it_advance(ctx->it));
	jb_exit(ctx, status);
	jb_exit_it(ctx, -1);
}

/* Leave for the block at r[15], which the instruction has just set: through
 * the exit's inline cache or the lookup stub (jit_indirect_exit) unless this
 * block must return to the dispatcher after each instruction. */
static inline void jb_exit_indirect(struct jit_ctx *ctx)
{
	if (ctx->key & JIT_KEY_SINGLE) {
		jb_exit(ctx, SEM_BRANCH);
		return;
	}
	jit_indirect_exit(ctx);
}

static inline void jb_branch(struct jit_ctx *ctx, jv t, bool bx)
{
	if (bx) {
		/* arm_bx_write_pc(): bit 0 selects the state, and the PC drops
		 * bit 0 (T32) or bits 1:0 (A32) */
		struct x86_buf *xb = &ctx->b;
		jv_load(ctx, X86_RAX, t, 32);
		x86_test_ri(xb, 32, X86_RAX, 1);
		uint8_t *arm = x86_jcc32(xb, X86_CC_E, NULL);
		x86_alu_ri(xb, X86_AND, 32, X86_RAX, (int32_t)~1u);
		x86_alu_mi(xb, X86_OR, 32, JCPU(cpsr), (int32_t)CPSR_T);
		uint8_t *set = x86_jmp32(xb, NULL);
		jb_label(ctx, arm);
		x86_alu_ri(xb, X86_AND, 32, X86_RAX, (int32_t)~3u);
		x86_alu_mi(xb, X86_AND, 32, JCPU(cpsr), (int32_t)~CPSR_T);
		jb_label(ctx, set);
		x86_mov_mr(xb, 32, JREG(15), X86_RAX);
	} else if (t.k == JV_PCREL) {
		jb_exit_it(ctx, 0);
		jit_chain_exit(ctx, (uint32_t)t.c & (ctx->thumb ? ~1u : ~3u),
			       ctx->key & (JIT_KEY_THUMB | JIT_KEY_KEPT), SEM_BRANCH);
		jb_exit_it(ctx, -1);
		return;
	} else {
		jv_load(ctx, X86_RAX, t, 32);
		x86_alu_ri(&ctx->b, X86_AND, 32, X86_RAX, (int32_t)(ctx->thumb ? ~1u : ~3u));
		x86_mov_mr(&ctx->b, 32, JREG(15), X86_RAX);
	}
	jb_exit_it(ctx, 0);
	jb_exit_indirect(ctx);
	jb_exit_it(ctx, -1);
}

/* Call a helper that takes an exception or replaces the PC, then leave. */
static inline void jb_helper_exit(struct jit_ctx *ctx, const void *fn, unsigned nargs, jv a, jv b,
				  int status)
{
	const jv args[] = { a, b };
	jb_call_then(ctx, fn, nargs, args, JB_LEAVE, status);
}

#define JB_END(kind, emit)                      \
	do {                                    \
		emit;                           \
		if (jb_end(ctx, (kind)))        \
			return (kind);          \
	} while (0)

#define B_END_NEXT()                              \
	do {                                      \
		if (jb_end(ctx, SEM_NEXT))        \
			return SEM_NEXT;          \
		jb_to_end(ctx, X86_CC_O, true);   \
	} while (0)
#define B_END_SYNC() JB_END(SEM_SYNC, jb_end_pc_exit(ctx, SEM_SYNC))
#define B_END_BRANCH(t) JB_END(SEM_BRANCH, jb_branch(ctx, (t), false))
#define B_END_BX(t) JB_END(SEM_BRANCH, jb_branch(ctx, (t), true))
#define B_END_ALU_PC(t) JB_END(SEM_BRANCH, jb_branch(ctx, (t), !ctx->thumb))
#define JB_HELPER_END(kind, fn, n, a, b) \
	JB_END(kind, jb_helper_exit(ctx, (const void *)(uintptr_t)(fn), (n), (a), (b), (kind)))
#define B_END_EXC_RETURN(t) JB_HELPER_END(SEM_XRET, jit_h_exc_return, 1, (t), jv_c(0))
#define B_END_RFE(t, psr) JB_HELPER_END(SEM_XRET, jit_h_rfe, 2, (t), (psr))
#define B_END_UNDEF() JB_HELPER_END(SEM_EXC, jit_h_undef, 1, jb_pc(ctx, 0), jv_c(0))
#define B_END_SVC() JB_HELPER_END(SEM_EXC, jit_h_svc, 1, jb_pc(ctx, 0), jv_c(0))
#define B_END_BKPT() JB_HELPER_END(SEM_EXC, jit_h_bkpt, 1, jb_pc(ctx, 0), jv_c(0))
#define B_END_WFI() JB_END(SEM_WFI, jb_end_pc_exit(ctx, SEM_WFI))
#define B_END_UNIMPL() JB_HELPER_END(SEM_STOP, jit_h_unimpl, 1, jb_pc(ctx, 0), jv_c(0))

#endif
