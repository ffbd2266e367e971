/*
 * The interpreter's instantiation of the builder interface (arm/builder.h):
 * every operation computes at once on plain integers, the semantic functions
 * are always_inline and called with constant op/form arguments, so the
 * dispatch switch gets one specialised body per decoded op. Included once,
 * by interp.c, right before arm/sem.c.inc.
 */
#ifndef INTERP_BUILDER_H
#define INTERP_BUILDER_H

#include "engine/engine.h"
#include "engine/mmu.h"
#include "arm/builder.h"
#include "arm/cpu.h"
#include "arm/decode.h"

#define INTERP_INLINE inline __attribute__((always_inline))
#define INTERP_COLD __attribute__((noinline, cold))

typedef uint32_t b_val;
typedef uint64_t b_val64;

#define B_FN INTERP_INLINE
#define B_CTX struct arm_cpu *cpu
#define B_CTXA cpu

/* Slow paths, out of line so the dispatch loop stays small. */
int interp_undef(struct arm_cpu *cpu, const struct arm_insn *i) INTERP_COLD;
int interp_unimpl(struct arm_cpu *cpu, const struct arm_insn *i) INTERP_COLD;
int interp_abort(struct arm_cpu *cpu, const struct arm_insn *i, uint32_t fsr, uint32_t addr,
		 bool write) INTERP_COLD;
int interp_svc(struct arm_cpu *cpu, const struct arm_insn *i) INTERP_COLD;
int interp_bkpt(struct arm_cpu *cpu, const struct arm_insn *i) INTERP_COLD;

static INTERP_INLINE uint32_t interp_insn_addr(const struct arm_cpu *cpu, const struct arm_insn *i)
{
	return cpu->r[15] - ((i->flags & ARM_F_THUMB) ? 4u : 8u);
}

static INTERP_INLINE uint32_t interp_shl(uint32_t a, uint32_t s)
{
	return s < 32 ? a << s : 0;
}

static INTERP_INLINE uint32_t interp_shr(uint32_t a, uint32_t s)
{
	return s < 32 ? a >> s : 0;
}

static INTERP_INLINE uint32_t interp_sar(uint32_t a, uint32_t s)
{
	return (uint32_t)((int32_t)a >> (s < 32 ? s : 31));
}

static INTERP_INLINE uint32_t interp_ror(uint32_t a, uint32_t s)
{
	s &= 31;
	return s ? (a >> s) | (a << (32 - s)) : a;
}

static INTERP_INLINE uint32_t interp_rbit(uint32_t v)
{
	v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
	v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
	v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
	return __builtin_bswap32(v);
}

static INTERP_INLINE uint32_t interp_adcs(struct arm_cpu *cpu, uint32_t a, uint32_t b, uint32_t cin)
{
	uint64_t w = (uint64_t)a + b + cin;
	uint32_t r = (uint32_t)w;

	cpu->nf = cpu->zf = r;
	cpu->cf = (uint32_t)(w >> 32);
	cpu->vf = (a ^ r) & (b ^ r);
	return r;
}

/* MMU_SLOW while the instruction being executed is one exec_note_slow_access()
 * remembered (set per instruction in pages that have one), else 0. */
static unsigned interp_slow_hint;

/* The flags of a data access beside its kind: privilege and the io hint. */
static INTERP_INLINE unsigned interp_user(const struct arm_cpu *cpu, unsigned fl)
{
	return ((fl & B_MEM_USER) ? MMU_USER : cpu->mem_user) | interp_slow_hint;
}

static INTERP_INLINE bool interp_misaligned(const struct arm_cpu *cpu, uint32_t addr, unsigned size,
					    unsigned fl)
{
	return size > 1 && (addr & (size - 1)) &&
	       ((fl & B_MEM_STRICT) || (cpu->cp15.sctlr & SCTLR_A));
}

