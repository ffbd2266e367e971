/* Crash reports: engine panics and stuck guests. */
#ifndef FRAMEWORK_CRASH_H
#define FRAMEWORK_CRASH_H

#include <stdio.h>
#include "vm.h"

/* Guest registers, modes, MMU registers and recent exceptions. */
void crash_print_state(const struct captive_arm_state *st, FILE *out);

/* An engine panic: the message, the guest state and, under the process
 * backend, a symbolized backtrace of the engine (we run on its thread). */
void crash_report_engine(struct vm *vm, FILE *out);

#endif
