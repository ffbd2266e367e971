/*
 * `captive --probe`: measure what virtualization costs on this host (VM
 * exits, faults and privileged operations inside a KVM native VM, and the
 * process backend's SIGSEGV path and cross-thread hand-offs), so a user can
 * tell which strategies will win here. Runs throwaway VMs with tiny payloads;
 * never touches a guest.
 */
#ifndef FRAMEWORK_PROBE_H
#define FRAMEWORK_PROBE_H

#include <stdbool.h>
#include <stdio.h>

/* Bumped whenever a field is added or changes meaning; a cached file of
 * another version is measured again. */
#define PROBE_FORMAT 3

/* Every measurement in nanoseconds (medians of repeated trials). */
struct probe_costs {
	bool kvm_ok;		/* the kvm rows below were measured */
	char kvm_reason[256];	/* why not, when !kvm_ok */
	double io0, io3, mmio3, ud, pf, cr3, invlpg, loop0, loop3, empty0;
	double sysret, sysiret;
	int sysret_outcome, sysiret_outcome;	/* 0: ran; else unusable here */
	double upf;		/* CPL3 #PF delivered to a CPL3 handler, PTE fixed there */
	double pte3, pte0;	/* PTE write (not present -> present) + first access */
	int upf_outcome, pte3_outcome, pte0_outcome;	/* as sysret_outcome */
	double segv;		/* process: SIGSEGV + mmap(MAP_FIXED) */
	double map_page;	/* process: mmap(MAP_FIXED) of one memfd page */
	double touch_page;	/* process: first touch of it (host minor fault) */
	double protect_page;	/* process: mprotect of one touched page */
	double unmap_page;	/* process: PROT_NONE remap of one touched page */
	double unmap_spinning;	/* process: the same, another thread spinning */
	double handoff;		/* process: request/answer between two spinning threads */
	double futex_wake;	/* process: request/answer waking a parked thread */
	int cpus;		/* online host CPUs */
	bool nested;		/* CPUID hypervisor bit: KVM here would be nested */
	char vendor[13], hypervisor[13];
};

/*
 * Measure everything this host allows into c, printing the table on out
 * (NULL: print nothing). When /dev/kvm is unusable the kvm rows are left out
 * and kvm_reason says why. Returns 0, or -errno when a measurement that
 * should have worked failed (reported on stderr).
 */
int probe_measure(struct probe_costs *c, FILE *out);

/* `captive --probe [--stats-json FILE]`: the table on out, and the same
 * numbers as JSON in json_path when given. Returns 0 or -errno. */
int probe_run(FILE *out, const char *json_path);

/* Write c as JSON (the --probe --stats-json format). Returns 0 or -errno
 * after an error naming the file. */
int probe_write_json(const struct probe_costs *c, const char *path);

/* Read a file written by probe_write_json. Returns 0, or -errno / -EINVAL
 * (another PROBE_FORMAT, missing fields) without printing anything. */
int probe_read_json(struct probe_costs *c, const char *path);

#endif
