/*
 * Accesses to physical addresses where vexpress-a9 has nothing: QEMU's board
 * reads them as zero and ignores writes (no external abort), and captive does
 * the same by default. An abort, if one is taken, is printed.
 */
#include "rt.h"

/* Between the motherboard peripherals and the NOR flash: nothing is decoded here. */
#define HOLE 0x20000000u

static volatile uint32_t aborts;

static void on_dabt(struct rt_frame *f)
{
	uint32_t dfsr, dfar;

	__asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
	__asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
	rt_printf("  data abort: DFSR %08x DFAR %08x\n", (unsigned int)dfsr, (unsigned int)dfar);
	aborts++;
	f->pc += 4;
}

int main(void)
{
	uint32_t v;

	rt_puts("unmapped: reads and writes to a hole in the physical map\n");
	rt_set_handler(RT_EXC_DABT, on_dabt);
	v = rt_read32(HOLE);
	rt_printf("read %08x -> %08x\n", (unsigned int)HOLE, (unsigned int)v);
	rt_write32(HOLE + 0x100, 0xDEADBEEF);
	v = rt_read32(HOLE + 0x100);
	rt_printf("read %08x after write -> %08x\n", (unsigned int)(HOLE + 0x100), (unsigned int)v);
	v = *(volatile uint8_t *)(HOLE + 0x3001);
	rt_printf("byte read %08x -> %02x\n", (unsigned int)(HOLE + 0x3001), (unsigned int)v);
	rt_check("aborts", aborts, 0);
	rt_printf("unmapped: %u failures\n", rt_failures);
	return 0;
}