static INTERP_INLINE int interp_ld(struct arm_cpu *cpu, const struct arm_insn *i, uint32_t addr,
				   unsigned size, unsigned fl, uint32_t *out)
{
	struct arm_fault f;

	if (__builtin_expect(interp_misaligned(cpu, addr, size, fl), 0))
		return interp_abort(cpu, i, FSR_ALIGNMENT, addr, false);
	if (__builtin_expect(mmu_read(cpu, addr, size, out, MMU_READ | interp_user(cpu, fl), &f), 0))
		return interp_abort(cpu, i, f.fsr, f.addr, false);
	*out = arm_data_endian(cpu, *out, size);
	return 0;
}

static INTERP_INLINE int interp_st(struct arm_cpu *cpu, const struct arm_insn *i, uint32_t addr,
				   uint32_t val, unsigned size, unsigned fl)
{
	struct arm_fault f;

	if (__builtin_expect(interp_misaligned(cpu, addr, size, fl), 0))
		return interp_abort(cpu, i, FSR_ALIGNMENT, addr, true);
	val = arm_data_endian(cpu, val, size);
	if (__builtin_expect(mmu_write(cpu, addr, size, val, MMU_WRITE | interp_user(cpu, fl), &f), 0))
		return interp_abort(cpu, i, f.fsr, f.addr, true);
	return 0;
}

static INTERP_INLINE int interp_probe(struct arm_cpu *cpu, const struct arm_insn *i, uint32_t addr,
				      uint32_t len, unsigned fl)
{
	struct arm_fault f;

	if (__builtin_expect(interp_misaligned(cpu, addr, 4, fl), 0))
		return interp_abort(cpu, i, FSR_ALIGNMENT, addr, true);
	if (__builtin_expect(mmu_probe(cpu, addr, len, MMU_WRITE | interp_user(cpu, fl), &f), 0))
		return interp_abort(cpu, i, f.fsr, f.addr, true);
	return 0;
}

static INTERP_INLINE int interp_bx(struct arm_cpu *cpu, uint32_t t)
{
	arm_bx_write_pc(cpu, t);
	return SEM_BRANCH;
}

static INTERP_INLINE bool interp_vfp_enabled(const struct arm_cpu *cpu)
{
	unsigned acc = (cpu->cp15.cpacr >> 20) & 3;
	return acc == 3 || (acc == 1 && !cpu->mem_user);
}

#define B_C(x) ((uint32_t)(x))
#define B_ADD(a, b) ((uint32_t)((a) + (b)))
#define B_SUB(a, b) ((uint32_t)((a) - (b)))
#define B_MUL(a, b) ((uint32_t)((a) * (b)))
#define B_AND(a, b) ((uint32_t)((a) & (b)))
#define B_OR(a, b) ((uint32_t)((a) | (b)))
#define B_XOR(a, b) ((uint32_t)((a) ^ (b)))
#define B_NOT(a) ((uint32_t)~(a))
#define B_NEG(a) ((uint32_t)-(a))
#define B_SHL(a, s) interp_shl((a), (s))
#define B_SHR(a, s) interp_shr((a), (s))
#define B_SAR(a, s) interp_sar((a), (s))
#define B_ROR(a, s) interp_ror((a), (s))
#define B_SHLI(a, n) ((uint32_t)((a) << (n)))
#define B_SHRI(a, n) ((uint32_t)((a) >> (n)))
#define B_SARI(a, n) ((uint32_t)((int32_t)(a) >> (n)))
#define B_EQ(a, b) ((uint32_t)((a) == (b)))
#define B_NE(a, b) ((uint32_t)((a) != (b)))
#define B_LTU(a, b) ((uint32_t)((a) < (b)))
#define B_LEU(a, b) ((uint32_t)((a) <= (b)))
#define B_LTS(a, b) ((uint32_t)((int32_t)(a) < (int32_t)(b)))
#define B_GTS(a, b) ((uint32_t)((int32_t)(a) > (int32_t)(b)))
#define B_SEL(c, a, b) ((c) ? (a) : (b))
#define B_CLZ(a) ((a) ? (uint32_t)__builtin_clz(a) : 32u)
#define B_BSWAP(a) __builtin_bswap32(a)
#define B_RBIT(a) interp_rbit(a)
#define B_SEXT8(a) ((uint32_t)(int32_t)(int8_t)(a))
#define B_SEXT16(a) ((uint32_t)(int32_t)(int16_t)(a))
#define B_MULU64(a, b) ((uint64_t)(a) * (uint64_t)(b))
#define B_MULS64(a, b) ((uint64_t)((int64_t)(int32_t)(a) * (int64_t)(int32_t)(b)))
#define B_ADD64(x, y) ((uint64_t)((x) + (y)))
#define B_SUB64(x, y) ((uint64_t)((x) - (y)))
#define B_ZX64(a) ((uint64_t)(uint32_t)(a))
#define B_SX64(a) ((uint64_t)(int64_t)(int32_t)(a))
#define B_CAT64(hi, lo) (((uint64_t)(hi) << 32) | (uint32_t)(lo))
#define B_LO(x) ((uint32_t)(x))
#define B_HI(x) ((uint32_t)((x) >> 32))

