/* The in-process engine API (see engine_api.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine_api.h"

#define ENGINE_API_WINDOW (4ull << 30)

typedef int (*engine_entry_fn)(struct captive_shared *sh);

struct engine_inst {
	void *dl;
	engine_entry_fn entry;
	uint8_t *window;
	struct captive_shared *sh;
	gpa_t ram_base;
	uint64_t ram_size;
	int own_fd;
	int ram_fd;
	engine_api_mmio_fn mmio;
	engine_api_doorbell_fn doorbell;
	void *opaque;
};

/* The hosted engine calls back on its own thread; one engine runs per thread. */
static __thread struct engine_inst *engine_api_current;

static void engine_api_host_doorbell(struct captive_shared *sh, uint32_t code)
{
	struct engine_inst *ei = engine_api_current;
	if (code == CAPTIVE_DB_MMIO) {
		uint32_t v = (uint32_t)sh->io.value;
		sh->io.status = ei->mmio ? ei->mmio(ei->opaque, sh->io.pa, sh->io.size, &v,
						    sh->io.write)
					 : 0;
		if (!ei->mmio && !sh->io.write)
			v = 0;
		sh->io.value = v;
		return;
	}
	if (ei->doorbell) {
		ei->doorbell(ei->opaque, sh, code);
		return;
	}
	if (code == CAPTIVE_DB_LOG)
		fprintf(stderr, "engine: %.*s\n", (int)sh->log.len, sh->log.buf);
}

int engine_api_open(struct engine_inst **out, const char *so_path, gpa_t ram_base,
		    uint64_t ram_size, int ram_fd)
{
	int err;
	struct engine_inst *ei = calloc(1, sizeof(*ei));
	if (!ei)
		return -ENOMEM;
	ei->own_fd = -1;
	ei->ram_base = ram_base;
	ei->ram_size = ram_size;
	if (ram_base + ram_size > ENGINE_API_WINDOW || (ram_base | ram_size) & 0xfff) {
		fprintf(stderr, "captive: RAM 0x%llx+0x%llx does not fit the 4 GiB window\n",
			(unsigned long long)ram_base, (unsigned long long)ram_size);
		err = -EINVAL;
		goto err_free;
	}

	ei->dl = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
	if (!ei->dl) {
		fprintf(stderr, "captive: cannot load engine '%s': %s\n", so_path, dlerror());
		err = -ENOENT;
		goto err_free;
	}
	ei->entry = (engine_entry_fn)dlsym(ei->dl, "captive_engine_main");
	if (!ei->entry) {
		fprintf(stderr, "captive: '%s' is not a captive engine (no captive_engine_main)\n",
			so_path);
		err = -EINVAL;
		goto err_dl;
	}

	ei->window = mmap(NULL, ENGINE_API_WINDOW, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ei->window == MAP_FAILED) {
		err = -errno;
		fprintf(stderr, "captive: cannot reserve the guest physical window: %s\n",
			strerror(errno));
		goto err_dl;
	}
	if (ram_fd < 0) {
		ram_fd = ei->own_fd = memfd_create("captive-ram", MFD_CLOEXEC);
		if (ram_fd < 0 || ftruncate(ram_fd, (off_t)ram_size)) {
			err = -errno;
			fprintf(stderr, "captive: cannot create guest RAM: %s\n", strerror(errno));
			goto err_window;
		}
	}
	if (mmap(ei->window + ram_base, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 ram_fd, 0) == MAP_FAILED) {
		err = -errno;
		fprintf(stderr, "captive: cannot map guest RAM: %s\n", strerror(errno));
		goto err_window;
	}
	ei->ram_fd = ram_fd;
	ei->sh = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ei->sh == MAP_FAILED) {
		err = -errno;
		goto err_window;
	}
	*out = ei;
	return 0;

err_window:
	munmap(ei->window, ENGINE_API_WINDOW);
	if (ei->own_fd >= 0)
		close(ei->own_fd);
err_dl:
	dlclose(ei->dl);
err_free:
	free(ei);
	return err;
}

void engine_api_close(struct engine_inst *ei)
{
	if (!ei)
		return;
	munmap(ei->sh, 2 * 4096);
	munmap(ei->window, ENGINE_API_WINDOW);
	if (ei->own_fd >= 0)
		close(ei->own_fd);
	dlclose(ei->dl);
	free(ei);
}

struct captive_shared *engine_api_shared(struct engine_inst *ei)
{
	return ei->sh;
}

uint8_t *engine_api_ram(struct engine_inst *ei)
{
	return ei->window + ei->ram_base;
}

uint64_t engine_api_phys_window(struct engine_inst *ei)
{
	return (uint64_t)(uintptr_t)ei->window;
}

void engine_api_set_handlers(struct engine_inst *ei, engine_api_mmio_fn mmio,
			     engine_api_doorbell_fn doorbell, void *opaque)
{
	ei->mmio = mmio;
	ei->doorbell = doorbell;
	ei->opaque = opaque;
}

int engine_api_run(struct engine_inst *ei, uint64_t n)
{
	struct captive_shared *sh = ei->sh;
	sh->magic = CAPTIVE_SHARED_MAGIC;
	sh->abi_version = CAPTIVE_ABI_VERSION;
	sh->host_doorbell = (uint64_t)(uintptr_t)engine_api_host_doorbell;
	sh->config.phys_window = engine_api_phys_window(ei);
	sh->config.ram_base = ei->ram_base;
	sh->config.ram_size = ei->ram_size;
	sh->config.insn_limit = n;
	sh->ram_fd = ei->ram_fd;
	memset(&sh->stats, 0, sizeof(sh->stats));
	struct engine_inst *prev = engine_api_current;
	engine_api_current = ei;
	int reason = ei->entry(sh);
	engine_api_current = prev;
	return reason;
}
