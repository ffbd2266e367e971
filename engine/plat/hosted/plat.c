/*
 * Platform layer of the hosted engine (process backend): the doorbell is a
 * direct call into the framework on the engine's own thread, the analogue of
 * a VM exit; an unrecoverable stop unwinds back to captive_engine_main.
 */
#include "engine/engine.h"
#include "engine/plat.h"

typedef void (*plat_host_doorbell_fn)(struct captive_shared *sh, uint32_t code);

static void *plat_unwind[5];
static int plat_finish_reason;

void plat_doorbell(uint32_t code)
{
	plat_host_doorbell_fn fn = (plat_host_doorbell_fn)(uintptr_t)eng.sh->host_doorbell;
	fn(eng.sh, code);
}

int plat_mmio(gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	struct captive_io_req *io = &eng.sh->io;
	io->pa = pa;
	io->size = size;
	io->write = write;
	io->value = write ? *val : 0;
	io->status = 0;
	plat_doorbell(CAPTIVE_DB_MMIO);
	if (!write)
		*val = (uint32_t)io->value;
	return io->status;
}

static long plat_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * mmap(hint, size, RWX, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
 * -1, 0), by system call (the hosted engine links no libc), 2 MiB aligned
 * and advised MADV_HUGEPAGE: code is written once into fresh memory, and on
 * a nested host the first touch of each 4 KiB page costs ~11 us (a boot plus
 * a fork-heavy workload writes ~250 MiB of code, ~0.7 s of faults); where
 * the host has transparent huge pages one fault covers 2 MiB.
 *
 * Placed near the engine's own code, so translated code reaches the
 * engine's helpers with a 5-byte call rel32 instead of a 12-byte movabs and
 * an indirect call: hints stepping down and up from there, all within
 * 2 GiB (the kernel refuses a hint over an existing mapping:
 * MAP_FIXED_NOREPLACE; the host's reservations for guest RAM and the
 * windows usually lie just below the engine), anywhere as a last resort
 * (the JIT then calls through a register).
 */
static long plat_mmap_code(uintptr_t hint, size_t len)
{
	return plat_syscall6(9 /* SYS_mmap */, (long)hint, (long)len, 7 /* RWX */,
			     0x22 | (hint ? 0x100000 /* MAP_FIXED_NOREPLACE */ : 0), -1, 0);
}

void *plat_code_alloc(size_t size)
{
	const size_t huge = 2ul << 20, len = size + huge;
	const uintptr_t here = (uintptr_t)&plat_code_alloc & ~(huge - 1);
	long ret = -1;

	for (unsigned k = 1; k <= 6 && (unsigned long)ret > -4096ul; k++) {
		if (here > k * len)
			ret = plat_mmap_code(here - k * len, len);
		if ((unsigned long)ret > -4096ul)
			ret = plat_mmap_code(here + k * len, len);
	}
	if ((unsigned long)ret > -4096ul)
		ret = plat_mmap_code(0, len);
	if ((unsigned long)ret > -4096ul)
		return NULL;
	uintptr_t p = ((uintptr_t)ret + huge - 1) & ~(huge - 1);
	plat_syscall6(28 /* SYS_madvise */, (long)p, (long)size, 14 /* MADV_HUGEPAGE */, 0, 0, 0);
	return (void *)p;
}

_Noreturn void plat_finish(int reason)
{
	plat_finish_reason = reason;
	__builtin_longjmp(plat_unwind, 1);
}

/* The hosted engine's one exported function. */
__attribute__((visibility("default"))) int captive_engine_main(struct captive_shared *sh);

int captive_engine_main(struct captive_shared *sh)
{
	int reason;
	if (__builtin_setjmp(plat_unwind))
		reason = plat_finish_reason;
	else
		reason = engine_main(sh);
	plat_hostmem_release();
	return reason;
}
