/* io-mmio-exit, engine half: every device access leaves the engine the
 * expensive way (a KVM MMIO exit, or a synchronous call under process). */
#include "engine/io.h"
#include "engine/plat.h"

static int mmio_exit_access(gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	return plat_mmio(pa, size, val, write);
}

const struct io_ops io_mmio_exit_ops = {
	.name = "mmio-exit",
	.access = mmio_exit_access,
};
