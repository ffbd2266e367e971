/*
 * One guest machine being run: guest RAM, the shared page, the board, the
 * chosen backend and io host half, and the host-side statistics. Common code
 * for both backends lives in vm.c; backend specifics behind struct backend_ops.
 */
#ifndef FRAMEWORK_VM_H
#define FRAMEWORK_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include "captive/abi.h"
#include "jitlog.h"
#include "platform/machine.h"
#include "plugin.h"

struct captive_config;
struct auto_report;
struct vm;

/* Host-side counters (engine-side ones live in sh->stats). */
enum vm_exit_kind {
	VM_EXIT_IO,		/* KVM_EXIT_IO (doorbell) */
	VM_EXIT_MMIO,		/* KVM_EXIT_MMIO, or a process-backend MMIO doorbell */
	VM_EXIT_INTR,		/* KVM_EXIT_INTR (signal kick) */
	VM_EXIT_OTHER,
	VM_EXIT_KINDS
};

struct vm_stats {
	uint64_t exits[VM_EXIT_KINDS];
	uint64_t exit_ns[VM_EXIT_KINDS];	/* kvm: host time from an exit to re-entry */
	uint64_t doorbells[16];		/* by enum captive_doorbell */
	uint64_t barrier_requests;
	uint64_t barrier_parks;
	uint64_t wfi_ns;		/* time the guest spent idle */
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t start_tsc;		/* the time-stamp counter at the same points */
	uint64_t end_tsc;
};

/*
 * A backend: where the engine runs.
 *   create   allocate backend state and load the engine image named by
 *            vm->engine_path; vm->ram already exists. Must set vm->sh to a
 *            zeroed, page-aligned 2-page area the engine can reach, and
 *            vm->phys_window; the framework fills the shared page after
 *            create and before run. 0 or -errno, reason already reported
 *            (vm_error).
 *   run      run the engine until it rings EXIT or PANIC, or a fatal host
 *            error. Returns 0 when the engine finished (see vm->sh->exit),
 *            or -errno after reporting.
 *   kick     from any thread: make the engine notice sh->stop_request soon,
 *            even if it is stuck (kvm: immediate_exit + signal).
 *   destroy  free everything create made. May be called after a failed create.
 */
struct backend_ops {
	const char *name;
	const char *description;
	const char *engine_subdir;	/* "kvm" or "process" */
	const char *engine_suffix;	/* ".elf" or ".so" */
	int (*create)(struct vm *vm);
	int (*run)(struct vm *vm);
	void (*kick)(struct vm *vm);
	void (*destroy)(struct vm *vm);
};

extern const struct backend_ops backend_kvm;
extern const struct backend_ops backend_process;

/* Why the host asked the engine to stop (first cause wins). */
enum vm_stop_cause {
	VM_STOP_NONE = 0,
	VM_STOP_POWER_OFF,
	VM_STOP_REBOOT,
	VM_STOP_TIMEOUT,
	VM_STOP_WATCHDOG,
	VM_STOP_SIGNAL,
	VM_STOP_ERROR,
	VM_STOP_QUIT,		/* the user typed Ctrl-A x */
};

struct vm {
	const struct captive_config *cfg;
	struct machine *machine;
	const struct backend_ops *backend;
	void *backend_priv;
	const struct io_host_ops *io_host;
	void *io_priv;

	/* guest RAM: a memfd, mapped here in the hypervisor */
	int ram_fd;
	uint8_t *ram;
	gpa_t ram_base;
	uint64_t ram_size;

	/* the shared page, host view (page aligned, 2 pages), and the engine's
	 * address of guest physical 0: both set by backend create() */
	struct captive_shared *sh;
	uint64_t phys_window;
	/* where the host sees the engine's own memory (run.jit_log reads
	 * translated code there): kvm, the engine slot; process, NULL (the
	 * engine's addresses are the host's) */
	struct jitlog_code engine_mem;

	char engine_path[4096];

	/* the virtio-blk disk file (fd -1: none); flushed and closed on every
	 * exit path */
	struct board_disk disk;

	/* irq/WFI handshake between device threads and the engine's thread */
	pthread_mutex_t wfi_lock;
	pthread_cond_t wfi_cond;

	/* the gdb stub, or NULL (debug.gdb) */
	struct gdbstub *gdb;

	/* run.jit_log and run.perf_map, or NULL (jitlog.h) */
	struct jitlog *jitlog;

	atomic_int stop;		/* enum vm_stop_cause; non-zero: stop requested */
	atomic_int watchdog_fired;
	/* device accesses in progress (vm_mmio): the engine is waiting on the
	 * host - a disk flush may take seconds - so the watchdog counts that
	 * time as neither stuck nor idle-without-progress */
	atomic_uint in_device;

	struct vm_stats stats;

	/* how strategy.* = auto was resolved (NULL or n == 0: nothing was auto) */
	const struct auto_report *autos;
};

/* Report an error once, prefixed "captive: ". */
void vm_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Handle one doorbell from the engine (both backends call this).
 * Returns 0 to resume the engine, 1 when the engine has finished (EXIT/PANIC).
 */
int vm_doorbell(struct vm *vm, uint32_t code);

/* A device access that left the engine (MMIO exit or doorbell): 0 or 1 (abort). */
int vm_mmio(struct vm *vm, gpa_t pa, unsigned size, uint32_t *val, bool write);

/* Refresh sh->clock from CLOCK_MONOTONIC. */
void vm_refresh_clock(struct vm *vm);

/* Request the engine to stop at its next safe point (any thread, not a
 * signal handler): records the first cause, sets sh->stop_request, wakes a
 * WFI wait and kicks the backend. */
void vm_request_stop(struct vm *vm, enum vm_stop_cause cause);

/* Run a whole guest as configured; returns the process exit status
 * (0 powered off, 2 bad input, 3 engine stop, 4 watchdog/timeout). cfg has
 * no "auto" left; autos (may be NULL) says how auto keys were resolved, for
 * the stats JSON. */
int vm_run(const struct captive_config *cfg, const char *stats_json,
	   const struct auto_report *autos);

uint64_t vm_now_ns(void);

#endif
