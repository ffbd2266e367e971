/*
 * Cortex-A9 MPCore snoop control unit, one CPU. Linux reads SCU_CONFIG to
 * count the cores and sets the enable bit; nothing is cached, so there is
 * nothing to keep coherent, and the rest are plain registers.
 */
#include <errno.h>
#include <stdlib.h>

#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/vexpress-a9.h"

#define SCU_CTRL 0x00
#define SCU_CONFIG 0x04
#define SCU_POWER 0x08
#define SCU_INVALIDATE 0x0c
#define SCU_FILTER_START 0x40
#define SCU_FILTER_END 0x44
#define SCU_SAC 0x50
#define SCU_SNSAC 0x54

/* CPU count - 1 in [1:0]; CPU 0 taking part in coherency in [7:4]; as QEMU. */
#define SCU_CONFIG_ONE_CPU 0x10u

struct a9_scu {
	struct device dev;
	uint32_t ctrl;
	uint32_t power;
	uint32_t filter_start;
	uint32_t filter_end;
	uint32_t sac;
	uint32_t snsac;
};

static uint32_t *a9_scu_reg(struct a9_scu *s, uint32_t offset)
{
	switch (offset) {
	case SCU_CTRL:
		return &s->ctrl;
	case SCU_POWER:
		return &s->power;
	case SCU_FILTER_START:
		return &s->filter_start;
	case SCU_FILTER_END:
		return &s->filter_end;
	case SCU_SAC:
		return &s->sac;
	case SCU_SNSAC:
		return &s->snsac;
	default:
		return NULL;
	}
}

static int a9_scu_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct a9_scu *s = mmio_container(dev, struct a9_scu, dev);
	uint32_t reg = offset & ~3u;
	uint32_t *r = a9_scu_reg(s, reg);
	uint32_t word = 0;

	if (!mmio_access_ok(offset, size))
		return -1;
	if (r)
		word = *r;
	else if (reg == SCU_CONFIG)
		word = SCU_CONFIG_ONE_CPU;
	*value = mmio_extract(word, offset, size);
	return 0;
}

/* SCU_CONFIG is read-only and SCU_INVALIDATE has nothing to invalidate. */
static int a9_scu_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct a9_scu *s = mmio_container(dev, struct a9_scu, dev);
	uint32_t *r = a9_scu_reg(s, offset & ~3u);

	if (!mmio_access_ok(offset, size))
		return -1;
	if (r)
		*r = mmio_merge(*r, mmio_place(value, offset, size), mmio_lanes(offset, size));
	return 0;
}

static void a9_scu_reset(struct device *dev)
{
	struct a9_scu *s = mmio_container(dev, struct a9_scu, dev);

	s->ctrl = 0;
	s->power = 0;
	s->filter_start = 0;
	s->filter_end = 0;
	s->sac = 0;
	s->snsac = 0;
}

static void a9_scu_destroy(struct device *dev)
{
	free(mmio_container(dev, struct a9_scu, dev));
}

static const struct device_ops a9_scu_ops = {
	.read = a9_scu_read,
	.write = a9_scu_write,
	.reset = a9_scu_reset,
	.destroy = a9_scu_destroy,
};

int a9_scu_create(struct machine *m, gpa_t base)
{
	struct a9_scu *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->dev = (struct device){ .name = "a9-scu", .ops = &a9_scu_ops, .base = base, .size = 0x100 };
	rc = machine_add_device(m, &s->dev);
	if (rc) {
		free(s);
		return rc;
	}
	a9_scu_reset(&s->dev);
	return 0;
}
