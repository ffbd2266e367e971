/*
 * Markers, MMU and GIC set-up shared by the mechanism benchmarks.
 */
#include "mech.h"

#define GICD_CTLR 0x000u
#define GICD_ISENABLER(n) (0x100u + 4u * (n))
#define GICD_IPRIORITYR 0x400u
#define GICD_ITARGETSR 0x800u
#define GICC_CTLR 0x00u
#define GICC_PMR 0x04u

/* Device memory (B = 1), execute-never, privileged read/write (AP = 1). */
#define SECT_DEVICE (MECH_L1_SECTION | (1u << 2) | MECH_L1_XN | (1u << 10))

void mech_start(const char *name)
{
	rt_printf("mech %s start\n", name);
}

void mech_end(const char *name, uint32_t iters, uint32_t checksum)
{
	rt_puts("mech end\n");
	rt_printf("mech %s: iters %u checksum %08x\n", name, (unsigned int)iters,
		  (unsigned int)checksum);
}

void mech_run_passes(const char *name, uint32_t steps, uint32_t per_pass,
		     uint32_t (*loop)(uint32_t passes))
{
	uint32_t passes = steps / per_pass ? steps / per_pass : 1u, sum;

	mech_start(name);
	sum = loop(passes);
	mech_end(name, passes * per_pass, sum);
}

void mech_l1_identity(uint32_t *l1)
{
	uint32_t i;

	for (i = 0; i < 4096; i++)
		l1[i] = 0;
	/* 512 MiB of RAM at 0x60000000, as both sides are started with. */
	for (i = 0x600; i < 0x800; i++)
		l1[i] = (i << 20) | MECH_SECT_RAM;
	/* Motherboard peripherals, and the private memory region (SCU, GIC). */
	for (i = 0x100; i < 0x102; i++)
		l1[i] = (i << 20) | SECT_DEVICE;
	l1[0x1E0] = 0x1E000000u | SECT_DEVICE;
}

void mech_l2_identity(uint32_t *l1, uint32_t *l2, uint32_t va, uint32_t page_bits)
{
	uint32_t base = va & 0xFFF00000u;
	uint32_t i;

	for (i = 0; i < 256; i++)
		l2[i] = (base + (i << 12)) | page_bits;
	l1[va >> 20] = (uint32_t)l2 | MECH_L1_COARSE;
}

void mech_mmu_on(const uint32_t *l1, uint32_t asid)
{
	uint32_t sctlr;

	mech_dsb_isb();
	__asm__ volatile("mcr p15, 0, %0, c2, c0, 2" : : "r"(0));   /* TTBCR: TTBR0 only */
	__asm__ volatile("mcr p15, 0, %0, c2, c0, 0" : : "r"(l1)); /* TTBR0 */
	__asm__ volatile("mcr p15, 0, %0, c3, c0, 0" : : "r"(1));  /* DACR: domain 0 client */
	__asm__ volatile("mcr p15, 0, %0, c13, c0, 1" : : "r"(asid));
	__asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0) : "memory");
	mech_dsb_isb();
	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 0" : : "r"(sctlr | 1u) : "memory");
	mech_dsb_isb();
}

void mech_mmu_off(void)
{
	uint32_t sctlr;

	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 0" : : "r"(sctlr & ~1u) : "memory");
	mech_dsb_isb();
	__asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0) : "memory");
	mech_dsb_isb();
}

void mech_gic_init(uint32_t irq)
{
	rt_write32(RT_GICD_BASE + GICD_CTLR, 0);
	*(volatile uint8_t *)(RT_GICD_BASE + GICD_IPRIORITYR + irq) = 0x80;
	*(volatile uint8_t *)(RT_GICD_BASE + GICD_ITARGETSR + irq) = 0x01;
	rt_write32(RT_GICD_BASE + GICD_ISENABLER(irq / 32), 1u << (irq % 32));
	rt_write32(RT_GICD_BASE + GICD_CTLR, 1);
	rt_write32(RT_GICC_BASE + GICC_PMR, 0xF0);
	rt_write32(RT_GICC_BASE + GICC_CTLR, 1);
}
