/*
 * The Cortex-A9 MPCore's interrupt controller (ARM GIC architecture v1, as
 * the PL390), with one CPU interface and 96 interrupt IDs: 16 SGIs, 16 PPIs
 * and 64 SPIs. No Security Extensions, so there are no groups (IGROUPR is
 * RAZ/WI) and the FIQ output never asserts.
 *
 * Like QEMU's model of a one-CPU GIC, the ITARGETSR registers read as zero
 * and ignore writes (the GIC specification's uniprocessor rule), and every
 * interrupt goes to CPU 0. Priorities keep all 8 bits, as QEMU's do.
 *
 * Pending state: a level-sensitive interrupt is pending while its input is
 * high or while a software set-pending latch holds; an edge-triggered one is
 * latched on a rising input edge. Acknowledge (IAR) makes the interrupt
 * active and clears the latch; a level input still high leaves it active and
 * pending. An active interrupt is not signalled again until its EOI.
 */
#include <errno.h>
#include <stdlib.h>

#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/vexpress-a9.h"

#define GIC_NIRQ MACHINE_MAX_IRQS
#define GIC_WORDS (GIC_NIRQ / 32)
#define GIC_NR_SGIS 16
#define GIC_SPURIOUS 1023u
#define GIC_IDLE_PRIORITY 0xffu

/* Distributor registers. */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00

/* CPU interface registers. */
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_IIDR 0xfc

/* Values a Cortex-A9 r2 reports. */
#define GIC_DIST_IIDR_VALUE 0x0102043bu
#define GIC_CPU_IIDR_VALUE 0x3901243bu

