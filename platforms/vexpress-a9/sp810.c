/*
 * ARM PrimeCell SP810 system controller, the part Linux uses: SCCTRL with the
 * four TimerEnNSel bits that choose each SP804 counter's clock (0: the 32 kHz
 * REFCLK, 1: the 1 MHz TIMCLK). Linux's clk-sp810 reads them to learn the
 * timers' rate and sets them to TIMCLK. The SP804 model always counts at
 * 1 MHz, as QEMU's does; so that what Linux reads agrees with that, the
 * selects reset to TIMCLK. The system mode reads as NORMAL; the peripheral
 * clock enables are kept as registers. Crystal, PLL and ID registers read
 * as zero.
 */
#include <errno.h>
#include <stdlib.h>

#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/vexpress-a9.h"

#define SCCTRL 0x000
#define SCSYSSTAT 0x004
#define SCIMCTRL 0x008
#define SCIMSTAT 0x00c
#define SCPEREN 0x024
#define SCPERDIS 0x028
#define SCPERCLKEN 0x02c
#define SCPERSTAT 0x030

#define SCCTRL_MODESTATUS_SHIFT 3
#define SCCTRL_MODESTATUS_MASK (0xfu << SCCTRL_MODESTATUS_SHIFT)
#define SCCTRL_MODE_NORMAL 0x4u
#define SCCTRL_TIMERENSEL(n) (1u << (15 + 2 * (n)))
#define SCCTRL_ALL_TIMCLK                                                      \
	(SCCTRL_TIMERENSEL(0) | SCCTRL_TIMERENSEL(1) | SCCTRL_TIMERENSEL(2) | \
	 SCCTRL_TIMERENSEL(3))

static const uint8_t sp810_periph_id[4] = { 0x10, 0x18, 0x04, 0x00 };

struct sp810 {
	struct device dev;
	uint32_t scctrl;	/* without the ModeStatus field */
	uint32_t scimctrl;
	uint32_t perclken;
};

static uint32_t sp810_read_word(struct sp810 *s, uint32_t offset)
{
	uint32_t v;

	if (mmio_primecell_id(sp810_periph_id, offset, &v))
		return v;
	switch (offset) {
	case SCCTRL:
		return s->scctrl | SCCTRL_MODE_NORMAL << SCCTRL_MODESTATUS_SHIFT;
	case SCIMCTRL:
		return s->scimctrl;
	case SCPERCLKEN:
	case SCPERSTAT:
		return s->perclken;
	default:
		return 0;
	}
}

static void sp810_write_word(struct sp810 *s, uint32_t offset, uint32_t value)
{
	switch (offset) {
	case SCCTRL:
		s->scctrl = value & ~SCCTRL_MODESTATUS_MASK;
		break;
	case SCIMCTRL:
		s->scimctrl = value & 0xff;
		break;
	case SCPEREN:
		s->perclken |= value;
		break;
	case SCPERDIS:
		s->perclken &= ~value;
		break;
	default:
		break;
	}
}

static int sp810_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct sp810 *s = mmio_container(dev, struct sp810, dev);

	if (!mmio_access_ok(offset, size))
		return -1;
	*value = mmio_extract(sp810_read_word(s, offset & ~3u), offset, size);
	return 0;
}

static int sp810_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct sp810 *s = mmio_container(dev, struct sp810, dev);
	uint32_t reg = offset & ~3u;
	uint32_t placed;

	if (!mmio_access_ok(offset, size))
		return -1;
	placed = mmio_place(value, offset, size);
	/* A narrow store to a plain register keeps its other lanes. */
	if (size < 4 && (reg == SCCTRL || reg == SCIMCTRL))
		placed = mmio_merge(sp810_read_word(s, reg), placed, mmio_lanes(offset, size));
	sp810_write_word(s, reg, placed);
	return 0;
}

static void sp810_reset(struct device *dev)
{
	struct sp810 *s = mmio_container(dev, struct sp810, dev);

	s->scctrl = SCCTRL_ALL_TIMCLK | SCCTRL_MODE_NORMAL;
	s->scimctrl = 0;
	s->perclken = 0xffffffffu;
}

static void sp810_destroy(struct device *dev)
{
	free(mmio_container(dev, struct sp810, dev));
}

static const struct device_ops sp810_ops = {
	.read = sp810_read,
	.write = sp810_write,
	.reset = sp810_reset,
	.destroy = sp810_destroy,
};

int sp810_create(struct machine *m, gpa_t base)
{
	struct sp810 *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->dev = (struct device){ .name = "sp810", .ops = &sp810_ops, .base = base, .size = 0x1000 };
	rc = machine_add_device(m, &s->dev);
	if (rc) {
		free(s);
		return rc;
	}
	sp810_reset(&s->dev);
	return 0;
}
