/*
 * The platform layer of the bare-metal engine (kvm backend). Everything here
 * runs at CPL3 with IOPL=3: the doorbell is a port write, a device access is
 * a plain load or store into the unbacked part of the linear map, and both
 * leave the native VM as a KVM exit without any CPL0 code.
 */

#include "engine/engine.h"
#include "engine/plat.h"
#include "engine/rt.h"
#include "layout.h"

_Static_assert(BM_DOORBELL_PORT == CAPTIVE_DOORBELL_PORT, "doorbell port");
_Static_assert(BM_DB_PANIC == CAPTIVE_DB_PANIC, "panic doorbell code");
_Static_assert(BM_SHARED_SIZE >= sizeof(struct captive_shared), "shared area size");
_Static_assert(BM_CRASH_VADDR == BM_SHARED_VADDR + CAPTIVE_CRASH_OFFSET, "crash area");
_Static_assert(offsetof(struct captive_x86_crash, valid) == BM_CRASH_VALID, "crash.valid");
_Static_assert(offsetof(struct captive_x86_crash, nested) == BM_CRASH_NESTED, "crash.nested");
_Static_assert(offsetof(struct captive_x86_crash, vector) == BM_CRASH_VECTOR, "crash.vector");
_Static_assert(offsetof(struct captive_x86_crash, error_code) == BM_CRASH_ERROR, "crash.error");
_Static_assert(offsetof(struct captive_x86_crash, rip) == BM_CRASH_RIP, "crash.rip");
_Static_assert(offsetof(struct captive_x86_crash, cs) == BM_CRASH_CS, "crash.cs");
_Static_assert(offsetof(struct captive_x86_crash, rflags) == BM_CRASH_RFLAGS, "crash.rflags");
_Static_assert(offsetof(struct captive_x86_crash, ss) == BM_CRASH_SS, "crash.ss");
_Static_assert(offsetof(struct captive_x86_crash, cr2) == BM_CRASH_CR2, "crash.cr2");
_Static_assert(offsetof(struct captive_x86_crash, cr3) == BM_CRASH_CR3, "crash.cr3");
_Static_assert(offsetof(struct captive_x86_crash, gpr) == BM_CRASH_GPR, "crash.gpr");

void plat_doorbell(uint32_t code)
{
	/* The clobber orders the shared-page writes before the exit and the
	 * host's replies after it. */
	__asm__ volatile("outl %0, %w1" : : "a"(code), "Nd"((uint16_t)CAPTIVE_DOORBELL_PORT)
			 : "memory");
}

/*
 * KVM decodes and emulates the faulting instruction of an MMIO exit, so each
 * access is exactly one plain mov of the access size, written out here
 * rather than left to the compiler (which may pick forms such as movzx into
 * a wider register or merge accesses).
 */
int plat_mmio(gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	volatile void *p = eng.phys + pa;
	uint32_t v = write ? *val : 0;

	switch (size) {
	case 1:
		if (write)
			__asm__ volatile("movb %b0, (%1)" : : "q"(v), "r"(p) : "memory");
		else
			__asm__ volatile("movb (%1), %b0" : "+q"(v) : "r"(p) : "memory");
		break;
	case 2:
		if (write)
			__asm__ volatile("movw %w0, (%1)" : : "r"(v), "r"(p) : "memory");
		else
			__asm__ volatile("movw (%1), %w0" : "+r"(v) : "r"(p) : "memory");
		break;
	case 4:
		if (write)
			__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(p) : "memory");
		else
			__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(p) : "memory");
		break;
	default:
		engine_panic("plat_mmio: access size %u at pa 0x%llx, expected 1, 2 or 4", size,
			     (unsigned long long)pa);
	}
	if (!write)
		*val = v;
	return __atomic_load_n(&eng.sh->io.status, __ATOMIC_ACQUIRE) ? 1 : 0;
}

/* The host never resumes the vCPU after EXIT or PANIC; ringing again covers
 * a host that does by mistake, without running any further engine code. */
_Noreturn void plat_finish(int reason)
{
	uint32_t code = reason == CAPTIVE_STOP_PANIC ? CAPTIVE_DB_PANIC : CAPTIVE_DB_EXIT;

	for (;;)
		plat_doorbell(code);
}
