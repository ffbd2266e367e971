/*
 * The builder interface: the vocabulary in which the instruction semantics
 * (engine/arch/arm/sem.c.inc) are written once and compiled by each exec
 * strategy. An instantiation defines every B_* name below and then includes
 * sem.c.inc:
 *   - the interpreter (plugins/exec-interp/engine/interp_builder.h): each
 *     operation computes at once on uint32_t values; static inline, no
 *     function pointers; the semantic functions are specialised per op and
 *     inlined into the dispatch switch;
 *   - a JIT: each operation appends IR for one guest instruction, folding
 *     constants as it goes (B_C values are constants; an op on constants
 *     yields a constant).
 *
 * Two kinds of data appear in the semantics, and the difference is the whole
 * contract:
 *   static   fields of the decoded record (struct arm_insn) and C values
 *            computed from them. Known when the instruction is translated, so
 *            plain C `if`/`switch`/`for` on them is allowed anywhere.
 *   dynamic  b_val / b_val64: guest values known only when the instruction
 *            runs. Produced and consumed only by B_* operations; never tested
 *            with C control flow; a conditional on one is written
 *            B_IF(c) ... [B_ELSE ...] B_ENDIF, and a value assigned on one
 *            side of a B_IF and used after it must be a B_VAR set with B_SET.
 *
 * Context: each semantic function is declared
 *     B_FN int sem_xxx(B_CTX, const struct arm_insn *i)
 * and passes the context on as B_CTXA. It ends by evaluating exactly one of
 * the B_END_* operations below, which return from it.
 *
 * Values (b_val is 32-bit, b_val64 is 64-bit; every op is total):
 *   B_C(x)                constant
 *   B_ADD B_SUB B_MUL B_AND B_OR B_XOR (a, b), B_NOT(a), B_NEG(a)
 *   B_SHL B_SHR B_SAR (a, s)  shift by a dynamic amount 0..2^32-1: an amount
 *                         >= 32 gives 0, 0 and the sign fill respectively
 *   B_ROR(a, s)           rotate right by s mod 32
 *   B_SHLI B_SHRI B_SARI (a, n)  shift by a static n, 0 < n < 32
 *   B_EQ B_NE B_LTU B_LEU B_LTS B_GTS (a, b)  comparisons, 1 or 0
 *   B_SEL(c, a, b)        c != 0 ? a : b
 *   B_CLZ B_BSWAP B_RBIT B_SEXT8 B_SEXT16 (a)
 *   B_MULU64 B_MULS64 (a, b)  full 32x32->64 products
 *   B_ADD64 B_SUB64 (x, y), B_ZX64 B_SX64 (a), B_CAT64(hi, lo), B_LO B_HI (x)
 *
 * Flags (NZCV are architectural state, Q is sticky):
 *   B_FLAG_C()            C as 0/1
 *   B_SET_NZ(r)           N = r[31], Z = (r == 0)
 *   B_SET_NZ64(x)         N = x[63], Z = (x == 0)
 *   B_SET_C(c)            C = c (0/1)
 *   B_SET_NZCV(v)         NZCV = v[31:28]
 *   B_ADCS(a, b, cin)     a + b + cin, setting NZCV as an ADD does
 *   B_SBCS(a, b, cin)     a - b - !cin (= a + ~b + cin), setting NZCV
 *   B_OR_Q(c)             Q |= c (0/1)
 *   B_SET_GE(v)           CPSR.GE[3:0] = v[3:0] (parallel add/subtract)
 *
 * Registers (n static):
 *   B_R(n)                r0..r15 of the current mode; r15 reads as the
 *                         instruction's address + 8 (A32) or + 4 (T32)
 *   B_W(n, v)             write r0..r14 (a PC write is a B_END_* below)
 *   B_RU(n) B_WU(n, v)    User-mode r0..r14 whatever the mode (LDM/STM ^)
 *   B_PC()                this instruction's address
 *   B_VAR(x) / B_SET(x, v)  a mutable dynamic variable
 *
 * Memory (the access may fault: the abort is taken and the semantic function
 * returns; so every architectural write must come after the last access
 * that can fault, which is what makes instructions restartable):
 *   B_LD(dst, addr, size, fl)   zero-extended load of 1, 2 or 4 bytes
 *   B_ST(addr, v, size, fl)     store of the low size bytes of v
 *   B_PROBE_ST(addr, len, fl)   fault now if a store to [addr, addr+len)
 *                               would fault (alignment checked as for 4)
 *   B_CHECK_ALIGN(addr, n, write)  alignment fault unless addr % n == 0
 *   fl: B_MEM_USER (unprivileged access: LDRT/STRT) and B_MEM_STRICT
 *   (alignment fault when addr % size != 0 whatever SCTLR.A says: LDM/STM,
 *   LDRD/STRD, exclusives, SWP, SRS/RFE); other accesses fault when
 *   misaligned only under SCTLR.A.
 *   Data are little-endian unless CPSR.E is set (SETEND BE, or an SPSR with
 *   E restored): then B_LD and B_ST reverse the bytes of each access of 2 or
 *   4 bytes, so a value is always what the big-endian memory order means. A
 *   wider transfer is made of such accesses (which word of a doubleword goes
 *   first is the semantics' business). SETEND ends the block, so a JIT may
 *   treat E as fixed within one.
 *
 * System state (a JIT calls the core's helpers for these):
 *   B_CPSR()                   the full CPSR
 *   B_DATA_BE()                CPSR.E as 1/0 (data big-endian; fixed within a
 *                              block, see B_LD)
 *   B_CPSR_WRITE_INSTR(v, m)   MSR CPSR, m = byte mask (static)
 *   B_CPSR_WRITE_RAW(v, mask)  CPSR bits in mask (static) from v (CPS)
 *   B_SPSR() B_SPSR_WRITE_INSTR(v, m)
 *   B_HAVE_SPSR() B_IS_PRIV()  1/0: mode has an SPSR / is not User
 *   B_BANKED_SP(mode) B_BANKED_SP_WRITE(mode, v)   (mode static)
 *   B_CP15_READ(dst) B_CP15_WRITE(v)   MRC/MCR of the instruction's raw
 *                              encoding; take UNDEF themselves when the
 *                              register does not exist for this mode
 *   B_EXCL_SET(addr) B_EXCL_PASS(addr) B_EXCL_CLEAR()   local monitor
 *   B_VFP_ENABLED()            1/0: CPACR lets this mode use CP10/CP11
 *   B_VFP_CHECKED() B_VFP_CHECK_DONE()   (static) whether CheckVFPEnabled
 *                              has already passed on every path to here in
 *                              this run of straight-line code, and noting
 *                              that it just did: an interpreter answers
 *                              false and notes nothing; a JIT answers within
 *                              one block (FPEXC and CPACR writes end it)
 *
 * VFP (arm/vfp.h; n static; the arithmetic is a call of a plain C helper,
 * which a JIT emits as a call):
 *   B_S(n) B_S_W(n, v)         single-precision register Sn as a b_val
 *   B_D(n) B_D_W(n, x)         double register Dn as a b_val64
 *   B_FPSCR() B_FPEXC()        the registers (FPSCR with its NZCV)
 *   B_FPSCR_WRITE(v) B_FPEXC_WRITE(v)  VMSR: only the writable bits change
 *   B_FOP(op, a, b, c)         b_val64 vfp_fop(&vfp, op, a, b, c): one
 *                              floating-point operation (op static) under the
 *                              current FPSCR; the helper accumulates FPSCR's
 *                              exception flags (and sets NZCV for compares)
 *   B_FVEC(op, d, n, m, imm)   vfp_short_vector(&vfp, ...), all arguments
 *                              static: a whole short-vector operation
 *   B_SET_ITSTATE(it)          ITSTATE = it (static; the IT instruction)
 *
 * IT blocks are the exec strategy's business, not the semantics': inside
 * one (ITSTATE != 0, T32 only) it runs each instruction under the condition
 * ITSTATE[7:4] instead of the record's, on the record as arm_t32_in_it()
 * rewrites it (BKPT runs unconditionally), and afterwards sets ITSTATE to
 * ITAdvance() of it on SEM_NEXT/SYNC/WFI, to 0 on SEM_BRANCH (a taken
 * branch ends the block), and leaves it alone on SEM_EXC/XRET/STOP (the
 * exception entry saved the ITSTATE of the faulting instruction, or of the
 * next one for SVC; an exception return restored the SPSR's).
 *
 * End of the instruction (each returns from the semantic function):
 *   B_END_NEXT()          continue with the next instruction
 *   B_END_SYNC()          next instruction, but end the block: state that
 *                         translation or IRQ sampling depends on changed
 *   B_END_BRANCH(t)       PC = t (BranchWritePC)
 *   B_END_BX(t)           BXWritePC: bit 0 selects Thumb
 *   B_END_ALU_PC(t)       ALUWritePC: as BX in A32, as BRANCH in T32
 *   B_END_EXC_RETURN(t)   CPSR = SPSR, then PC = t (SEM_XRET)
 *   B_END_RFE(t, cpsr)    CPSR = cpsr, then PC = t (SEM_XRET)
 *   B_END_UNDEF()         the undefined-instruction exception
 *   B_END_SVC()           supervisor call
 *   B_END_BKPT()          prefetch abort (debug event, as an A9 without a
 *                         debugger attached reports BKPT)
 *   B_END_WFI()           wait for interrupt, then the next instruction
 *   B_END_UNIMPL()        stop the engine: valid but not implemented
 */
#ifndef ARM_BUILDER_H
#define ARM_BUILDER_H

/* How an instruction ended, as the interpreter sees it (a JIT ends its
 * block on anything but SEM_NEXT). */
enum sem_end {
	SEM_NEXT = 0,	/* fall through */
	SEM_SYNC,	/* fall through, end of block */
	SEM_BRANCH,	/* r[15] holds the new PC */
	SEM_EXC,	/* an exception was taken: r[15] is the vector */
	SEM_WFI,	/* fall through after waiting for an interrupt */
	SEM_STOP,	/* the engine must stop (exit already set) */
	SEM_XRET,	/* exception return: CPSR and r[15] replaced */
};

#define B_MEM_USER 1u
#define B_MEM_STRICT 2u

#endif
