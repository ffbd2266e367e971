/* strategy.* = auto (see auto.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto.h"
#include "kvm.h"
#include "plugins.h"
#include "probe.h"

/* Above this CPL0/CPL3 ratio of the probe's register loop, KVM is nested
 * (CPL0 emulated) and every trip out of CPL3 is expensive. */
#define AUTO_NESTED_LOOP_RATIO 100.0
/* hwmirror (with the JIT) only where its miss costs at most this: a
 * SIGSEGV + mmap round trip on process, a CPL3 page fault fixed by a CPL0
 * handler on kvm. A Linux boot and every workload take ~190,000 faults
 * (fills and guest aborts), which at the 25-27 us of a slow-faulting host
 * (or the ~65 us of a nested KVM) cost more than the one-instruction
 * accesses save (plugins/mmu-hwmirror/README.md). */
#define AUTO_HWM_MAX_FAULT_NS 5000.0
/* An exit dearer than this many hand-offs to a spinning core makes the
 * barrier worth its second core. */
#define AUTO_BARRIER_FACTOR 4.0

bool auto_wanted(const struct captive_config *cfg)
{
	return !strcmp(cfg->strategy_backend, "auto") || !strcmp(cfg->strategy_mmu, "auto") ||
	       !strcmp(cfg->strategy_exec, "auto") || !strcmp(cfg->strategy_io, "auto") ||
	       !strcmp(cfg->strategy_irq, "auto");
}

void auto_probe_cache_path(char *buf, size_t size)
{
	const char *env = getenv("CAPTIVE_PROBE_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char host[256] = "localhost";

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return;
	}
	gethostname(host, sizeof(host) - 1);
	if (xdg && *xdg)
		snprintf(buf, size, "%s/captive/probe-%s.json", xdg, host);
	else if (home && *home)
		snprintf(buf, size, "%s/.cache/captive/probe-%s.json", home, host);
	else
		buf[0] = '\0';
}

/* mkdir -p of path's folder; errors show up when the file is written. */
static void auto_mkdirs(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
}

/* The probe's numbers: the cached file if it is of this format and agrees
 * with what KVM can do now, else measured (quietly) and cached. */
static int auto_probe(struct probe_costs *c, bool kvm_usable, struct auto_report *r)
{
	auto_probe_cache_path(r->probe_cache, sizeof(r->probe_cache));
	if (r->probe_cache[0] && !probe_read_json(c, r->probe_cache) && c->kvm_ok == kvm_usable)
		return 0;
	fprintf(stderr, "captive: auto: measuring this host (captive --probe)%s%s\n",
		r->probe_cache[0] ? "; caching it in " : "", r->probe_cache);
	int err = probe_measure(c, NULL);
	if (err)
		return err;
	if (r->probe_cache[0]) {
		auto_mkdirs(r->probe_cache);
		if (probe_write_json(c, r->probe_cache))
			r->probe_cache[0] = '\0'; /* said why; go on without a cache */
	}
	return 0;
}

__attribute__((format(printf, 5, 6)))
static void auto_set(struct auto_report *r, const char *key, char *field, const char *value,
		     const char *fmt, ...)
{
	struct auto_choice *c = &r->rows[r->n++];
	va_list ap;

	c->key = key;
	snprintf(c->value, sizeof(c->value), "%s", value);
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	snprintf(field, 64, "%s", value);
}

static bool auto_is(const char *v)
{
	return !strcmp(v, "auto");
}

/* What one hwmirror miss costs on backend sub (probe), in ns. */
static double auto_hwm_fault_ns(const char *sub, const struct probe_costs *pc)
{
	return !strcmp(sub, "kvm") ? pc->pf : pc->segv;
}

/* Why auto does not take hwmirror with exec on backend sub, written into
 * why; NULL when it may. */
static const char *auto_hwm_refusal(const char *sub, const char *exec, const struct probe_costs *pc,
				    char *why, size_t n)
{
	double fault = auto_hwm_fault_ns(sub, pc);
	if (!plugins_installed(CAPTIVE_AXIS_MMU, "hwmirror"))
		snprintf(why, n, "not installed (no mmu-hwmirror.so)");
	else if (strcmp(exec, "jit"))
		snprintf(why, n, "installed, but with interp it measured no faster (README)");
	else if (!(fault > 0 && fault <= AUTO_HWM_MAX_FAULT_NS))
		snprintf(why, n,
			 "installed, but a %s fault costs %.1f us here (probe; it pays only at "
			 "%.0f us or less)", sub, fault / 1000, AUTO_HWM_MAX_FAULT_NS / 1000);
	else
		return NULL;
	return why;
}