/* Peripheral and component ID registers 0xFD0-0xFFC of a GICv1 distributor. */
static const uint8_t gic_dist_id[12] = {
	0x04, 0x00, 0x00, 0x00, 0x90, 0xb3, 0x1b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

struct gic {
	struct device dist;
	struct device cpu;
	struct machine *m;
	bool dist_enabled;
	bool cpu_enabled;
	uint8_t pmr;
	uint8_t bpr;
	uint32_t enabled[GIC_WORDS];
	uint32_t latched[GIC_WORDS];	/* edge seen or software set-pending */
	uint32_t active[GIC_WORDS];
	uint32_t input[GIC_WORDS];	/* current level of each input line */
	uint32_t edge[GIC_WORDS];	/* ICFGR bit 1: edge-triggered */
	uint8_t priority[GIC_NIRQ];
	bool irq_out;
};

static bool gic_bit(const uint32_t *map, unsigned irq)
{
	return (map[irq / 32] >> (irq % 32)) & 1;
}

static void gic_set_bit(uint32_t *map, unsigned irq, bool on)
{
	if (on)
		map[irq / 32] |= 1u << (irq % 32);
	else
		map[irq / 32] &= ~(1u << (irq % 32));
}

static bool gic_pending(const struct gic *g, unsigned irq)
{
	return gic_bit(g->latched, irq) || (!gic_bit(g->edge, irq) && gic_bit(g->input, irq));
}

/* Bits of a priority that take part in preemption, per the binary point. */
static uint8_t gic_group_mask(const struct gic *g)
{
	return (uint8_t)(0xffu << (g->bpr + 1));
}

static uint8_t gic_running_priority(const struct gic *g)
{
	uint8_t best = GIC_IDLE_PRIORITY;

	for (unsigned irq = 0; irq < GIC_NIRQ; irq++)
		if (gic_bit(g->active, irq) && g->priority[irq] < best)
			best = g->priority[irq];
	return best;
}

/* Highest-priority pending, enabled, inactive interrupt (lowest ID on a
 * tie), or GIC_SPURIOUS. */
static unsigned gic_best_pending(const struct gic *g)
{
	unsigned best = GIC_SPURIOUS;

	for (unsigned w = 0; w < GIC_WORDS; w++) {
		uint32_t cand = g->enabled[w] & ~g->active[w] &
				(g->latched[w] | (g->input[w] & ~g->edge[w]));

		while (cand) {
			unsigned irq = w * 32 + (unsigned)__builtin_ctz(cand);

			cand &= cand - 1;
			if (best == GIC_SPURIOUS || g->priority[irq] < g->priority[best])
				best = irq;
		}
	}
	return best;
}

/* The interrupt the CPU interface signals now, or GIC_SPURIOUS: enabled
 * throughout, above the priority mask, and preempting whatever runs. */
static unsigned gic_signalled(const struct gic *g)
{
	unsigned irq;
	uint8_t running;

	if (!g->dist_enabled || !g->cpu_enabled)
		return GIC_SPURIOUS;
	irq = gic_best_pending(g);
	if (irq == GIC_SPURIOUS || g->priority[irq] >= g->pmr)
		return GIC_SPURIOUS;
	running = gic_running_priority(g);
	if (running != GIC_IDLE_PRIORITY &&
	    (g->priority[irq] & gic_group_mask(g)) >= (running & gic_group_mask(g)))
		return GIC_SPURIOUS;
	return irq;
}

static void gic_update(struct gic *g)
{
	bool out = gic_signalled(g) != GIC_SPURIOUS;

	if (out != g->irq_out) {
		g->irq_out = out;
		g->m->host.cpu_lines(g->m->host.opaque, out, false);
	}
}

static void gic_irq_set(struct machine *m, unsigned irq, bool level)
{
	struct gic *g = m->irq_ctl;

	/* SGIs have no input line; they come from GICD_SGIR. */
	if (irq < GIC_NR_SGIS || irq >= GIC_NIRQ)
		return;
	if (level && !gic_bit(g->input, irq) && gic_bit(g->edge, irq))
		gic_set_bit(g->latched, irq, true);
	gic_set_bit(g->input, irq, level);
	gic_update(g);
}

static uint32_t gic_acknowledge(struct gic *g)
{
	unsigned irq = gic_signalled(g);

	if (irq == GIC_SPURIOUS)
		return GIC_SPURIOUS;
	gic_set_bit(g->active, irq, true);
	gic_set_bit(g->latched, irq, false);
	gic_update(g);
	/* An SGI reports its source CPU in bits [12:10]: always CPU 0 here. */
	return irq;
}

static void gic_end_of_interrupt(struct gic *g, uint32_t value)
{
	unsigned irq = value & 0x3ff;

	if (irq < GIC_NIRQ && gic_bit(g->active, irq)) {
		gic_set_bit(g->active, irq, false);
		gic_update(g);
	}
}

static void gic_software_interrupt(struct gic *g, uint32_t value)
{
	unsigned filter = (value >> 24) & 3;
	unsigned targets = (value >> 16) & 0xff;
	unsigned irq = value & 0xf;
	bool to_self;

	switch (filter) {
	case 0:
		to_self = targets & 1;
		break;
	case 2:
		to_self = true;
		break;
	default:	/* 1: every other CPU (there are none); 3: reserved */
		to_self = false;
		break;
	}
	if (to_self) {
		gic_set_bit(g->latched, irq, true);
		gic_update(g);
	}
}

/* A bit-per-interrupt register bank: which interrupts the word at `offset`
 * (relative to the bank) covers, or -1 past the implemented ones. */
static int gic_bank_word(uint32_t offset)
{
	unsigned w = offset / 4;

	return w < GIC_WORDS ? (int)w : -1;
}

static uint32_t gic_dist_read_word(struct gic *g, uint32_t offset)
{
	int w;

	if (offset == GICD_CTLR)
		return g->dist_enabled;
	if (offset == GICD_TYPER)
		return GIC_NIRQ / 32 - 1;	/* ITLinesNumber; CPUNumber 0 */
	if (offset == GICD_IIDR)
		return GIC_DIST_IIDR_VALUE;
	if (offset >= GICD_ISENABLER && offset < GICD_ISPENDR) {
		w = gic_bank_word(offset % 0x80);
		return w < 0 ? 0 : g->enabled[w];
	}
	if (offset >= GICD_ISPENDR && offset < GICD_ISACTIVER) {
		uint32_t bits = 0;

		w = gic_bank_word(offset % 0x80);
		if (w < 0)
			return 0;
		for (unsigned i = 0; i < 32; i++)
			if (gic_pending(g, (unsigned)w * 32 + i))
				bits |= 1u << i;
		return bits;
	}
	if (offset >= GICD_ISACTIVER && offset < GICD_IPRIORITYR) {
		w = gic_bank_word(offset % 0x80);
		return w < 0 ? 0 : g->active[w];
	}
	if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + GIC_NIRQ) {
		unsigned irq = offset - GICD_IPRIORITYR;

		return g->priority[irq] | (uint32_t)g->priority[irq + 1] << 8 |
		       (uint32_t)g->priority[irq + 2] << 16 | (uint32_t)g->priority[irq + 3] << 24;
	}
	if (offset >= GICD_ICFGR && offset < GICD_ICFGR + GIC_NIRQ / 4) {
		unsigned first = (offset - GICD_ICFGR) * 4;
		uint32_t bits = 0;

		for (unsigned i = 0; i < 16; i++)
			if (gic_bit(g->edge, first + i))
				bits |= 2u << (2 * i);
		return bits;
	}
	if (offset >= 0xfd0) {
		unsigned i = (offset - 0xfd0) / 4;

		return i < sizeof(gic_dist_id) ? gic_dist_id[i] : 0;
	}
	/* IGROUPR (no Security Extensions), ITARGETSR (one CPU), reserved. */
	return 0;
}

