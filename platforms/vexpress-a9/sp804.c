/*
 * ARM SP804 dual-timer module: two down-counters clocked at 1 MHz (TIMCLK as
 * QEMU's vexpress wires it, whatever the SP810 selects), their interrupts
 * combined on one line.
 *
 * A counter is not ticked: while enabled it is an anchor (host time, value)
 * and its value at any moment is computed from host.now_ns, so reads are
 * exact and cost nothing while the guest does not look. From the anchor the
 * counter counts down one per tick (1, 16 or 256 us with the prescaler),
 * reaches zero - which sets RIS - and on the next tick either reloads (from
 * Load in periodic mode, from 0xFFFFFFFF or 0xFFFF free-running) or, one-shot,
 * stays at zero. A period is therefore Load+1 ticks, as on the hardware.
 *
 * Zero crossings are found lazily on every register access and, while the
 * interrupt is enabled, by a machine timer armed at the next one, so the line
 * rises on time even when the guest is idle.
 */
#include <errno.h>
#include <stdlib.h>

#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/vexpress-a9.h"

#define TIMER_LOAD 0x00
#define TIMER_VALUE 0x04
#define TIMER_CONTROL 0x08
#define TIMER_INTCLR 0x0c
#define TIMER_RIS 0x10
#define TIMER_MIS 0x14
#define TIMER_BGLOAD 0x18

#define CTRL_ONESHOT (1u << 0)
#define CTRL_32BIT (1u << 1)
#define CTRL_PRESCALE_SHIFT 2
#define CTRL_IE (1u << 5)
#define CTRL_PERIODIC (1u << 6)
#define CTRL_ENABLE (1u << 7)

#define SP804_TICK_NS (1000000000u / SP804_TIMCLK_HZ)

static const uint8_t sp804_periph_id[4] = { 0x04, 0x18, 0x14, 0x00 };

struct sp804;

struct sp804_timer {
	struct sp804 *owner;
	uint32_t load;
	uint32_t control;
	bool ris;
	bool running;
	uint32_t held;		/* the value while stopped */
	uint64_t anchor_ns;	/* while running: the value was anchor_value then */
	uint32_t anchor_value;
	uint64_t next_zero_ns;	/* next zero crossing not yet counted; 0: none */
	struct machine_timer alarm;
};

struct sp804 {
	struct device dev;
	unsigned irq;
	bool line;
	struct sp804_timer t[2];
};

static struct machine *sp804_machine(const struct sp804_timer *t)
{
	return t->owner->dev.machine;
}

static uint64_t sp804_tick_ns(const struct sp804_timer *t)
{
	/* Prescale 0b11 is undefined; treat it as the largest divisor. */
	static const unsigned div[4] = { 1, 16, 256, 256 };

	return (uint64_t)SP804_TICK_NS * div[(t->control >> CTRL_PRESCALE_SHIFT) & 3];
}

static uint32_t sp804_mask(const struct sp804_timer *t)
{
	return (t->control & CTRL_32BIT) ? 0xffffffffu : 0xffffu;
}

/* The value loaded when the counter wraps past zero. */
static uint32_t sp804_reload(const struct sp804_timer *t)
{
	if (t->control & CTRL_PERIODIC)
		return t->load & sp804_mask(t);
	return sp804_mask(t);
}

static uint32_t sp804_value(const struct sp804_timer *t, uint64_t now)
{
	uint64_t ticks, period;

	if (!t->running)
		return t->held;
	ticks = now > t->anchor_ns ? (now - t->anchor_ns) / sp804_tick_ns(t) : 0;
	if (ticks <= t->anchor_value)
		return t->anchor_value - (uint32_t)ticks;
	if (t->control & CTRL_ONESHOT)
		return 0;
	period = (uint64_t)sp804_reload(t) + 1;
	return sp804_reload(t) - (uint32_t)((ticks - t->anchor_value - 1) % period);
}

/* Host time of the first zero crossing strictly after `now`, or 0. */
static uint64_t sp804_next_zero_after(const struct sp804_timer *t, uint64_t now)
{
	uint64_t tick = sp804_tick_ns(t);
	uint64_t first = now >= t->anchor_ns ? (now - t->anchor_ns) / tick + 1 : 0;
	uint64_t crossing = t->anchor_value;

	if (crossing < first) {
		uint64_t period;

		if (t->control & CTRL_ONESHOT)
			return 0;
		period = (uint64_t)sp804_reload(t) + 1;
		crossing += (first - crossing + period - 1) / period * period;
	}
	return t->anchor_ns + crossing * tick;
}

static void sp804_update_line(struct sp804 *s)
{
	bool line = (s->t[0].ris && (s->t[0].control & CTRL_IE)) ||
		    (s->t[1].ris && (s->t[1].control & CTRL_IE));

	if (line != s->line) {
		s->line = line;
		machine_set_irq(s->dev.machine, s->irq, line);
	}
}

/* Count every zero crossing up to now into RIS. */
static void sp804_sync(struct sp804_timer *t, uint64_t now)
{
	if (t->running && t->next_zero_ns && now >= t->next_zero_ns) {
		t->ris = true;
		t->next_zero_ns = sp804_next_zero_after(t, now);
	}
}

/* Only an enabled interrupt needs the host to wake for the crossing. */
static void sp804_schedule(struct sp804_timer *t)
{
	struct machine *m = sp804_machine(t);

	if (t->running && t->next_zero_ns && (t->control & CTRL_IE))
		machine_timer_arm(m, &t->alarm, t->next_zero_ns);
	else
		machine_timer_cancel(m, &t->alarm);
}

