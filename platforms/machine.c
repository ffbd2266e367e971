/*
 * The machine core: board registry, the device bus, interrupt routing to the
 * board's interrupt controller, console input, and the device timer thread.
 *
 * Locking: every entry point called from outside the board (machine_access,
 * machine_console_input, machine_reset, the timer thread) takes m->lock, a
 * plain non-recursive mutex; device callbacks and the host services they call
 * run with it held. machine_set_irq and machine_timer_arm/cancel are called by
 * devices, so with the lock already held.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boards.h"
#include "platform/machine.h"
#include "platform/mmio.h"

const struct board *const machine_boards[] = {
	&board_vexpress_a9,
	NULL,
};

/* Bus warnings: one per distinct 4 KiB page, this many in all. */
#define MACHINE_MAX_BUS_WARNINGS 10

/* What the bus keeps beside the public struct machine. */
struct machine_bus {
	struct machine m;
	gpa_t warned_pages[MACHINE_MAX_BUS_WARNINGS];
	unsigned nwarned;
	struct device *last_hit;
};

static struct machine_bus *machine_bus_of(struct machine *m)
{
	return mmio_container(m, struct machine_bus, m);
}

const struct board *board_find(const char *name)
{
	for (unsigned i = 0; machine_boards[i]; i++)
		if (strcmp(machine_boards[i]->name, name) == 0)
			return machine_boards[i];
	return NULL;
}

static void machine_destroy_devices(struct machine *m)
{
	while (m->ndevs > 0) {
		struct device *dev = m->devs[--m->ndevs];

		m->devs[m->ndevs] = NULL;
		dev->ops->destroy(dev);
	}
}