static void gic_dist_write_word(struct gic *g, uint32_t offset, uint32_t value, uint32_t lanes)
{
	uint32_t bits = value & lanes;
	int w;

	if (offset == GICD_CTLR) {
		if (lanes & 1)
			g->dist_enabled = value & 1;
	} else if (offset >= GICD_ISENABLER && offset < GICD_ISPENDR) {
		w = gic_bank_word(offset % 0x80);
		if (w == 0)
			bits &= ~0xffffu;	/* SGIs are always enabled */
		if (w >= 0) {
			if (offset < GICD_ICENABLER)
				g->enabled[w] |= bits;
			else
				g->enabled[w] &= ~bits;
		}
	} else if (offset >= GICD_ISPENDR && offset < GICD_ISACTIVER) {
		w = gic_bank_word(offset % 0x80);
		if (w == 0)
			bits &= ~0xffffu;	/* SGIs are made pending through SGIR */
		if (w >= 0) {
			if (offset < GICD_ICPENDR)
				g->latched[w] |= bits;
			else
				g->latched[w] &= ~bits;
		}
	} else if (offset >= GICD_ISACTIVER && offset < GICD_IPRIORITYR) {
		w = gic_bank_word(offset % 0x80);
		if (w >= 0) {
			if (offset < GICD_ICACTIVER)
				g->active[w] |= bits;
			else
				g->active[w] &= ~bits;
		}
	} else if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + GIC_NIRQ) {
		unsigned irq = offset - GICD_IPRIORITYR;

		for (unsigned i = 0; i < 4; i++)
			if (lanes & (0xffu << (8 * i)))
				g->priority[irq + i] = (uint8_t)(value >> (8 * i));
	} else if (offset >= GICD_ICFGR && offset < GICD_ICFGR + GIC_NIRQ / 4) {
		unsigned first = (offset - GICD_ICFGR) * 4;

		for (unsigned i = 0; i < 16; i++) {
			unsigned irq = first + i;

			/* SGIs are edge-triggered, read-only. */
			if (irq >= GIC_NR_SGIS && (lanes & (2u << (2 * i))))
				gic_set_bit(g->edge, irq, (value >> (2 * i + 1)) & 1);
		}
	} else if (offset == GICD_SGIR) {
		if (lanes == 0xffffffffu)
			gic_software_interrupt(g, value);
	}
	gic_update(g);
}

static int gic_dist_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct gic *g = mmio_container(dev, struct gic, dist);

	if (!mmio_access_ok(offset, size))
		return -1;
	*value = mmio_extract(gic_dist_read_word(g, offset & ~3u), offset, size);
	return 0;
}

static int gic_dist_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct gic *g = mmio_container(dev, struct gic, dist);

	if (!mmio_access_ok(offset, size))
		return -1;
	gic_dist_write_word(g, offset & ~3u, mmio_place(value, offset, size), mmio_lanes(offset, size));
	return 0;
}

