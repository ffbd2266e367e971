/*
 * The guest board as the framework sees it: a bus of device models, interrupt
 * routing to the CPU, and device timers. Device models live here, in the
 * hypervisor; accesses reach them through the io strategy (KVM MMIO exit,
 * barrier service thread, or a direct call under the process backend).
 *
 * Threads: the engine/vCPU thread or the barrier service thread (accesses),
 * the machine's timer thread (device timers), the console input thread. One
 * lock, machine.lock, serialises all of them; device callbacks run with it
 * held and must never block.
 */
#ifndef PLATFORM_MACHINE_H
#define PLATFORM_MACHINE_H

#include <pthread.h>
#include <stdarg.h>
#include "captive/types.h"

struct machine;
struct device;

enum machine_power { MACHINE_POWER_OFF = 1, MACHINE_REBOOT = 2 };

/* Services the framework gives the board. All are called with machine.lock held. */
struct machine_host {
	void *opaque;
	/* CLOCK_MONOTONIC in ns. */
	uint64_t (*now_ns)(void *opaque);
	/* The CPU's IRQ/FIQ input lines changed level. */
	void (*cpu_lines)(void *opaque, bool irq, bool fiq);
	/* Bytes the guest sent to the console UART. */
	void (*console_write)(void *opaque, const uint8_t *buf, size_t len);
	/* The guest asked to power off or reboot. */
	void (*power)(void *opaque, enum machine_power req);
	/* A warning for the user (printed once per distinct cause by the caller). */
	void (*warn)(void *opaque, const char *msg);
	/* A device wrote guest RAM [pa, pa + len) behind the CPU's back (DMA):
	 * the framework marks those pages dirty for the engine's code caches.
	 * May be NULL (unit tests without an engine). */
	void (*ram_written)(void *opaque, gpa_t pa, uint64_t len);
};

/* Guest RAM as devices reach it for DMA: guest-physical [base, base + size)
 * at host address `host`. Set by the framework once RAM exists, before any
 * device access; host NULL means no RAM (every DMA fails). */
struct machine_ram {
	gpa_t base;
	uint64_t size;
	uint8_t *host;
};

struct device_ops {
	/* Access `size` bytes (1, 2 or 4) at `offset` in the device's window.
	 * Return 0, or -1 when the device answers with a bus error (external
	 * abort under --strict-bus, read-as-zero otherwise). */
	int (*read)(struct device *dev, uint32_t offset, unsigned size, uint32_t *value);
	int (*write)(struct device *dev, uint32_t offset, unsigned size, uint32_t value);
	/* Back to power-on state (also used on guest reboot). May be NULL. */
	void (*reset)(struct device *dev);
	/* Free dev and its private state. */
	void (*destroy)(struct device *dev);
};

struct device {
	const char *name;
	const struct device_ops *ops;
	gpa_t base;
	uint32_t size;
	struct machine *machine;
	uint64_t reads;	/* counted by the bus */
	uint64_t writes;
};

/* A one-shot device timer: fire() runs on the timer thread, lock held. */
struct machine_timer {
	void (*fire)(struct machine_timer *t);
	uint64_t deadline_ns;	/* 0: not armed */
	struct machine_timer *next;
};

/* A host file backing a block device. The framework opens, flushes and
 * closes it; devices only pread/pwrite/fdatasync the descriptor. */
struct board_disk {
	const char *path;	/* for messages */
	int fd;
	uint64_t size;		/* bytes */
	bool readonly;
};

struct board_params {
	uint64_t ram_size;
	bool strict_bus;
	const struct board_disk *disk;	/* NULL: no disk */
};

struct board {
	const char *name;
	const char *description;
	gpa_t ram_base;
	uint64_t ram_max;
	/* Create and register the board's devices on m. Returns 0 or -errno. */
	int (*create)(struct machine *m, const struct board_params *p);
	/* Guest physical addresses of SYS_24MHZ-like counters the engine may
	 * serve itself (fills at most max entries of struct captive_fast_read);
	 * returns the count. */
	unsigned (*fast_reads)(struct machine *m, void *out_fast_reads, unsigned max);

