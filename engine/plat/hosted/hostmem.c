/*
 * The hosted engine's host address space services (engine/plat.h): raw
 * Linux system calls, since the engine links no libc. Everything reserved,
 * allocated or routed here is released by plat_hostmem_release() when
 * captive_engine_main returns, so that an engine run leaves nothing behind
 * (the .so may be dlclosed next, and a signal handler pointing into it would
 * outlive its code).
 */
#include <errno.h>

#include "engine/engine.h"
#include "engine/plat.h"
#include "engine/rt.h"

#define SYS_READ 0
#define SYS_OPEN 2
#define SYS_CLOSE 3
#define SYS_MMAP 9
#define SYS_MPROTECT 10
#define SYS_MUNMAP 11
#define SYS_RT_SIGACTION 13
#define SYS_RT_SIGRETURN 15

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define HOSTMEM_PAGE 4096u

#define SIGSEGV 11
#define SA_SIGINFO 0x00000004ul
#define SA_ONSTACK 0x08000000ul
#define SA_RESTORER 0x04000000ul
#define SIG_DFL_OR_IGN 1ul /* handler values 0 (SIG_DFL) and 1 (SIG_IGN) */

/* x86-64 Linux signal frame: siginfo_t.si_addr, ucontext_t.uc_mcontext.gregs. */
#define SI_ADDR_OFFSET 16
#define UC_GREGS_OFFSET 40
#define GREG_RIP 16
#define GREG_ERR 19
#define PF_ERR_WRITE 2u

#define HOSTMEM_MAX_REGIONS 16

static long hostmem_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static long hostmem_mmap(uintptr_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
	return hostmem_syscall(SYS_MMAP, (long)addr, (long)len, prot, flags, fd, (long)off);
}

/* The kernel's struct sigaction on x86-64 (not libc's). */
struct hostmem_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

/* The kernel returns from a handler through sa_restorer on x86-64. */
__asm__(".pushsection .text\n"
	".balign 16\n"
	".globl hostmem_sigreturn\n"
	".hidden hostmem_sigreturn\n"
	".type hostmem_sigreturn, @function\n"
	"hostmem_sigreturn:\n"
	"	movq $15, %rax\n"
	"	syscall\n"
	"	ud2\n"
	".popsection\n");
_Static_assert(SYS_RT_SIGRETURN == 15, "the restorer above hard-codes rt_sigreturn");
extern void hostmem_sigreturn(void) __attribute__((visibility("hidden")));

static struct {
	struct {
		uintptr_t base;
		uint64_t len;
	} region[HOSTMEM_MAX_REGIONS];
	bool (*fault_fn)(struct plat_fault *f);
	bool routed;
	struct hostmem_sigaction old;
} hostmem;

static int hostmem_track(uintptr_t base, uint64_t len)
{
	for (unsigned i = 0; i < HOSTMEM_MAX_REGIONS; i++)
		if (!hostmem.region[i].len) {
			hostmem.region[i].base = base;
			hostmem.region[i].len = len;
			return 0;
		}
	hostmem_syscall(SYS_MUNMAP, (long)base, (long)len, 0, 0, 0, 0);
	return -ENOMEM;
}

static int hostmem_new(uint64_t len, int prot, uintptr_t *out)
{
	long r = hostmem_mmap(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r < 0 && r > -4096)
		return (int)r;
	*out = (uintptr_t)r;
	return hostmem_track(*out, len);
}

/* Reserving is the first step of mapping guest RAM, which needs the RAM's
 * descriptor: say so here rather than at the first fault. */
int plat_hostmem_reserve(uint64_t len, uintptr_t *base)
{
	if (eng.sh->ram_fd < 0) {
		engine_log("hostmem: no guest RAM descriptor in the shared page");
		return -EINVAL;
	}
	return hostmem_new(len, PROT_NONE, base);
}

int plat_hostmem_alloc(uint64_t len, void **out)
{
	uintptr_t p;
	int rc = hostmem_new(len, PROT_READ | PROT_WRITE, &p);
	if (!rc)
		*out = (void *)p;
	return rc;
}

