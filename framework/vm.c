/*
 * Running one guest: common to both backends. Owns guest RAM, the board, the
 * doorbell protocol, the clock page, the watchdog and the timeout.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "config.h"
#include "console.h"
#include "crash.h"
#include "gdbstub.h"
#include "jitlog.h"
#include "loader.h"
#include "plugins.h"
#include "stats.h"
#include "vm.h"
#include "watchdog.h"

#define VM_TICK_NS 1000000ull	/* clock page refresh period */
#define VM_KICK_GRACE_S 3	/* how long a kicked engine gets to stop */

void vm_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("captive: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

uint64_t vm_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void vm_refresh_clock(struct vm *vm)
{
	__atomic_store_n(&vm->sh->clock.mono_ns, vm_now_ns(), __ATOMIC_RELEASE);
}

void vm_request_stop(struct vm *vm, enum vm_stop_cause cause)
{
	int none = VM_STOP_NONE;
	atomic_compare_exchange_strong(&vm->stop, &none, (int)cause);
	__atomic_store_n(&vm->sh->stop_request, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&vm->wfi_lock);
	pthread_cond_broadcast(&vm->wfi_cond);
	pthread_mutex_unlock(&vm->wfi_lock);
	if (vm->gdb)
		gdbstub_release(vm->gdb);
	if (vm->backend->kick)
		vm->backend->kick(vm);
}

/* ---- services for the board (called with the machine lock held) -------- */

static uint64_t vm_host_now_ns(void *opaque)
{
	return vm_now_ns();
}

static void vm_host_cpu_lines(void *opaque, bool irq, bool fiq)
{
	struct vm *vm = opaque;
	__atomic_store_n(&vm->sh->irq_line, (irq ? 1u : 0u) | (fiq ? 2u : 0u), __ATOMIC_RELEASE);
	if (irq || fiq) {
		pthread_mutex_lock(&vm->wfi_lock);
		pthread_cond_broadcast(&vm->wfi_cond);
		pthread_mutex_unlock(&vm->wfi_lock);
	}
}

static void vm_host_console_write(void *opaque, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return; /* stdout closed: the guest's output has nowhere to go */
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void vm_host_power(void *opaque, enum machine_power req)
{
	vm_request_stop(opaque, req == MACHINE_REBOOT ? VM_STOP_REBOOT : VM_STOP_POWER_OFF);
}

static void vm_host_warn(void *opaque, const char *msg)
{
	fprintf(stderr, "captive: warning: %s\n", msg);
}

static void vm_host_ram_written(void *opaque, gpa_t pa, uint64_t len)
{
	vm_ram_mark_written(opaque, pa, len);
}

/* ---- doorbells and device accesses -------------------------------------- */

int vm_mmio(struct vm *vm, gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	atomic_fetch_add_explicit(&vm->in_device, 1, memory_order_relaxed);
	int rc = machine_access(vm->machine, pa, size, val, write);
	atomic_fetch_sub_explicit(&vm->in_device, 1, memory_order_relaxed);
	return rc;
}

static void vm_wait_for_interrupt(struct vm *vm)
{
	uint64_t t0 = vm_now_ns();
	pthread_mutex_lock(&vm->wfi_lock);
	while (!__atomic_load_n(&vm->sh->irq_line, __ATOMIC_ACQUIRE) && !atomic_load(&vm->stop) &&
	       !gdbstub_break_pending(vm))
		pthread_cond_wait(&vm->wfi_cond, &vm->wfi_lock);
	pthread_mutex_unlock(&vm->wfi_lock);
	vm->stats.wfi_ns += vm_now_ns() - t0;
}

int vm_doorbell(struct vm *vm, uint32_t code)
{
	struct captive_shared *sh = vm->sh;
	if (code < CAPTIVE_ARRAY_SIZE(vm->stats.doorbells))
		vm->stats.doorbells[code]++;
	vm_refresh_clock(vm);
	switch (code) {
	case CAPTIVE_DB_LOG:
		fprintf(stderr, "engine: %.*s\n", (int)(sh->log.len < CAPTIVE_LOG_BYTES ? sh->log.len : CAPTIVE_LOG_BYTES), sh->log.buf);
		return 0;
	case CAPTIVE_DB_MMIO: {
		/* the process backend's analogue of a KVM MMIO exit */
		vm->stats.exits[VM_EXIT_MMIO]++;
		uint32_t v = (uint32_t)sh->io.value;
		sh->io.status = vm_mmio(vm, sh->io.pa, sh->io.size, &v, sh->io.write);
		sh->io.value = v;
		return 0;
	}
	case CAPTIVE_DB_WFI:
		vm_wait_for_interrupt(vm);
		return 0;
	case CAPTIVE_DB_WAKE_SERVICE:
		if (vm->io_host && vm->io_host->wake)
			vm->io_host->wake(vm->io_priv);
		return 0;
	case CAPTIVE_DB_CLOCK:
		return 0;
	case CAPTIVE_DB_DEBUG:
		if (vm->gdb) {
			gdbstub_engine_stopped(vm->gdb);
		} else { /* nobody to serve it: run on */
			__atomic_store_n(&sh->debug.armed, 0, __ATOMIC_RELEASE);
			sh->debug.cmd = CAPTIVE_DBG_CONTINUE;
		}
		return 0;
	case CAPTIVE_DB_JIT_BLOCK:
		if (vm->jitlog)
			jitlog_block(vm->jitlog, &sh->jit_block, vm->ram, vm->ram_base, vm->ram_size,
				     &vm->engine_mem);
		return 0;
	case CAPTIVE_DB_PANIC:
		crash_report_engine(vm, stderr);
		return 1;
	case CAPTIVE_DB_EXIT:
		return 1;
	}
	vm_error("engine rang unknown doorbell %u; stopping", code);
	sh->exit.reason = CAPTIVE_STOP_PANIC;
	snprintf(sh->exit.msg, sizeof(sh->exit.msg), "unknown doorbell %u", code);
	return 1;
}

/* ---- the ticker: clock page, timeout, watchdog, signals ------------------ */

static volatile sig_atomic_t vm_signal_seen;

static void vm_on_signal(int sig)
{
	vm_signal_seen = sig;
}

struct vm_ticker {
	struct vm *vm;
	pthread_t thread;
	atomic_int done;
};

/* What counts as guest progress for the watchdog. */
static uint64_t vm_progress_marker(const struct captive_shared *sh)
{
	return sh->stats.io_accesses + sh->stats.fast_reads + sh->stats.exceptions +
	       sh->stats.wfis;
}

static void *vm_ticker_main(void *arg)
{
	struct vm_ticker *t = arg;
	struct vm *vm = t->vm;
	const struct captive_config *cfg = vm->cfg;
	uint64_t start = vm_now_ns(), last_check = start, kicked_at = 0;
	struct watchdog dog;
	struct timespec period = { 0, VM_TICK_NS };

	/* The guest-progress limit only when asked for (--watchdog): a correct
	 * guest may compute for minutes with interrupts masked. */
	watchdog_init(&dog, cfg->run_watchdog, start);

	while (!atomic_load(&t->done)) {
		nanosleep(&period, NULL);
		uint64_t now = vm_now_ns();
		vm_refresh_clock(vm);
		if (vm_signal_seen && !atomic_load(&vm->stop)) {
			fprintf(stderr, "\ncaptive: %s: stopping the guest\n", strsignal(vm_signal_seen));
			vm_request_stop(vm, VM_STOP_SIGNAL);
			kicked_at = now;
		}
		if (cfg->run_timeout && !atomic_load(&vm->stop) &&
		    now - start >= cfg->run_timeout * 1000000000ull) {
			fprintf(stderr, "captive: --timeout: %llu s elapsed; stopping the guest\n",
				(unsigned long long)cfg->run_timeout);
			vm_request_stop(vm, VM_STOP_TIMEOUT);
			kicked_at = now;
		}
		/* A stop asked elsewhere (Ctrl-A x, power-off) gets the same grace. */
		if (!kicked_at && atomic_load(&vm->stop))
			kicked_at = now;
		if (now - last_check < 1000000000ull)
			continue;
		last_check = now;

		const struct captive_shared *sh = vm->sh;
		struct watchdog_sample sample = {
			.progress = vm_progress_marker(sh),
			.heartbeat = sh->heartbeat,
			.io = sh->stats.io_accesses,
			.idle = __atomic_load_n(&sh->in_wfi, __ATOMIC_ACQUIRE) ||
				(vm->gdb && gdbstub_holds_engine(vm->gdb)) ||
				atomic_load_explicit(&vm->in_device, memory_order_relaxed),
		};
		enum watchdog_verdict verdict = watchdog_check(&dog, &sample, now);
		if (verdict != WATCHDOG_FINE && !atomic_load(&vm->stop)) {
			if (verdict == WATCHDOG_ENGINE_STUCK)
				fprintf(stderr, "captive: watchdog: the engine has not reached a safe point for %llu s (engine stuck in a loop of its own)\n",
					(unsigned long long)dog.stuck_s);
			else
				fprintf(stderr, "captive: watchdog: the guest made no progress for %llu s (no device access, exception or WFI; a loop with interrupts masked?)\n",
					(unsigned long long)dog.progress_s);
			atomic_store(&vm->watchdog_fired, 1);
			vm_request_stop(vm, VM_STOP_WATCHDOG);
			kicked_at = now;
		}
		if (kicked_at && now - kicked_at >= VM_KICK_GRACE_S * 1000000000ull) {
			fprintf(stderr, "captive: the engine did not stop within %d s of being asked; last published state follows\n",
				VM_KICK_GRACE_S);
			crash_print_state(&vm->sh->state, stderr);
			/* _exit skips atexit: put the terminal back and make the
			 * guest's disk writes durable here. */
			console_restore();
			loader_flush_disk(&vm->disk);
			_exit(4);
		}
	}
	return NULL;
}

/* ---- putting it together -------------------------------------------------- */

static int vm_mmio_env(void *opaque, uint64_t pa, unsigned size, uint32_t *val, bool write)
{
	return vm_mmio(opaque, pa, size, val, write);
}

static void vm_count_env(void *opaque, int event)
{
	struct vm *vm = opaque;
	if (event)
		vm->stats.barrier_parks++;
	else
		vm->stats.barrier_requests++;
}

static const struct backend_ops *vm_backend(const char *name)
{
	return !strcmp(name, "kvm") ? &backend_kvm : &backend_process;
}

static int vm_create_ram(struct vm *vm)
{
	/* kvm: anonymous memory the host may back with 2 MiB pages, so a
	 * shadow-paging host (PVM) fills the native VM's view of guest RAM a
	 * huge page at a time. process keeps a memfd: hwmirror maps it into
	 * its windows, and shmem gets no huge pages here (shmem_enabled). */
	const bool anon = !strcmp(vm->cfg->strategy_backend, "kvm");
	if (!anon) {
		vm->ram_fd = memfd_create("captive-guest-ram", MFD_CLOEXEC);
		if (vm->ram_fd < 0 || ftruncate(vm->ram_fd, (off_t)vm->ram_size)) {
			vm_error("cannot allocate %llu MiB of guest RAM: %s",
				 (unsigned long long)(vm->ram_size >> 20), strerror(errno));
			return -ENOMEM;
		}
	}
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       anon ? MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE : MAP_SHARED, vm->ram_fd, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		vm_error("cannot map guest RAM: %s", strerror(errno));
		return -ENOMEM;
	}
	if (anon)
		madvise(vm->ram, vm->ram_size, MADV_HUGEPAGE);
	return 0;
}

static void vm_fill_shared(struct vm *vm)
{
	const struct captive_config *cfg = vm->cfg;
	struct captive_shared *sh = vm->sh;
	sh->magic = CAPTIVE_SHARED_MAGIC;
	sh->abi_version = CAPTIVE_ABI_VERSION;
	sh->config.io_strategy = !strcmp(cfg->strategy_io, "barrier") ? CAPTIVE_IO_BARRIER
								       : CAPTIVE_IO_MMIO_EXIT;
	sh->config.irq_strategy = !strcmp(cfg->strategy_irq, "per-block") ? CAPTIVE_IRQ_PER_BLOCK
									   : CAPTIVE_IRQ_PER_INSN;
	sh->config.fast_clock = cfg->run_fast_clock;
	sh->config.verbose = cfg->run_verbose;
	sh->config.jit_notify = jitlog_wants_blocks(vm->jitlog);
	sh->config.phys_window = vm->phys_window;
	sh->config.ram_base = vm->ram_base;
	sh->config.ram_size = vm->ram_size;
	sh->ram_fd = -1; /* the process backend sets its own */
	if (vm->machine->board->fast_reads)
		vm->machine->board->fast_reads(vm->machine, sh->fast_reads, CAPTIVE_MAX_FAST_READS);
	vm_refresh_clock(vm);
}

/* Map the engine's stop to the process exit status, printing why. */
static int vm_exit_status(struct vm *vm, int run_err)
{
	const struct captive_exit_info *e = &vm->sh->exit;
	if (run_err)
		return 3;
	switch (e->reason) {
	case CAPTIVE_STOP_REQUESTED:
	case CAPTIVE_STOP_NONE:
		switch (atomic_load(&vm->stop)) {
		case VM_STOP_POWER_OFF:
			return 0;
		case VM_STOP_REBOOT:
			fprintf(stderr, "captive: the guest asked for a reboot; exiting as QEMU -no-reboot does\n");
			return 0;
		case VM_STOP_TIMEOUT:
		case VM_STOP_WATCHDOG:
			crash_print_state(&vm->sh->state, stderr);
			return 4;
		case VM_STOP_SIGNAL:
			return 130;
		case VM_STOP_QUIT:
			return 0; /* as QEMU's Ctrl-A x */
		default:
			vm_error("the engine stopped without a reason");
			return 3;
		}
	case CAPTIVE_STOP_UNIMPLEMENTED:
		vm_error("unimplemented instruction 0x%0*x (%s) at guest pc 0x%08x: %s", e->thumb ? 4 : 8,
			 e->insn, e->thumb ? "Thumb" : "ARM", e->pc, e->msg);
		return 3;
	case CAPTIVE_STOP_HUNG:
		vm_error("the guest is stuck at pc 0x%08x: %s", e->pc, e->msg);
		crash_print_state(&vm->sh->state, stderr);
		return 4;
	case CAPTIVE_STOP_INSN_LIMIT:
		return 0;
	default:
		vm_error("the engine stopped: %s (pc 0x%08x)", e->msg, e->pc);
		return 3;
	}
}

int vm_run(const struct captive_config *cfg, const char *stats_json,
	   const struct auto_report *autos)
{
	struct vm vmo = { .cfg = cfg, .ram_fd = -1, .disk = { .fd = -1 }, .autos = autos };
	struct vm *vm = &vmo;
	struct plugin_handle plugins[3] = { 0 };
	const char *choice[3] = { cfg->strategy_mmu, cfg->strategy_exec, cfg->strategy_io };
	int status = 2, err;

	pthread_mutex_init(&vm->wfi_lock, NULL);
	pthread_cond_init(&vm->wfi_cond, NULL);
	vm->backend = vm_backend(cfg->strategy_backend);

	for (int a = 0; a < 3; a++)
		if (plugin_load(&plugins[a], (enum captive_axis)a, choice[a]))
			goto out;
	vm->io_host = plugins[CAPTIVE_AXIS_IO].desc->io_host;

	if (!cfg->guest_kernel[0]) {
		vm_error("no guest kernel: give --kernel PATH or [guest] kernel = PATH");
		goto out;
	}
	const struct board *board = board_find(cfg->guest_platform);
	if (!board) {
		vm_error("unknown platform '%s'", cfg->guest_platform);
		goto out;
	}
	if (cfg->guest_memory > board->ram_max || cfg->guest_memory & 0xfffff) {
		vm_error("memory size %llu MiB is not valid for %s: a whole number of MiB up to %llu MiB",
			 (unsigned long long)(cfg->guest_memory >> 20), board->name,
			 (unsigned long long)(board->ram_max >> 20));
		goto out;
	}
	vm->ram_base = board->ram_base;
	vm->ram_size = cfg->guest_memory;
	if (jitlog_open(&vm->jitlog, cfg))
		goto out;
	struct machine_host host = {
		.opaque = vm,
		.now_ns = vm_host_now_ns,
		.cpu_lines = vm_host_cpu_lines,
		.console_write = vm_host_console_write,
		.power = vm_host_power,
		.warn = vm_host_warn,
		.ram_written = vm_host_ram_written,
	};
	struct board_params params = { .ram_size = vm->ram_size, .strict_bus = cfg->run_strict_bus };
	if (cfg->disk_file[0]) {
		if (loader_open_disk(cfg->disk_file, cfg->disk_readonly, &vm->disk))
			goto out;
		params.disk = &vm->disk;
	}
	err = machine_create(&vm->machine, board->name, &params, &host);
	if (err) {
		vm_error("cannot create board %s: %s", board->name, strerror(-err));
		goto out;
	}
	if (vm_create_ram(vm))
		goto out;
	vm->machine->ram = (struct machine_ram){
		.base = vm->ram_base, .size = vm->ram_size, .host = vm->ram };
	if (plugins_engine_path(vm->engine_path, sizeof(vm->engine_path),
				vm->backend->engine_subdir, cfg->strategy_mmu, cfg->strategy_exec,
				vm->backend->engine_suffix))
		goto out;
	if (vm->backend->create(vm))
		goto out_backend;
	vm_fill_shared(vm);
	const struct loader_guest guest = {
		.kernel = cfg->guest_kernel,
		.dtb = cfg->guest_dtb,
		.initrd = cfg->guest_initrd,
		.cmdline = cfg->guest_cmdline,
	};
	if (loader_load_guest(vm, &guest, NULL))
		goto out_backend;

	if (vm->io_host && vm->io_host->start) {
		struct io_host_env env = {
			.sh = vm->sh,
			.vm = vm,
			.mmio = vm_mmio_env,
			.count = vm_count_env,
			.spin_ns = cfg->run_barrier_spin_us * 1000,
		};
		if (vm->io_host->start(&env, &vm->io_priv))
			goto out_backend;
	}
	if (machine_start_timers(vm->machine)) {
		vm_error("cannot start the board's timer thread");
		goto out_io;
	}

	if (cfg->debug_gdb[0] && gdbstub_start(vm, cfg->debug_gdb, cfg->debug_gdb_wait, &vm->gdb))
		goto out_io;

	struct sigaction sa = { .sa_handler = vm_on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct vm_ticker ticker = { .vm = vm };
	pthread_create(&ticker.thread, NULL, vm_ticker_main, &ticker);
	console_start(vm); /* without keyboard input the guest still runs */

	vm->stats.start_ns = vm_now_ns();
	vm->stats.start_tsc = __rdtsc();
	int run_err = vm->backend->run(vm);
	vm->stats.end_tsc = __rdtsc();
	vm->stats.end_ns = vm_now_ns();

	console_stop();
	atomic_store(&ticker.done, 1);
	pthread_join(ticker.thread, NULL);
	status = vm_exit_status(vm, run_err);
	gdbstub_finish(vm->gdb, status);
	vm->gdb = NULL;
	stats_print(vm, stderr);
	if (stats_json && stats_write_json(vm, stats_json))
		status = status ? status : 2;
out_io:
	if (vm->io_host && vm->io_host->stop && vm->io_priv)
		vm->io_host->stop(vm->io_priv);
out_backend:
	/* The board first: its timer thread raises interrupts into the shared
	 * page, which the backend's destroy unmaps. */
	if (vm->machine)
		machine_destroy(vm->machine);
	vm->machine = NULL;
	vm->backend->destroy(vm);
out:
	if (vm->machine)
		machine_destroy(vm->machine);
	loader_close_disk(&vm->disk);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->ram_fd >= 0)
		close(vm->ram_fd);
	if (jitlog_close(vm->jitlog))
		status = status ? status : 2;
	for (int a = 0; a < 3; a++)
		plugin_unload(&plugins[a]);
	return status;
}