int auto_resolve(struct captive_config *cfg, struct auto_report *r)
{
	struct probe_costs pc;
	char kvm_err[KVM_ERR_LEN] = "";
	int fd = -1, err;

	memset(r, 0, sizeof(*r));
	if (!auto_wanted(cfg))
		return 0;
	bool kvm_usable = kvm_open_dev(&fd, kvm_err) == 0;
	if (fd >= 0)
		close(fd);
	err = auto_probe(&pc, kvm_usable, r);
	if (err)
		return err;
	double ratio = pc.loop3 > 0 ? pc.loop0 / pc.loop3 : 0;
	/* Would hwmirror + jit be taken under kvm? Then a nested KVM still
	 * pays: the guest's accesses run in the native VM's own page tables. */
	char no_hwm[160];
	bool hwmirror = kvm_usable && !auto_hwm_refusal("kvm", "jit", &pc, no_hwm, sizeof(no_hwm));

	if (auto_is(cfg->strategy_backend)) {
		if (!kvm_usable)
			auto_set(r, "backend", cfg->strategy_backend, "process", "%s", kvm_err);
		else if (ratio > AUTO_NESTED_LOOP_RATIO && !hwmirror)
			auto_set(r, "backend", cfg->strategy_backend, "process",
				 "KVM is nested here (CPL0 runs %.0fx slower than CPL3, probe): a device "
				 "access that exits costs %.1f us against a function call on process, and "
				 "hwmirror under kvm is %s",
				 ratio, pc.mmio3 / 1000, no_hwm);
		else
			auto_set(r, "backend", cfg->strategy_backend, "kvm",
				 "/dev/kvm works and an MMIO exit costs %.1f us here (probe)%s",
				 pc.mmio3 / 1000, hwmirror ? "; hwmirror's misses are cheap here" : "");
	}
	const char *sub = !strcmp(cfg->strategy_backend, "kvm") ? "kvm" : "process";
	const char *suffix = !strcmp(sub, "kvm") ? ".elf" : ".so";

	/* mmu and exec: the fastest installed pair that has an engine build */
	static const char *const mmus[] = { "hwmirror", "softtlb" };
	static const char *const execs[] = { "jit", "interp" };
	const char *mmu = NULL, *exec = NULL;
	char why[160];
	for (int i = 0; i < 2 && !mmu; i++) {
		if (!auto_is(cfg->strategy_mmu) && strcmp(cfg->strategy_mmu, mmus[i]))
			continue;
		for (int j = 0; j < 2 && !mmu; j++) {
			if (!auto_is(cfg->strategy_exec) && strcmp(cfg->strategy_exec, execs[j]))
				continue;
			/* hwmirror: with the interpreter it measured no
			 * faster than softtlb, and with the JIT it wins only
			 * where its faults are cheap (plugins/mmu-hwmirror/
			 * README.md). */
			if (auto_is(cfg->strategy_mmu) && !strcmp(mmus[i], "hwmirror") &&
			    auto_hwm_refusal(sub, execs[j], &pc, why, sizeof(why)))
				continue;
			if (plugins_installed(CAPTIVE_AXIS_MMU, mmus[i]) &&
			    plugins_installed(CAPTIVE_AXIS_EXEC, execs[j]) &&
			    plugins_engine_exists(sub, mmus[i], execs[j], suffix)) {
				mmu = mmus[i];
				exec = execs[j];
			}
		}
	}
	if ((auto_is(cfg->strategy_mmu) || auto_is(cfg->strategy_exec)) && !mmu) {
		fprintf(stderr, "captive: auto: no installed mmu x exec pair has a %s engine build "
				"(see captive --list-plugins)\n", sub);
		return -ENOENT;
	}
	if (auto_is(cfg->strategy_mmu)) {
		const char *no = auto_hwm_refusal(sub, exec, &pc, why, sizeof(why));
		if (!strcmp(mmu, "hwmirror"))
			auto_set(r, "mmu", cfg->strategy_mmu, mmu,
				 "guest accesses become one host instruction in the JIT; a miss costs "
				 "%.1f us here (probe)", auto_hwm_fault_ns(sub, &pc) / 1000);
		else
			auto_set(r, "mmu", cfg->strategy_mmu, mmu, "hwmirror is %s: softtlb",
				 no ? no : "installed, but has no engine build for this pair");
	}
	if (auto_is(cfg->strategy_exec)) {
		if (!strcmp(exec, "jit"))
			auto_set(r, "exec", cfg->strategy_exec, exec, "translated blocks beat decode-and-dispatch");
		else
			auto_set(r, "exec", cfg->strategy_exec, exec, "jit is %s; interp is what is installed",
				 plugins_installed(CAPTIVE_AXIS_EXEC, "jit")
					 ? "installed but has no engine build for this pair"
					 : "not installed (no exec-jit.so)");
	}
	if (auto_is(cfg->strategy_io)) {
		if (!strcmp(sub, "process"))
			auto_set(r, "io", cfg->strategy_io, "mmio-exit",
				 "on process an mmio-exit is a direct call into the device model, while "
				 "barrier hands each access to another thread (%.2f us to a spinning one, "
				 "%.1f us to a parked one, probe) and keeps a core spinning",
				 pc.handoff / 1000, pc.futex_wake / 1000);
		else if (pc.cpus >= 2 && pc.mmio3 > AUTO_BARRIER_FACTOR * pc.handoff)
			auto_set(r, "io", cfg->strategy_io, "barrier",
				 "an MMIO exit costs %.1f us, a hand-off to a spinning core %.2f us "
				 "(probe), and %d cores are online", pc.mmio3 / 1000, pc.handoff / 1000,
				 pc.cpus);
		else if (pc.cpus < 2)
			auto_set(r, "io", cfg->strategy_io, "mmio-exit",
				 "one online core: none is free to spin");
		else
			auto_set(r, "io", cfg->strategy_io, "mmio-exit",
				 "an exit (%.1f us) is not dearer than %.0f hand-offs (%.2f us each)",
				 pc.mmio3 / 1000, AUTO_BARRIER_FACTOR, pc.handoff / 1000);
	}
	if (auto_is(cfg->strategy_irq)) {
		auto_set(r, "irq", cfg->strategy_irq, "per-block",
			 "checking at block ends removes a load and a branch from every instruction; "
			 "interrupt latency grows by at most one block");
	}
	for (unsigned i = 0; i < r->n; i++)
		fprintf(stderr, "captive: auto: strategy.%s = %s (%s)\n", r->rows[i].key,
			r->rows[i].value, r->rows[i].reason);
	return 0;
}