int plat_hostmem_map_ram(uintptr_t addr, gpa_t pa, uint64_t len, bool writable)
{
	int32_t fd = eng.sh->ram_fd;
	if (fd < 0 || pa < eng.ram_base || pa + len > eng.ram_end)
		return -EINVAL;
	/* One page is what a fault asked for and is touched at once: its host
	 * page-table entry is filled by this call, which on a nested host costs
	 * ~5 us less than the host's own fault at that touch would (9.5 against
	 * 14.5 us per page, mmap included). A larger mapping (a section) is
	 * left to fault in page by page: most of it may never be touched. */
	int populate = len == HOSTMEM_PAGE ? MAP_POPULATE : 0;
	long r = hostmem_mmap(addr, len, PROT_READ | (writable ? PROT_WRITE : 0),
			      MAP_SHARED | MAP_FIXED | populate, fd, pa - eng.ram_base);
	return r < 0 && r > -4096 ? (int)r : 0;
}

int plat_hostmem_unmap(uintptr_t addr, uint64_t len)
{
	long r = hostmem_mmap(addr, len, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	return r < 0 && r > -4096 ? (int)r : 0;
}

int plat_hostmem_protect(uintptr_t addr, uint64_t len, bool writable)
{
	return (int)hostmem_syscall(SYS_MPROTECT, (long)addr, (long)len,
				    PROT_READ | (writable ? PROT_WRITE : 0), 0, 0, 0);
}

uint64_t plat_hostmem_max_mappings(void)
{
	static const char path[] = "/proc/sys/vm/max_map_count";
	char buf[32];
	long fd = hostmem_syscall(SYS_OPEN, (long)path, 0 /* O_RDONLY */, 0, 0, 0, 0);
	if (fd < 0)
		return 0;
	long n = hostmem_syscall(SYS_READ, fd, (long)buf, sizeof(buf) - 1, 0, 0, 0);
	hostmem_syscall(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
	uint64_t v = 0;
	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(buf[i] - '0');
	return v;
}

void plat_hostmem_batch_begin(void)
{
}

void plat_hostmem_batch_end(void)
{
}

bool plat_hostmem_map_is_cheap(void)
{
	return false;
}

/* Not ours: hand the fault to whoever had SIGSEGV before us, or restore the
 * default and return, so the access faults again and kills the process as
 * it would have without us. */
static void hostmem_chain(int sig, void *si, void *uc)
{
	if ((uintptr_t)hostmem.old.handler <= SIG_DFL_OR_IGN) {
		hostmem_syscall(SYS_RT_SIGACTION, SIGSEGV, (long)&hostmem.old, 0, 8, 0, 0);
		hostmem.routed = false;
		return;
	}
	if (hostmem.old.flags & SA_SIGINFO)
		((void (*)(int, void *, void *))hostmem.old.handler)(sig, si, uc);
	else
		((void (*)(int))hostmem.old.handler)(sig);
}

static void hostmem_on_segv(int sig, void *si, void *uc)
{
	uint64_t *gregs = (uint64_t *)((uint8_t *)uc + UC_GREGS_OFFSET);
	struct plat_fault f = {
		.pc = gregs[GREG_RIP],
		.addr = *(uintptr_t *)((uint8_t *)si + SI_ADDR_OFFSET),
		.write = (gregs[GREG_ERR] & PF_ERR_WRITE) != 0,
	};
	if (hostmem.fault_fn && hostmem.fault_fn(&f)) {
		gregs[GREG_RIP] = f.pc;
		return;
	}
	hostmem_chain(sig, si, uc);
}

int plat_fault_route(bool (*fn)(struct plat_fault *f))
{
	hostmem.fault_fn = fn;
	if (hostmem.routed)
		return 0;
	struct hostmem_sigaction sa = {
		.handler = (void *)hostmem_on_segv,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
		.restorer = (void *)hostmem_sigreturn,
		.mask = 0,
	};
	long r = hostmem_syscall(SYS_RT_SIGACTION, SIGSEGV, (long)&sa, (long)&hostmem.old, 8, 0, 0);
	if (r < 0)
		return (int)r;
	hostmem.routed = true;
	return 0;
}

void plat_hostmem_release(void)
{
	if (hostmem.routed)
		hostmem_syscall(SYS_RT_SIGACTION, SIGSEGV, (long)&hostmem.old, 0, 8, 0, 0);
	hostmem.routed = false;
	hostmem.fault_fn = NULL;
	for (unsigned i = 0; i < HOSTMEM_MAX_REGIONS; i++)
		if (hostmem.region[i].len) {
			hostmem_syscall(SYS_MUNMAP, (long)hostmem.region[i].base,
					(long)hostmem.region[i].len, 0, 0, 0, 0);
			hostmem.region[i].len = 0;
		}
}
