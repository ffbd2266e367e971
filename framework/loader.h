/* Guest image loading and the boot protocol. */
#ifndef FRAMEWORK_LOADER_H
#define FRAMEWORK_LOADER_H

#include "vm.h"

/*
 * Load the guest kernel named by the configuration into guest RAM and fill
 * vm->sh->boot: an ARM ELF is loaded at its physical addresses and entered at
 * its entry point with the CPU in reset state (SVC, IRQ/FIQ masked, r0-r14
 * zero), as QEMU does. Returns 0 or -errno after one message naming the file.
 */
int loader_load_kernel(struct vm *vm, const char *path);

/* The one path for host writes into guest RAM; bounds-checked. 0 or -EFAULT. */
int vm_ram_write(struct vm *vm, gpa_t pa, const void *data, uint64_t len);

#endif
