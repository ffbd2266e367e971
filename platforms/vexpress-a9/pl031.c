/*
 * ARM PrimeCell PL031 real-time clock: a 32-bit seconds counter that starts
 * at the host's wall-clock time (seconds since the Unix epoch, as Linux's
 * rtc-pl031 expects) and advances with the host's monotonic clock, so host
 * clock steps do not reach the guest. Loading RTCLR moves it; a match
 * register raises RIS bit 0 when the counter reaches it. The RTC always runs
 * (RTCCR reads 1), as QEMU's does.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/vexpress-a9.h"

#define RTCDR 0x00
#define RTCMR 0x04
#define RTCLR 0x08
#define RTCCR 0x0c
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCMIS 0x18
#define RTCICR 0x1c

#define NS_PER_S 1000000000ull

static const uint8_t pl031_periph_id[4] = { 0x31, 0x10, 0x14, 0x00 };

struct pl031 {
	struct device dev;
	unsigned irq;
	bool line;
	/* RTC time in ns is now_ns + offset_ns (mod 2^64); the counter is
	 * that over 1e9, mod 2^32. */
	uint64_t offset_ns;
	uint32_t mr;
	uint32_t lr;
	uint32_t imsc;
	uint32_t ris;
	struct machine_timer match;
};

static uint64_t pl031_rtc_ns(const struct pl031 *r)
{
	return machine_now_ns(r->dev.machine) + r->offset_ns;
}

static uint32_t pl031_count(const struct pl031 *r)
{
	return (uint32_t)(pl031_rtc_ns(r) / NS_PER_S);
}

static void pl031_update(struct pl031 *r)
{
	bool line = (r->ris & r->imsc & 1) != 0;

	if (line != r->line) {
		r->line = line;
		machine_set_irq(r->dev.machine, r->irq, line);
	}
}

/* Arm the match timer for the moment the counter next becomes MR; a match
 * register equal to the counter matches at once, as QEMU's does. */
static void pl031_schedule_match(struct pl031 *r)
{
	struct machine *m = r->dev.machine;
	uint64_t rtc_ns = pl031_rtc_ns(r);
	uint32_t seconds = (uint32_t)(r->mr - (uint32_t)(rtc_ns / NS_PER_S));

	if (seconds == 0) {
		machine_timer_cancel(m, &r->match);
		r->ris |= 1;
		pl031_update(r);
		return;
	}
	machine_timer_arm(m, &r->match,
			  machine_now_ns(m) + (rtc_ns / NS_PER_S + seconds) * NS_PER_S - rtc_ns);
}

static void pl031_match_fire(struct machine_timer *t)
{
	struct pl031 *r = mmio_container(t, struct pl031, match);

	r->ris |= 1;
	pl031_update(r);
}

static uint32_t pl031_read_word(struct pl031 *r, uint32_t offset)
{
	uint32_t v;

	if (mmio_primecell_id(pl031_periph_id, offset, &v))
		return v;
	switch (offset) {
	case RTCDR:
		return pl031_count(r);
	case RTCMR:
		return r->mr;
	case RTCLR:
		return r->lr;
	case RTCCR:
		return 1;
	case RTCIMSC:
		return r->imsc;
	case RTCRIS:
		return r->ris;
	case RTCMIS:
		return r->ris & r->imsc;
	default:
		return 0;
	}
}

static void pl031_write_word(struct pl031 *r, uint32_t offset, uint32_t value)
{
	switch (offset) {
	case RTCMR:
		r->mr = value;
		pl031_schedule_match(r);
		break;
	case RTCLR:
		r->lr = value;
		r->offset_ns = (uint64_t)value * NS_PER_S - machine_now_ns(r->dev.machine);
		pl031_schedule_match(r);
		break;
	case RTCIMSC:
		r->imsc = value & 1;
		break;
	case RTCICR:
		r->ris &= ~(value & 1);
		break;
	default:
		break;	/* RTCDR is read-only; RTCCR cannot stop the clock */
	}
	pl031_update(r);
}

static int pl031_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	if (!mmio_access_ok(offset, size))
		return -1;
	*value = mmio_extract(pl031_read_word(mmio_container(dev, struct pl031, dev), offset & ~3u),
			      offset, size);
	return 0;
}

static int pl031_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct pl031 *r = mmio_container(dev, struct pl031, dev);
	uint32_t reg = offset & ~3u;

	if (!mmio_access_ok(offset, size))
		return -1;
	/* A narrow store changes only its own lanes of the register. */
	if (size < 4)
		value = mmio_merge(reg == RTCICR ? 0 : pl031_read_word(r, reg),
				   mmio_place(value, offset, size), mmio_lanes(offset, size));
	pl031_write_word(r, reg, value);
	return 0;
}

static void pl031_reset(struct device *dev)
{
	struct pl031 *r = mmio_container(dev, struct pl031, dev);
	struct timespec wall;
	uint64_t wall_ns = 0;

	if (clock_gettime(CLOCK_REALTIME, &wall) == 0)
		wall_ns = (uint64_t)wall.tv_sec * NS_PER_S + (uint64_t)wall.tv_nsec;
	r->offset_ns = wall_ns - machine_now_ns(dev->machine);
	r->lr = 0;
	r->imsc = 0;
	r->ris = 0;
	r->mr = 0;
	machine_timer_cancel(dev->machine, &r->match);
	pl031_update(r);
}

static void pl031_destroy(struct device *dev)
{
	free(mmio_container(dev, struct pl031, dev));
}

static const struct device_ops pl031_ops = {
	.read = pl031_read,
	.write = pl031_write,
	.reset = pl031_reset,
	.destroy = pl031_destroy,
};

int pl031_create(struct machine *m, const char *name, gpa_t base, unsigned irq)
{
	struct pl031 *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return -ENOMEM;
	r->dev = (struct device){ .name = name, .ops = &pl031_ops, .base = base, .size = 0x1000 };
	r->irq = irq;
	r->match.fire = pl031_match_fire;
	rc = machine_add_device(m, &r->dev);
	if (rc) {
		free(r);
		return rc;
	}
	pl031_reset(&r->dev);
	return 0;
}