/* (Re)start counting down from `value` now. */
static void sp804_start(struct sp804_timer *t, uint64_t now, uint32_t value)
{
	t->running = true;
	t->anchor_ns = now;
	t->anchor_value = value;
	t->next_zero_ns = sp804_next_zero_after(t, now);
}

static void sp804_alarm_fire(struct machine_timer *mt)
{
	struct sp804_timer *t = mmio_container(mt, struct sp804_timer, alarm);

	sp804_sync(t, machine_now_ns(sp804_machine(t)));
	sp804_update_line(t->owner);
	sp804_schedule(t);
}

static uint32_t sp804_timer_read(struct sp804_timer *t, uint32_t reg, uint64_t now)
{
	sp804_sync(t, now);
	switch (reg) {
	case TIMER_LOAD:
	case TIMER_BGLOAD:
		return t->load;
	case TIMER_VALUE:
		return sp804_value(t, now);
	case TIMER_CONTROL:
		return t->control;
	case TIMER_RIS:
		return t->ris;
	case TIMER_MIS:
		return t->ris && (t->control & CTRL_IE);
	default:
		return 0;
	}
}

static void sp804_timer_write(struct sp804_timer *t, uint32_t reg, uint32_t value, uint64_t now)
{
	uint32_t current;

	sp804_sync(t, now);
	switch (reg) {
	case TIMER_LOAD:
		/* The counter restarts from the new value at once; loading
		 * zero counts as reaching zero now. */
		t->load = value;
		if (t->running) {
			sp804_start(t, now, value & sp804_mask(t));
			if ((value & sp804_mask(t)) == 0) {
				t->ris = true;
				t->next_zero_ns = sp804_next_zero_after(t, now);
			}
		} else {
			t->held = value & sp804_mask(t);
		}
		break;
	case TIMER_BGLOAD:
		/* Takes effect at the next reload; the count goes on. */
		if (t->running) {
			current = sp804_value(t, now);
			t->load = value;
			sp804_start(t, now, current);
		} else {
			t->load = value;
		}
		break;
	case TIMER_CONTROL:
		current = sp804_value(t, now);
		t->control = value & 0xef;
		current &= sp804_mask(t);
		if (t->control & CTRL_ENABLE) {
			sp804_start(t, now, current);
		} else {
			t->running = false;
			t->held = current;
			t->next_zero_ns = 0;
		}
		break;
	case TIMER_INTCLR:
		t->ris = false;
		break;
	default:
		break;
	}
	sp804_update_line(t->owner);
	sp804_schedule(t);
}

/* Timer 0's registers are at 0x00, timer 1's at 0x20. */
static int sp804_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct sp804 *s = mmio_container(dev, struct sp804, dev);
	uint32_t reg = offset & ~3u;
	uint32_t word = 0;

	if (!mmio_access_ok(offset, size))
		return -1;
	if (reg < 0x40) {
		struct sp804_timer *t = &s->t[reg / 0x20];

		/* The read counts crossings the alarm has not reported yet. */
		word = sp804_timer_read(t, reg % 0x20, machine_now_ns(dev->machine));
		sp804_update_line(s);
		sp804_schedule(t);
	} else {
		mmio_primecell_id(sp804_periph_id, reg, &word);
	}
	*value = mmio_extract(word, offset, size);
	return 0;
}

static int sp804_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct sp804 *s = mmio_container(dev, struct sp804, dev);
	uint32_t reg = offset & ~3u;
	uint64_t now = machine_now_ns(dev->machine);
	struct sp804_timer *t;

	if (!mmio_access_ok(offset, size))
		return -1;
	if (reg >= 0x40)
		return 0;	/* integration test registers: not modelled */
	t = &s->t[reg / 0x20];
	reg %= 0x20;
	/* A narrow store changes only its own lanes of the register. */
	if (size < 4) {
		uint32_t old = reg == TIMER_INTCLR ? 0 : sp804_timer_read(t, reg, now);

		value = mmio_merge(old, mmio_place(value, offset, size), mmio_lanes(offset, size));
	}
	sp804_timer_write(t, reg, value, now);
	return 0;
}

static void sp804_reset(struct device *dev)
{
	struct sp804 *s = mmio_container(dev, struct sp804, dev);

	for (unsigned i = 0; i < 2; i++) {
		struct sp804_timer *t = &s->t[i];

		machine_timer_cancel(dev->machine, &t->alarm);
		t->load = 0;
		t->control = CTRL_IE;
		t->ris = false;
		t->running = false;
		t->held = 0xffffffffu;
		t->next_zero_ns = 0;
	}
	sp804_update_line(s);
}

static void sp804_destroy(struct device *dev)
{
	free(mmio_container(dev, struct sp804, dev));
}

static const struct device_ops sp804_ops = {
	.read = sp804_read,
	.write = sp804_write,
	.reset = sp804_reset,
	.destroy = sp804_destroy,
};

int sp804_create(struct machine *m, const char *name, gpa_t base, unsigned irq)
{
	struct sp804 *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->dev = (struct device){ .name = name, .ops = &sp804_ops, .base = base, .size = 0x1000 };
	s->irq = irq;
	for (unsigned i = 0; i < 2; i++) {
		s->t[i].owner = s;
		s->t[i].alarm.fire = sp804_alarm_fire;
	}
	rc = machine_add_device(m, &s->dev);
	if (rc) {
		free(s);
		return rc;
	}
	sp804_reset(&s->dev);
	return 0;
}
