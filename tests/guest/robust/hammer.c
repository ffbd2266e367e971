/*
 * Every device register of the board hammered with pseudo-random reads and
 * writes (a seeded LCG, so every run makes the same accesses): V2M system
 * registers, SP810, PL011, SP804 x2, the four virtio-mmio transports, PL031,
 * SCU, GIC CPU interface and distributor. Word, halfword and byte accesses,
 * naturally aligned (an unaligned access to Strongly-ordered memory is an
 * alignment fault, not a device access). With IRQ and FIQ masked: whatever
 * the hammer leaves pending is never taken.
 *
 * Left out on purpose: the SYS_CFGCTRL START bit (a random function could
 * power the board off or reboot it - the end of the run, not a hazard) and
 * the UART data register (the console would fill with noise).
 *
 * Afterwards the board must still work, each part brought back the way a
 * driver would after a reset: the disk reads what it read before, the SP804
 * raises its interrupt through the GIC, the UART prints (this text), the
 * identification registers read as they did. Reads during the hammer depend
 * on time (timers, RTC) and are not printed. Run with -m 64 and a 1 MiB disk.
 */
#include "vblk.h"

#define ACCESSES 60000u
#define SEED 0x2545f491u

#define GICD 0x1e001000u
#define GICC 0x1e000100u
#define SP804_0 0x10011000u
#define TIMER_IRQ 34u

struct region {
	uint32_t base;
	uint32_t size;
};