	/* Booting Linux: the machine number passed in r1, and what the
	 * framework adds to the device tree for the virtio-mmio transports
	 * (virtio_count 0: none) - `virtio_count` nodes at virtio_base + i *
	 * virtio_stride, GIC SPI virtio_spi + i, wired to the interrupt
	 * controller compatible with dt_intc_compatible. */
	uint32_t linux_machine_id;
	const char *dt_intc_compatible;
	gpa_t virtio_base;
	uint32_t virtio_stride;
	unsigned virtio_count;
	unsigned virtio_spi;
};

#define MACHINE_MAX_DEVICES 32
#define MACHINE_MAX_IRQS 96

struct machine {
	struct machine_host host;
	const struct board *board;
	struct board_params params;
	pthread_mutex_t lock;
	struct device *devs[MACHINE_MAX_DEVICES];
	unsigned ndevs;
	/* Interrupt controller input: set by the board (GIC) at create time. */
	void (*irq_set)(struct machine *m, unsigned irq, bool level);
	void *irq_ctl;
	/* Console input sink (the UART), set by the board: 0, or -EAGAIN while
	 * its receive FIFO is full (the byte was not taken). */
	int (*console_input)(struct machine *m, uint8_t byte);
	void *console_dev;
	/* Timers. */
	struct machine_timer *timers;
	pthread_cond_t timer_cond;
	pthread_t timer_thread;
	bool timer_running;
	bool stopping;
	uint64_t unmapped_accesses;
	/* Guest RAM for device DMA (see struct machine_ram). */
	struct machine_ram ram;
};

const struct board *board_find(const char *name);
/* NULL-terminated list of all boards, for --help and errors. */
extern const struct board *const machine_boards[];

/* Create the machine for board `name`; returns 0 or -errno (-ENOENT: no such board). */
int machine_create(struct machine **out, const char *board_name, const struct board_params *p,
		   const struct machine_host *host);
void machine_destroy(struct machine *m);
int machine_start_timers(struct machine *m);

/* Register a device (called by board create). Returns 0 or -errno. */
int machine_add_device(struct machine *m, struct device *dev);

/*
 * Bus access from the CPU. Takes the lock. Unmapped addresses read as zero and
 * ignore writes, with a warning, unless params.strict_bus. Returns 0, or 1 for
 * an external abort.
 */
int machine_access(struct machine *m, gpa_t pa, unsigned size, uint32_t *val, bool write);

/* Raise/lower interrupt controller input `irq` (GIC numbering). Lock held. */
void machine_set_irq(struct machine *m, unsigned irq, bool level);

/*
 * Console byte typed by the user. Takes the lock. Returns 0, or -EAGAIN when
 * the UART cannot take it yet (receive FIFO full: offer it again after the
 * guest has read some; nothing is dropped), or -ENODEV without a console UART.
 */
int machine_console_input(struct machine *m, uint8_t byte);

/* Every device back to its power-on state (guest reboot). Takes the lock. */
void machine_reset(struct machine *m);

/* The device whose window holds pa, or NULL. Devices are only added while
 * nothing else runs (board create, then set-up before the engine and the
 * timer thread start), so no lock is needed. */
struct device *machine_find_device(struct machine *m, gpa_t pa);

/*
 * Fire every armed timer whose deadline has passed by machine_now_ns(), in
 * deadline order. Lock held. Returns the earliest deadline still armed, or 0.
 * The timer thread runs on this; tests with a fake clock call it directly
 * instead of starting the thread.
 */
uint64_t machine_run_timers(struct machine *m);

/* Arm (deadline_ns != 0) or cancel a timer. Lock held. */
void machine_timer_arm(struct machine *m, struct machine_timer *t, uint64_t deadline_ns);
void machine_timer_cancel(struct machine *m, struct machine_timer *t);

static inline uint64_t machine_now_ns(struct machine *m)
{
	return m->host.now_ns(m->host.opaque);
}

#endif
