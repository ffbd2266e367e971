/* The fake machine host of the device harnesses (see fuzz_support.h). */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t fuzz_now(void *o)
{
	return ((struct fuzz_host *)o)->now;
}

static void fuzz_cpu_lines(void *o, bool irq, bool fiq)
{
	struct fuzz_host *h = o;

	h->irq = irq;
	h->fiq = fiq;
}

static void fuzz_console_write(void *o, const uint8_t *buf, size_t len)
{
	((struct fuzz_host *)o)->console_bytes += len;
}

static void fuzz_power(void *o, enum machine_power req)
{
	((struct fuzz_host *)o)->power = req;
}

static void fuzz_warn(void *o, const char *msg)
{
	((struct fuzz_host *)o)->warnings++;
}

static void fuzz_ram_written(void *o, gpa_t pa, uint64_t len)
{
	((struct fuzz_host *)o)->ram_written += len;
}

struct machine_host fuzz_machine_host(struct fuzz_host *h)
{
	return (struct machine_host){
		.opaque = h,
		.now_ns = fuzz_now,
		.cpu_lines = fuzz_cpu_lines,
		.console_write = fuzz_console_write,
		.power = fuzz_power,
		.warn = fuzz_warn,
		.ram_written = fuzz_ram_written,
	};
}

struct machine *fuzz_machine_create(struct fuzz_host *h, uint64_t ram_size,
				    const struct board_disk *disk, bool strict_bus)
{
	const struct machine_host mh = fuzz_machine_host(h);
	const struct board_params p = { .ram_size = ram_size, .strict_bus = strict_bus, .disk = disk };
	struct machine *m = NULL;
	int rc = machine_create(&m, "vexpress-a9", &p, &mh);

	if (rc || !m) {
		dprintf(2, "fuzz: machine_create: %d\n", rc);
		abort();
	}
	return m;
}
