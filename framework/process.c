/*
 * The process backend: the hosted engine build runs as a thread of captive
 * (here: the calling thread) over guest RAM mapped into a reserved 4 GiB
 * window. The doorbell is a direct call; an MMIO "exit" is a synchronous call
 * into the device model. Used where KVM is unusable and as the reference.
 */
#include <stdlib.h>

#include "engine_api.h"
#include "vm.h"

static int process_mmio(void *opaque, gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	return vm_mmio(opaque, pa, size, val, write);
}

static void process_doorbell(void *opaque, struct captive_shared *sh, uint32_t code)
{
	vm_doorbell(opaque, code);
}

static int process_create(struct vm *vm)
{
	struct engine_inst *ei;
	int err = engine_api_open(&ei, vm->engine_path, vm->ram_base, vm->ram_size, vm->ram_fd);
	if (err)
		return err;
	engine_api_set_handlers(ei, process_mmio, process_doorbell, vm);
	vm->backend_priv = ei;
	vm->sh = engine_api_shared(ei);
	vm->phys_window = engine_api_phys_window(ei);
	return 0;
}

static int process_run(struct vm *vm)
{
	engine_api_run(vm->backend_priv, 0);
	return 0;
}

static void process_destroy(struct vm *vm)
{
	engine_api_close(vm->backend_priv);
	vm->backend_priv = NULL;
}

const struct backend_ops backend_process = {
	.name = "process",
	.description = "the engine runs as a thread of captive (no KVM needed)",
	.engine_subdir = "process",
	.engine_suffix = ".so",
	.create = process_create,
	.run = process_run,
	.kick = NULL,
	.destroy = process_destroy,
};
