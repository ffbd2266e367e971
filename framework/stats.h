/* End-of-run statistics: counted by the engine and the host, never estimated. */
#ifndef FRAMEWORK_STATS_H
#define FRAMEWORK_STATS_H

#include <stdio.h>
#include "vm.h"

void stats_print(const struct vm *vm, FILE *out);
/* Returns 0 or -errno after an error naming the file. */
int stats_write_json(const struct vm *vm, const char *path);

#endif