int machine_create(struct machine **out, const char *board_name, const struct board_params *p,
		   const struct machine_host *host)
{
	const struct board *board = board_find(board_name);
	struct machine_bus *bus;
	struct machine *m;
	pthread_condattr_t cattr;
	int rc;

	*out = NULL;
	if (!board)
		return -ENOENT;
	if (p->ram_size > board->ram_max)
		return -EINVAL;

	bus = calloc(1, sizeof(*bus));
	if (!bus)
		return -ENOMEM;
	m = &bus->m;
	m->host = *host;
	m->board = board;
	m->params = *p;

	rc = -pthread_mutex_init(&m->lock, NULL);
	if (rc)
		goto err_free;
	/* Deadlines are CLOCK_MONOTONIC ns (host.now_ns), so the wait must be too. */
	rc = -pthread_condattr_init(&cattr);
	if (rc)
		goto err_mutex;
	rc = -pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	if (!rc)
		rc = -pthread_cond_init(&m->timer_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	if (rc)
		goto err_mutex;

	pthread_mutex_lock(&m->lock);
	rc = board->create(m, p);
	pthread_mutex_unlock(&m->lock);
	if (rc)
		goto err_devices;

	*out = m;
	return 0;

err_devices:
	machine_destroy_devices(m);
	pthread_cond_destroy(&m->timer_cond);
err_mutex:
	pthread_mutex_destroy(&m->lock);
err_free:
	free(bus);
	return rc;
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	pthread_cond_broadcast(&m->timer_cond);
	pthread_mutex_unlock(&m->lock);
	if (m->timer_running) {
		pthread_join(m->timer_thread, NULL);
		m->timer_running = false;
	}
	/* No thread can reach a device now; timers still listed die with them. */
	m->timers = NULL;
	machine_destroy_devices(m);
	pthread_cond_destroy(&m->timer_cond);
	pthread_mutex_destroy(&m->lock);
	free(machine_bus_of(m));
}

int machine_add_device(struct machine *m, struct device *dev)
{
	if (dev->size == 0 || !dev->ops || !dev->ops->read || !dev->ops->write || !dev->ops->destroy)
		return -EINVAL;
	if (m->ndevs >= MACHINE_MAX_DEVICES)
		return -ENOSPC;
	for (unsigned i = 0; i < m->ndevs; i++) {
		const struct device *o = m->devs[i];

		if (dev->base < o->base + o->size && o->base < dev->base + dev->size)
			return -EEXIST;
	}
	dev->machine = m;
	dev->reads = 0;
	dev->writes = 0;
	m->devs[m->ndevs++] = dev;
	return 0;
}

struct device *machine_find_device(struct machine *m, gpa_t pa)
{
	for (unsigned i = 0; i < m->ndevs; i++) {
		struct device *dev = m->devs[i];

		if (pa >= dev->base && pa - dev->base < dev->size)
			return dev;
	}
	return NULL;
}

/* Rate-limited: the first access to each distinct page, up to a total. */
static void machine_bus_warn(struct machine *m, const char *what, gpa_t pa, unsigned size,
			     bool write)
{
	struct machine_bus *bus = machine_bus_of(m);
	gpa_t page = pa >> 12;
	const char *outcome;
	char msg[256];

	if (bus->nwarned >= MACHINE_MAX_BUS_WARNINGS)
		return;
	for (unsigned i = 0; i < bus->nwarned; i++)
		if (bus->warned_pages[i] == page)
			return;
	bus->warned_pages[bus->nwarned++] = page;

	if (m->params.strict_bus)
		outcome = "external abort (strict bus)";
	else
		outcome = write ? "write ignored" : "read as zero";
	snprintf(msg, sizeof(msg), "%s: %u-byte %s at physical 0x%08" PRIx64 ": %s%s", what, size,
		 write ? "write" : "read", pa, outcome,
		 bus->nwarned == MACHINE_MAX_BUS_WARNINGS ? " (further bus warnings suppressed)" : "");
	m->host.warn(m->host.opaque, msg);
}

int machine_access(struct machine *m, gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	struct machine_bus *bus = machine_bus_of(m);
	struct device *dev;
	int rc = -1;

	pthread_mutex_lock(&m->lock);
	dev = bus->last_hit;
	if (!dev || pa < dev->base || pa - dev->base >= dev->size)
		dev = machine_find_device(m, pa);
	if (dev && pa - dev->base + size <= dev->size) {
		uint32_t offset = (uint32_t)(pa - dev->base);

		bus->last_hit = dev;
		if (write) {
			dev->writes++;
			rc = dev->ops->write(dev, offset, size, *val);
		} else {
			dev->reads++;
			rc = dev->ops->read(dev, offset, size, val);
		}
		if (rc < 0)
			machine_bus_warn(m, dev->name, pa, size, write);
	} else {
		m->unmapped_accesses++;
		machine_bus_warn(m, "unmapped physical address", pa, size, write);
	}

	if (rc < 0) {
		if (m->params.strict_bus) {
			pthread_mutex_unlock(&m->lock);
			return 1;
		}
		if (!write)
			*val = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

void machine_set_irq(struct machine *m, unsigned irq, bool level)
{
	if (irq < MACHINE_MAX_IRQS && m->irq_set)
		m->irq_set(m, irq, level);
}

int machine_console_input(struct machine *m, uint8_t byte)
{
	int rc = -ENODEV;

	pthread_mutex_lock(&m->lock);
	if (m->console_input)
		rc = m->console_input(m, byte);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

void machine_reset(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	for (unsigned i = 0; i < m->ndevs; i++)
		if (m->devs[i]->ops->reset)
			m->devs[i]->ops->reset(m->devs[i]);
	pthread_mutex_unlock(&m->lock);
}

static void machine_timer_unlink(struct machine *m, struct machine_timer *t)
{
	for (struct machine_timer **pp = &m->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->deadline_ns = 0;
}

void machine_timer_arm(struct machine *m, struct machine_timer *t, uint64_t deadline_ns)
{
	struct machine_timer **pp;

	if (t->deadline_ns)
		machine_timer_unlink(m, t);
	if (!deadline_ns)
		return;
	t->deadline_ns = deadline_ns;
	/* Equal deadlines fire in the order they were armed. */
	for (pp = &m->timers; *pp && (*pp)->deadline_ns <= deadline_ns; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	if (m->timers == t)
		pthread_cond_broadcast(&m->timer_cond);
}

void machine_timer_cancel(struct machine *m, struct machine_timer *t)
{
	if (t->deadline_ns)
		machine_timer_unlink(m, t);
}

uint64_t machine_run_timers(struct machine *m)
{
	uint64_t now = machine_now_ns(m);
	unsigned budget = 0;

	/* At most as many firings as timers were armed on entry: one that
	 * re-arms itself at or before `now` waits for the next call, so a
	 * device cannot spin us here. */
	for (const struct machine_timer *t = m->timers; t; t = t->next)
		budget++;
	while (budget-- > 0 && m->timers && m->timers->deadline_ns <= now) {
		struct machine_timer *t = m->timers;

		m->timers = t->next;
		t->next = NULL;
		t->deadline_ns = 0;
		t->fire(t);
	}
	return m->timers ? m->timers->deadline_ns : 0;
}

static void *machine_timer_main(void *arg)
{
	struct machine *m = arg;

	pthread_mutex_lock(&m->lock);
	while (!m->stopping) {
		uint64_t next = machine_run_timers(m);

		if (m->stopping)
			break;
		if (!next) {
			pthread_cond_wait(&m->timer_cond, &m->lock);
		} else if (next > machine_now_ns(m)) {
			struct timespec ts = {
				.tv_sec = (time_t)(next / 1000000000u),
				.tv_nsec = (long)(next % 1000000000u),
			};

			pthread_cond_timedwait(&m->timer_cond, &m->lock, &ts);
		} else {
			/* Already due again: let the vCPU and console threads in first. */
			pthread_mutex_unlock(&m->lock);
			sched_yield();
			pthread_mutex_lock(&m->lock);
		}
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

int machine_start_timers(struct machine *m)
{
	sigset_t all, old;
	int rc;

	if (m->timer_running)
		return 0;
	/* Signals aimed at the process (the kvm backend's kicks) must not land
	 * on this thread: it inherits a mask that blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&m->timer_thread, NULL, machine_timer_main, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
	pthread_setname_np(m->timer_thread, "captive-timers");
	m->timer_running = true;
	return 0;
}