static const struct region regions[] = {
	{ 0x10000000u, 0x1000 },	/* V2M system registers */
	{ 0x10001000u, 0x1000 },	/* SP810 */
	{ 0x10009000u, 0x1000 },	/* PL011 UART0 */
	{ 0x10011000u, 0x1000 },	/* SP804 timers 0/1 */
	{ 0x10012000u, 0x1000 },	/* SP804 timers 2/3 */
	{ 0x10013000u, 0x200 },		/* virtio-mmio 0 (the disk) */
	{ 0x10013200u, 0x200 },		/* virtio-mmio 1 */
	{ 0x10013400u, 0x200 },		/* virtio-mmio 2 */
	{ 0x10013600u, 0x200 },		/* virtio-mmio 3 */
	{ 0x10017000u, 0x1000 },	/* PL031 */
	{ 0x1e000000u, 0x100 },		/* SCU */
	{ 0x1e000100u, 0x100 },		/* GIC CPU interface */
	{ 0x1e001000u, 0x1000 },	/* GIC distributor */
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

/* The state lives in the caller's frame: a global would share a page with
 * the code, and each store to it would cost the engine a code invalidation. */
static uint32_t lcg(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state;
}

static uint8_t sec[VBLK_SECTOR] __attribute__((aligned(16)));

static uint32_t digest(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t read_sector0(void)
{
	struct vblk v;
	if (vblk_init(&v, 0))
		return 0;
	memset(sec, 0, sizeof(sec));
	int s = vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR);
	vio_wr(&v, VIO_STATUS, 0);
	return s == VBLK_S_OK ? digest(sec, VBLK_SECTOR) : 0;
}

static uint32_t hammer(void)
{
	uint32_t sink = 0, state = SEED;
	for (uint32_t i = 0; i < ACCESSES; i++) {
		uint32_t r = lcg(&state);
		const struct region *g = &regions[(r >> 8) % NREGIONS];
		/* 0: byte, 1: halfword, 2: LDRD/STRD, 3: LDM/STM of 4, else word */
		uint32_t kind = (r >> 4) & 7;
		uint32_t size = kind == 0 ? 1 : kind == 1 ? 2 : kind == 2 ? 8 : kind == 3 ? 16 : 4;
		uint32_t off = lcg(&state) % (g->size - size + 1) & ~(size < 4 ? size - 1 : 3u);
		uint32_t addr = g->base + off;
		uint32_t val = lcg(&state);
		uint32_t write = r & 1;

		if (write && g->base == 0x10000000u && off <= 0xa4 && off + size > 0xa4)
			continue;		/* SYS_CFGCTRL: see above */
		if (write && g->base == 0x10000000u && (off & ~3u) == 0xa4)
			val &= 0x7fffffffu;	/* SYS_CFGCTRL without START */
		if (write && g->base == 0x10009000u && off < 4)
			continue;		/* UARTDR */
		if (size == 8) {
			uint64_t d = (uint64_t)~val << 32 | val;
			if (write)
				__asm__ volatile("strd %0, %H0, [%1]" ::"r"(d), "r"(addr) : "memory");
			else
				__asm__ volatile("ldrd %0, %H0, [%1]" : "=r"(d) : "r"(addr) : "memory");
			sink += write ? 0 : (uint32_t)d ^ (uint32_t)(d >> 32);
		} else if (size == 16) {
			register uint32_t a0 __asm__("r4") = val, a1 __asm__("r5") = ~val,
						 a2 __asm__("r6") = val >> 3, a3 __asm__("r7") = val << 5;
			if (write)
				__asm__ volatile("stm %4, {r4-r7}" ::"r"(a0), "r"(a1), "r"(a2), "r"(a3),
						 "r"(addr)
						 : "memory");
			else
				__asm__ volatile("ldm %4, {r4-r7}"
						 : "=r"(a0), "=r"(a1), "=r"(a2), "=r"(a3)
						 : "r"(addr)
						 : "memory");
			sink += write ? 0 : a0 + a1 + a2 + a3;
		} else if (write) {
			if (size == 1)
				*(volatile uint8_t *)addr = (uint8_t)val;
			else if (size == 2)
				*(volatile uint16_t *)addr = (uint16_t)val;
			else
				*(volatile uint32_t *)addr = val;
		} else {
			if (size == 1)
				sink += *(volatile uint8_t *)addr;
			else if (size == 2)
				sink += *(volatile uint16_t *)addr;
			else
				sink += *(volatile uint32_t *)addr;
		}
	}
	return sink;
}

/* The UART as the runtime expects it: enabled, 8 bits, no FIFO, no loopback. */
static void uart_restore(void)
{
	rt_write32(RT_UART0_BASE + 0x30, 0);		/* UARTCR off while changing */
	rt_write32(RT_UART0_BASE + 0x38, 0);		/* UARTIMSC */
	rt_write32(RT_UART0_BASE + 0x2c, 0x60);		/* UARTLCR_H: 8 bits */
	rt_write32(RT_UART0_BASE + 0x30, 0x301);	/* UARTEN | TXE | RXE */
}

/* The GIC back to its reset state, as a driver takes it over: nothing
 * enabled, active or pending. */
static void gic_restore(void)
{
	rt_write32(GICC + 0x00, 0);
	rt_write32(GICD + 0x000, 0);
	for (uint32_t w = 0; w < 3; w++) {
		rt_write32(GICD + 0x180 + 4 * w, 0xffffffffu);	/* ICENABLER */
		rt_write32(GICD + 0x280 + 4 * w, 0xffffffffu);	/* ICPENDR */
		/* GICv1's active bits are read-only: what the hammer's IAR
		 * reads made active ends only with an EOI. */
		uint32_t active = rt_read32(GICD + 0x300 + 4 * w);
		for (uint32_t b = 0; b < 32; b++)
			if (active & (1u << b))
				rt_write32(GICC + 0x10, 32 * w + b);
	}
	for (uint32_t i = 0; i < 96; i += 4)
		rt_write32(GICD + 0x400 + i, 0);		/* priorities */
	for (uint32_t i = 32; i < 96; i += 16)
		rt_write32(GICD + 0xc00 + i / 4, 0);		/* level-sensitive */
	rt_write32(GICC + 0x08, 0);			/* BPR */
}

/* SP804 timer 0 counts down a short one-shot; the GIC must see its
 * interrupt and hand it out through IAR. */
static uint32_t timer_interrupt(void)
{
	for (uint32_t t = 0; t < 2; t++) {
		rt_write32(SP804_0 + 0x20 * t + 0x08, 0);	/* disabled, IE off */
		rt_write32(SP804_0 + 0x20 * t + 0x0c, 1);	/* INTCLR */
	}
	rt_write32(0x10012000u + 0x08, 0);
	rt_write32(0x10012000u + 0x28, 0);
	rt_write32(GICD + 0x100 + 4, 1u << (TIMER_IRQ - 32));	/* ISENABLER1 */
	*(volatile uint8_t *)(GICD + 0x800 + TIMER_IRQ) = 1;		/* target CPU 0 */
	*(volatile uint8_t *)(GICD + 0x400 + TIMER_IRQ) = 0xa0;	/* priority */
	rt_write32(GICC + 0x04, 0xf0);					/* PMR */
	rt_write32(GICC + 0x00, 1);
	rt_write32(GICD + 0x000, 1);
	rt_write32(SP804_0 + 0x00, 100);				/* 100 us */
	rt_write32(SP804_0 + 0x08, 0x80 | 0x20 | 0x02 | 0x01);	/* EN, IE, 32-bit, one-shot */
	uint32_t t0 = rt_read32(RT_SYSREG_BASE + 0x5c);
	uint32_t irq = 1023;
	while (rt_read32(RT_SYSREG_BASE + 0x5c) - t0 < 24000000u) {
		irq = rt_read32(GICC + 0x0c) & 0x3ff;	/* IAR */
		if (irq == TIMER_IRQ)
			break;
		/* Software interrupts the hammer made pending stay so until
		 * acknowledged (GICv1 cannot clear them otherwise). */
		if (irq != 1023)
			rt_write32(GICC + 0x10, irq);
	}
	if (irq == TIMER_IRQ) {
		rt_write32(SP804_0 + 0x0c, 1);
		rt_write32(GICC + 0x10, irq);		/* EOIR */
	}
	rt_write32(SP804_0 + 0x08, 0);
	gic_restore();
	return irq;
}

/* Multi-word loads from device space: each word one device read, as on the
 * bus. The UART's PrimeCell ID block: LDM of four, LDRD of two. */
static uint32_t wide_reads(void)
{
	register uint32_t a0 __asm__("r4"), a1 __asm__("r5"), a2 __asm__("r6"), a3 __asm__("r7");
	uint64_t d;
	__asm__ volatile("ldm %4, {r4-r7}"
			 : "=r"(a0), "=r"(a1), "=r"(a2), "=r"(a3)
			 : "r"(RT_UART0_BASE + 0xfe0)
			 : "memory");
	__asm__ volatile("ldrd %0, %H0, [%1]" : "=r"(d) : "r"(RT_UART0_BASE + 0xff0) : "memory");
	uint32_t lo = (uint32_t)d, hi = (uint32_t)(d >> 32);
	rt_printf("hammer: UART IDs %02x %02x %02x %02x, %02x %02x\n", (unsigned)a0, (unsigned)a1,
		  (unsigned)a2, (unsigned)a3, (unsigned)lo, (unsigned)hi);
	return a0 | a1 << 8 | a2 << 16 | a3 << 24 | (lo ^ hi);
}

int main(void)
{
	uint32_t before = read_sector0();
	rt_check("disk readable before", before != 0, 1);
	uint32_t sys_id = rt_read32(RT_SYSREG_BASE + 0x00);
	uint32_t uart_id = rt_read32(RT_UART0_BASE + 0xfe0);
	uint32_t gic_iidr = rt_read32(GICD + 0x008);
	uint32_t wide_before = wide_reads();
	rt_printf("hammer: %u accesses, seed %08x\n", ACCESSES, SEED);
	(void)hammer();
	uart_restore();
	gic_restore();
	rt_puts("hammer: done; the board afterwards:\n");
	/* Identification as before (what it is differs between models). */
	rt_check("SYS_ID as before", rt_read32(RT_SYSREG_BASE + 0x00) == sys_id, 1);
	rt_check("UART PeriphID0 as before", rt_read32(RT_UART0_BASE + 0xfe0) == uart_id, 1);
	rt_check("GICD IIDR as before", rt_read32(GICD + 0x008) == gic_iidr, 1);
	rt_check("disk reads as before", read_sector0() == before, 1);
	rt_check("LDM of the UART's PrimeCell IDs", wide_reads(), wide_before);
	rt_check("SP804 interrupt through the GIC", timer_interrupt(), TIMER_IRQ);
	rt_printf("hammer: %u failures\n", rt_failures);
	return 0;
}