#define B_FLAG_C() (cpu->cf)
#define B_SET_NZ(r) do { uint32_t _r = (r); cpu->nf = cpu->zf = _r; } while (0)
#define B_SET_NZ64(x)                                                  \
	do {                                                           \
		uint64_t _x = (x);                                     \
		cpu->nf = (uint32_t)(_x >> 32);                        \
		cpu->zf = (uint32_t)(_x >> 32) | (uint32_t)_x;         \
	} while (0)
#define B_SET_C(c) (cpu->cf = (c))
#define B_SET_NZCV(v) arm_flags_set_nzcv(cpu, (v))
#define B_ADCS(a, b, cin) interp_adcs(cpu, (a), (b), (cin))
#define B_SBCS(a, b, cin) interp_adcs(cpu, (a), ~(uint32_t)(b), (cin))
#define B_OR_Q(c) (cpu->cpsr |= (uint32_t)(c) << 27)
#define B_SET_GE(v) (cpu->cpsr = (cpu->cpsr & ~CPSR_GE) | (((uint32_t)(v) & 0xfu) << 16))

#define B_R(n) (cpu->r[n])
#define B_W(n, v) (cpu->r[n] = (v))
#define B_RU(n) arm_user_reg_read(cpu, (n))
#define B_WU(n, v) arm_user_reg_write(cpu, (n), (v))
#define B_PC() interp_insn_addr(cpu, i)
#define B_VAR(x) uint32_t x
#define B_SET(x, v) ((x) = (v))

#define B_IF(c) if (c) {
#define B_ELSE } else {
#define B_ENDIF }

#define B_LD(dst, addr, size, fl)                                          \
	do {                                                               \
		if (interp_ld(cpu, i, (addr), (size), (fl), &(dst)))       \
			return SEM_EXC;                                    \
	} while (0)
#define B_ST(addr, v, size, fl)                                            \
	do {                                                               \
		if (interp_st(cpu, i, (addr), (v), (size), (fl)))          \
			return SEM_EXC;                                    \
	} while (0)
#define B_PROBE_ST(addr, len, fl)                                          \
	do {                                                               \
		if (interp_probe(cpu, i, (addr), (len), (fl)))             \
			return SEM_EXC;                                    \
	} while (0)
#define B_CHECK_ALIGN(addr, n, write)                                          \
	do {                                                                   \
		uint32_t _a = (addr);                                          \
		if (_a & ((n) - 1u))                                           \
			return interp_abort(cpu, i, FSR_ALIGNMENT, _a, (write)); \
	} while (0)

