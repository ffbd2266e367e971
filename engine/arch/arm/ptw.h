/*
 * The ARMv7-A short-descriptor translation table walker (VMSAv7 without LPAE
 * or the Security Extensions, as a Cortex-A9 has it). Shared by every mmu
 * strategy: it knows page tables, never a TLB.
 *
 * A translation is done in two steps so that a TLB can cache the first and
 * repeat the second on every hit:
 *   ptw_walk()  reads the tables for va: what maps it, at which size, in which
 *               domain, with which client-domain permissions. It reports the
 *               faults that belong to the tables themselves (external abort on
 *               the walk, translation, access flag).
 *   ptw_check() applies DACR and the privilege/kind of one access to a walk
 *               result (domain and permission faults).
 * Faults follow the ARM ARM's priority: walk abort > translation > access flag
 * > domain > permission. QEMU checks the domain before the second-level
 * descriptor and before the access flag, so for a page in a no-access domain
 * whose second-level entry is invalid (or whose AF is clear) it reports a
 * domain fault where we report a translation (or access flag) fault.
 */
#ifndef ARM_PTW_H
#define ARM_PTW_H

#include "captive/types.h"
#include "arm/cp15.h"
#include "engine/mmu.h"

/* Permission bit of an access: indexed by its MMU_* flags (kind | MMU_USER),
 * so privileged read/write/fetch are bits 0-2 and user ones bits 4-6. */
#define PTW_PERM(flags) (1u << ((flags) & 7u))
#define PTW_PERM_ALL 0x77u

/* External abort on the translation table walk (FS codes; cp15.h lists the rest). */
#define FSR_WALK_EXTERNAL_L1 0x0cu
#define FSR_WALK_EXTERNAL_L2 0x0eu

/* Which descriptor produced a translation: selects section or page fault codes. */
enum ptw_level {
	PTW_FLAT = 0,	 /* SCTLR.M clear: identity, no checks */
	PTW_SECTION = 1, /* first level: section or supersection */
	PTW_PAGE = 2,	 /* second level: small or large page */
};

struct ptw_result {
	gpa_t pa;	   /* physical address of the walked va */
	uint8_t size_log2; /* 12, 16, 20 or 24: the size the descriptor maps */
	uint8_t level;	   /* enum ptw_level */
	uint8_t domain;	   /* 0..15 (supersections: 0) */
	uint8_t perms;	   /* PTW_PERM bits a client domain grants */
	bool global;	   /* nG clear (or MMU off): matches every ASID */
	/* Memory attributes, kept for TEX remap (SCTLR.TRE) and hwmirror. */
	uint8_t tex;
	uint8_t cb;	   /* C << 1 | B */
	bool shareable;
};

/*
 * Walk the tables for va as cp15 configures them (SCTLR.M/AFE, TTBCR.N/PD0/PD1,
 * TTBR0/1). flags (MMU_*) only shapes a fault report (WnR). Descriptors are
 * read from guest RAM; a descriptor outside RAM is a synchronous external
 * abort on the walk (FSR 0x0c first level, 0x0e second level). Counts
 * sh->stats.page_walks. Returns 0 with *res filled, or -EFAULT with *fault
 * filled (translation, access flag or walk abort).
 */
int ptw_walk(const struct arm_cp15 *cp15, gva_t va, unsigned flags, struct ptw_result *res,
	     struct arm_fault *fault);

/*
 * Check one access (flags: MMU_* kind | MMU_USER) at va against a walk result
 * under dacr: no-access (or reserved) domain -> domain fault; manager -> no
 * checks at all, XN included; client -> the permission bits, where a fetch
 * needs read permission and no XN. Returns 0 or -EFAULT with *fault filled.
 */
int ptw_check(const struct ptw_result *res, uint32_t dacr, gva_t va, unsigned flags,
	      struct arm_fault *fault);

/* ptw_walk() then ptw_check() under cp15->dacr: one access translated as
 * the tables and DACR stand now, without any TLB. */
int ptw_translate(const struct arm_cp15 *cp15, gva_t va, unsigned flags, struct ptw_result *res,
		  struct arm_fault *fault);

/* A device access of an mmu strategy's slow path, at guest physical pa for
 * the guest access at va: io_access(), whose external abort becomes a
 * synchronous external abort fault (*val is then left as it was). */
int ptw_device_access(gpa_t pa, unsigned size, uint32_t *val, bool write, gva_t va,
		      unsigned flags, struct arm_fault *fault);

/* Build the short-descriptor FSR of a fault: fs is FS[4:0]; WnR is set for
 * data writes. */
static inline uint32_t ptw_fsr(uint32_t fs, unsigned domain, unsigned flags)
{
	uint32_t fsr = (fs & 0xfu) | ((fs & 0x10u) << 6) | ((domain & 0xfu) << 4);
	if ((flags & MMU_KIND_MASK) == MMU_WRITE)
		fsr |= FSR_WNR;
	return fsr;
}

#endif
