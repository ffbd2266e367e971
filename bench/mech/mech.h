/*
 * Shared part of the mechanism benchmarks (bench/mech/): the console markers
 * the harness times, the iteration count, an identity-mapped MMU set-up, GIC
 * set-up and the loops written in assembly (loops.S, branches.S).
 *
 * Every program prints, in this order and nothing else:
 *
 *   mech NAME start                 just before its timed loop
 *   mech end                        just after it
 *   mech NAME: iters N checksum X   the work done, so a wrong result shows
 *
 * The host times the loop from the moments the start and end lines arrive;
 * nothing printed depends on time, so QEMU's output is the expected output.
 */
#ifndef MECH_H
#define MECH_H

#include "rt.h"

/*
 * Iterations: a program's default scaled by MECH_SCALE percent, or MECH_ITERS
 * for every program when the build sets it (bench/Makefile's knobs).
 */
#ifndef MECH_SCALE
#define MECH_SCALE 100
#endif
#ifdef MECH_ITERS
#define MECH_N(def) ((uint32_t)(MECH_ITERS))
#else
#define MECH_N_SCALED(def) (((uint64_t)(def) * (MECH_SCALE) + 99u) / 100u)
/* Clamped to what a 32-bit counter holds; the count printed is the count run. */
#define MECH_N(def) \
	((uint32_t)(MECH_N_SCALED(def) > 0xFFFFFFFFu ? 0xFFFFFFFFu : MECH_N_SCALED(def)))
#endif

/* Print the start marker; call it right before the timed loop. */
void mech_start(const char *name);
/* Print the end marker, then the iteration count and the checksum. */
void mech_end(const char *name, uint32_t iters, uint32_t checksum);

/*
 * Run a code-layout loop (branches.S) between the markers: steps rounded to
 * whole passes of per_pass steps, at least one pass.
 */
void mech_run_passes(const char *name, uint32_t steps, uint32_t per_pass,
		     uint32_t (*loop)(uint32_t passes));

/* A cheap order-sensitive mix for checksums computed in C. */
static inline uint32_t mech_mix(uint32_t sum, uint32_t v)
{
	return ((sum << 5) | (sum >> 27)) + v;
}

/* ---- MMU (short-descriptor, TTBR0 only, domain 0 client) ---------------- */

#define MECH_L1_SECTION 0x2u
#define MECH_L1_COARSE 0x1u
#define MECH_L1_XN (1u << 4)
#define MECH_L2_SMALL 0x2u
#define MECH_L2_XN 0x1u
#define MECH_L2_NG (1u << 11)

/* Normal memory, write-back, full access (AP = 3), for sections and small pages. */
#define MECH_SECT_RAM (MECH_L1_SECTION | (1u << 2) | (1u << 3) | (3u << 10))
#define MECH_PAGE_RAM (MECH_L2_SMALL | (1u << 2) | (1u << 3) | (3u << 4))

/* RAM below this address holds the program; the rest is free for the benchmarks. */
#define MECH_FREE_RAM 0x64000000u

/*
 * Fill l1 (16 KiB aligned) with the identity map: RAM as write-back sections,
 * the device ranges as device memory, execute-never, privileged only.
 */
void mech_l1_identity(uint32_t *l1);
/*
 * Point the 1 MiB section at va of l1 to the coarse table l2 (1 KiB aligned)
 * filled with identity small pages of page_bits (MECH_PAGE_RAM, possibly with
 * MECH_L2_NG or MECH_L2_XN).
 */
void mech_l2_identity(uint32_t *l1, uint32_t *l2, uint32_t va, uint32_t page_bits);
/* TTBR0 = l1, CONTEXTIDR = asid, DACR domain 0 client, TLBIALL, SCTLR.M = 1. */
void mech_mmu_on(const uint32_t *l1, uint32_t asid);
void mech_mmu_off(void);

static inline void mech_dsb_isb(void)
{
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* ---- GIC ------------------------------------------------------------------ */

/* Enable the distributor and CPU interface with interrupt irq enabled. */
void mech_gic_init(uint32_t irq);

/* ---- assembly loops (loops.S, branches.S): each returns its checksum ----- */

uint32_t mech_exc_return_loop(uint32_t n);
uint32_t mech_svc_loop(uint32_t n);
uint32_t mech_undef_loop(uint32_t n);
uint32_t mech_dabt_loop(uint32_t n, uint32_t bad_va);
uint32_t mech_pabt_loop(uint32_t n, uint32_t xn_va);
uint32_t mech_sgi_loop(uint32_t n, volatile uint32_t *count);
uint32_t mech_mem_loop(uint32_t n, uint32_t *buf, uint32_t words);
uint32_t mech_cold_loop(uint32_t n, uint32_t base, uint32_t pages);
uint32_t mech_ldrt_loop(uint32_t n, uint32_t *buf, uint32_t words);
uint32_t mech_device_loop(uint32_t n, uint32_t addr);
uint32_t mech_cp15_loop(uint32_t n);
uint32_t mech_smc_data_loop(uint32_t n);
uint32_t mech_block_small_loop(uint32_t n);
uint32_t mech_block_large_loop(uint32_t n);
uint32_t mech_br_direct_page_loop(uint32_t n);
uint32_t mech_br_direct_xpage_loop(uint32_t n);
uint32_t mech_br_indirect_page_loop(uint32_t n);
uint32_t mech_br_indirect_xpage_loop(uint32_t n);

/* Vector table whose SVC entry returns at once (loops.S). */
extern const uint32_t mech_fast_vectors[];

/* Instructions per pass of the block and branch loops (branches.S). */
#define MECH_SMALL_BLOCKS 64u
#define MECH_LARGE_BLOCK 1000u
#define MECH_BR_SLOTS 64u

#endif