static uint32_t gic_cpu_read_word(struct gic *g, uint32_t offset)
{
	switch (offset) {
	case GICC_CTLR:
		return g->cpu_enabled;
	case GICC_PMR:
		return g->pmr;
	case GICC_BPR:
		return g->bpr;
	case GICC_IAR:
		return gic_acknowledge(g);
	case GICC_RPR:
		return gic_running_priority(g);
	case GICC_HPPIR:
		return gic_best_pending(g);
	case GICC_ABPR:
		return g->bpr;
	case GICC_IIDR:
		return GIC_CPU_IIDR_VALUE;
	default:
		return 0;
	}
}

static void gic_cpu_write_word(struct gic *g, uint32_t offset, uint32_t value)
{
	switch (offset) {
	case GICC_CTLR:
		g->cpu_enabled = value & 1;
		break;
	case GICC_PMR:
		g->pmr = (uint8_t)value;
		break;
	case GICC_BPR:
	case GICC_ABPR:
		g->bpr = value & 7;
		break;
	case GICC_EOIR:
		gic_end_of_interrupt(g, value);
		break;
	default:
		break;
	}
	gic_update(g);
}

static int gic_cpu_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct gic *g = mmio_container(dev, struct gic, cpu);

	if (!mmio_access_ok(offset, size))
		return -1;
	*value = mmio_extract(gic_cpu_read_word(g, offset & ~3u), offset, size);
	return 0;
}

/* Narrow stores write the whole register (their value zero-extended): the
 * CPU interface's registers are single fields in the low bits. */
static int gic_cpu_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct gic *g = mmio_container(dev, struct gic, cpu);

	if (!mmio_access_ok(offset, size))
		return -1;
	gic_cpu_write_word(g, offset & ~3u, mmio_place(value, offset, size));
	return 0;
}

static void gic_reset(struct gic *g)
{
	g->dist_enabled = false;
	g->cpu_enabled = false;
	g->pmr = 0;
	g->bpr = 0;
	for (unsigned w = 0; w < GIC_WORDS; w++) {
		g->enabled[w] = 0;
		g->latched[w] = 0;
		g->active[w] = 0;
		g->edge[w] = 0;
	}
	g->enabled[0] = 0xffffu;
	g->edge[0] = 0xffffu;
	for (unsigned irq = 0; irq < GIC_NIRQ; irq++)
		g->priority[irq] = 0;
	gic_update(g);
}

/* The distributor resets the whole controller; the CPU interface's reset
 * is part of it. Input levels belong to the devices and survive. */
static void gic_dist_reset(struct device *dev)
{
	gic_reset(mmio_container(dev, struct gic, dist));
}

static void gic_dist_destroy(struct device *dev)
{
	free(mmio_container(dev, struct gic, dist));
}

/* The CPU interface is freed with the distributor. */
static void gic_cpu_destroy(struct device *dev)
{
}

static const struct device_ops gic_dist_ops = {
	.read = gic_dist_read,
	.write = gic_dist_write,
	.reset = gic_dist_reset,
	.destroy = gic_dist_destroy,
};

static const struct device_ops gic_cpu_ops = {
	.read = gic_cpu_read,
	.write = gic_cpu_write,
	.destroy = gic_cpu_destroy,
};

int gic_create(struct machine *m, gpa_t dist_base, gpa_t cpu_base)
{
	struct gic *g = calloc(1, sizeof(*g));
	int rc;

	if (!g)
		return -ENOMEM;
	g->m = m;
	g->dist = (struct device){
		.name = "gic-dist", .ops = &gic_dist_ops, .base = dist_base, .size = 0x1000,
	};
	g->cpu = (struct device){
		.name = "gic-cpu", .ops = &gic_cpu_ops, .base = cpu_base, .size = 0x100,
	};
	gic_reset(g);

	/* Once the distributor is on the bus, machine teardown owns (and
	 * frees) the shared state, even if the CPU interface fails to join. */
	rc = machine_add_device(m, &g->dist);
	if (rc)
		goto err_free;
	rc = machine_add_device(m, &g->cpu);
	if (rc)
		return rc;
	m->irq_ctl = g;
	m->irq_set = gic_irq_set;
	return 0;

err_free:
	free(g);
	return rc;
}
