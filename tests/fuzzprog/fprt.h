/*
 * Runtime of the random guest programs (tests/fuzzprog/): the memory map the
 * generator (gen.py, which repeats these numbers) and the runtime share, and
 * the SVC services the runtime offers to the generated code.
 *
 * Physical map (MMU off, or the identity sections with it on):
 *
 *   0x60010000  code: the runtime, then the generated program
 *   0x60100000  SCRATCH_A: 4 KiB of data the program loads and stores (r7
 *               points at its middle), then 4 KiB of stack (sp is reset to
 *               STACK_RESET by the pieces that push and pop)
 *   0x60200000  SCRATCH_B: 4 KiB that the remappable alias can point at
 *   0x60300000  the first-level table, then the second-level one
 *   0x60400000  stacks of the exception modes
 *
 * The checksum printed at every exception entry covers SCRATCH_A (8 KiB,
 * data and stack) and SCRATCH_B (4 KiB).
 *
 * Virtual aliases (MMU on; each 1 MiB section, only the first 4 KiB used):
 *
 *   VA_ALIAS    read/write, to SCRATCH_A or SCRATCH_B (SVC_REMAP moves it)
 *   VA_RO       SCRATCH_A, read-only at every level (stores: permission fault)
 *   VA_PRIV     SCRATCH_A, privileged only (user accesses, LDRT/STRT: fault)
 *   VA_DOM1     SCRATCH_B in domain 1 (SVC_DACR toggles client / no access)
 *   VA_NONE     no mapping (translation fault, data or prefetch)
 *   VA_XN       the code section, execute-never (prefetch abort)
 *   VA_PAGES    a coarse table: page 0 -> SCRATCH_B, 1 -> SCRATCH_A,
 *               2 -> none (page translation fault), 3 -> SCRATCH_A read-only,
 *               4 -> the code page that ends with fp_straddle's first part
 *               (when the program has one), 5 -> none: code run there
 *               falls off the page, or straddles it with a 32-bit T32
 *               instruction, into a prefetch abort
 *   VA_EXEC     the code section again, executable: functions called there
 *               run the same physical code at another address
 */
#ifndef FUZZPROG_FPRT_H
#define FUZZPROG_FPRT_H

#define FP_CODE 0x60010000u
#define FP_SCRATCH_A 0x60100000u
#define FP_STACK_RESET 0x60101400u
#define FP_SCRATCH_B 0x60200000u
#define FP_L1 0x60300000u
#define FP_L2 0x60304000u
#define FP_EXC_STACKS 0x60400000u

#define FP_VA_ALIAS 0x70000000u
#define FP_VA_RO 0x70100000u
#define FP_VA_PRIV 0x70200000u
#define FP_VA_DOM1 0x70300000u
#define FP_VA_NONE 0x70400000u
#define FP_VA_XN 0x70500000u
#define FP_VA_PAGES 0x70600000u
#define FP_VA_EXEC 0x70700000u

/*
 * SVC immediates below 0x10 only dump the state; the services run after the
 * dump, and the state they change is dumped at the next exception.
 */
#define FP_SVC_SMC 0x10u    /* clean D to PoU by r12's address, ICIALLU, BPIALL */
#define FP_SVC_ALIGN 0x11u  /* toggle SCTLR.A */
#define FP_SVC_DACR 0x12u   /* toggle domain 1 between client and no access */
#define FP_SVC_REMAP 0x13u  /* VA_ALIAS to the other scratch, then TLBIMVA */
#define FP_SVC_REMAPA 0x14u /* the same, then TLBIALL */
#define FP_SVC_MMU 0x15u    /* toggle SCTLR.M (the RAM map is the identity) */
#define FP_SVC_END 0xFFu    /* the final dump, then power off */

/* Exception kinds: the vector number of each. */
#define FP_EXC_UND 1
#define FP_EXC_SVC 2
#define FP_EXC_PABT 3
#define FP_EXC_DABT 4
#define FP_EXC_RESERVED 5
#define FP_EXC_IRQ 6
#define FP_EXC_FIQ 7

#endif
