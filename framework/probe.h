/*
 * `captive --probe`: measure what virtualization costs on this host (VM
 * exits, faults and privileged operations inside a KVM native VM, and the
 * process backend's SIGSEGV path), so a user can tell which strategies will
 * win here. Runs throwaway VMs with tiny payloads; never touches a guest.
 */
#ifndef FRAMEWORK_PROBE_H
#define FRAMEWORK_PROBE_H

#include <stdio.h>

/*
 * Print the measurements as a table on out (medians of repeated trials,
 * timed with CLOCK_MONOTONIC on the host). When /dev/kvm is unusable, prints
 * the process-side rows and a note naming the reason. Returns 0, or -errno
 * when a measurement that should have worked failed (reported on stderr).
 */
int probe_run(FILE *out);

#endif