#define B_CPSR() arm_cpsr_read(cpu)
#define B_DATA_BE() ((cpu->cpsr & CPSR_E) ? 1u : 0u)
#define B_CPSR_WRITE_INSTR(v, m) arm_cpsr_write_instr(cpu, (v), (m))
#define B_CPSR_WRITE_RAW(v, mask) arm_cpsr_write(cpu, (v), (mask))
#define B_SPSR() (cpu->bank_spsr[cpu->bank])
#define B_SPSR_WRITE_INSTR(v, m) arm_spsr_write_instr(cpu, (v), (m))
#define B_HAVE_SPSR() ((uint32_t)arm_have_spsr(cpu))
#define B_IS_PRIV() ((uint32_t)(cpu->mem_user == 0))
#define B_BANKED_SP(mode) arm_banked_sp_read(cpu, (mode))
#define B_BANKED_SP_WRITE(mode, v) arm_banked_sp_write(cpu, (mode), (v))
#define B_CP15_READ(dst)                                        \
	do {                                                    \
		if (arm_cp15_read(cpu, i->raw, &(dst)))         \
			return interp_undef(cpu, i);            \
	} while (0)
#define B_CP15_WRITE(v)                                         \
	do {                                                    \
		if (arm_cp15_write(cpu, i->raw, (v)) < 0)       \
			return interp_undef(cpu, i);            \
	} while (0)
#define B_EXCL_SET(addr) (cpu->excl_addr = (addr), cpu->excl_valid = 1)
#define B_EXCL_PASS(addr) ((uint32_t)(cpu->excl_valid && cpu->excl_addr == (addr)))
#define B_EXCL_CLEAR() (cpu->excl_valid = 0)
#define B_VFP_ENABLED() ((uint32_t)interp_vfp_enabled(cpu))
#define B_VFP_CHECKED() false
#define B_VFP_CHECK_DONE() ((void)0)
#define B_SET_ITSTATE(it) (cpu->cpsr = arm_cpsr_with_it(cpu->cpsr, (it)))
#define B_S(n) vfp_s_read(&cpu->vfp, (n))
#define B_S_W(n, v) vfp_s_write(&cpu->vfp, (n), (v))
#define B_D(n) (cpu->vfp.d[n])
#define B_D_W(n, x) (cpu->vfp.d[n] = (x))
#define B_FPSCR() (cpu->vfp.fpscr)
#define B_FPEXC() (cpu->vfp.fpexc)
#define B_FPSCR_WRITE(v) (cpu->vfp.fpscr = (v) & FPSCR_WRITABLE)
#define B_FPEXC_WRITE(v) (cpu->vfp.fpexc = (v) & FPEXC_WRITABLE)
#define B_FOP(op, a, b, c) vfp_fop(&cpu->vfp, (op), (a), (b), (c))
#define B_FVEC(op, d, n, m, imm) vfp_short_vector(&cpu->vfp, (op), (d), (n), (m), (imm))

#define B_END_NEXT() return SEM_NEXT
#define B_END_SYNC() return SEM_SYNC
#define B_END_BRANCH(t)                                                               \
	do {                                                                          \
		cpu->r[15] = (t) & ((i->flags & ARM_F_THUMB) ? ~1u : ~3u);            \
		return SEM_BRANCH;                                                    \
	} while (0)
#define B_END_BX(t) return interp_bx(cpu, (t))
#define B_END_ALU_PC(t)                                                               \
	do {                                                                          \
		if (i->flags & ARM_F_THUMB)                                           \
			B_END_BRANCH(t);                                              \
		return interp_bx(cpu, (t));                                           \
	} while (0)
#define B_END_EXC_RETURN(t)                                                           \
	do {                                                                          \
		arm_exception_return(cpu, (t));                                       \
		return SEM_XRET;                                                      \
	} while (0)
#define B_END_RFE(t, psr)                                                             \
	do {                                                                          \
		uint32_t _t = (t);                                                    \
		arm_cpsr_write(cpu, (psr), 0xffffffffu);                              \
		cpu->r[15] = _t & ((cpu->cpsr & CPSR_T) ? ~1u : ~3u);                 \
		return SEM_XRET;                                                      \
	} while (0)
#define B_END_UNDEF() return interp_undef(cpu, i)
#define B_END_SVC() return interp_svc(cpu, i)
#define B_END_BKPT() return interp_bkpt(cpu, i)
#define B_END_WFI() return SEM_WFI
#define B_END_UNIMPL() return interp_unimpl(cpu, i)

#endif
