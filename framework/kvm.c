/*
 * The kvm backend: the engine runs bare-metal in a KVM native VM laid out as
 * engine/plat/baremetal/layout.h draws it. One vCPU, entered directly in long
 * mode at the engine image's entry point; one exit loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine_elf.h"
#include "kvm.h"
#include "vm.h"
#include "../engine/plat/baremetal/layout.h"

/* The signal that kicks the vCPU thread out of KVM_RUN; its handler does
 * nothing, the EINTR is the point. */
#define KVM_KICK_SIGNAL SIGUSR2

#define KVM_BACKTRACE_DEPTH 32

struct kvm_backend {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *slot;		/* host view of the engine slot */
	struct engine_elf elf;
	pthread_t thread;	/* the vCPU thread, once run() started */
	atomic_int have_thread;
};

/* Leave the reason in err; returns -errno of the call that just failed. */
__attribute__((format(printf, 2, 3))) static int kvm_fail(char *err, const char *fmt, ...)
{
	int e = errno ? errno : EINVAL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, KVM_ERR_LEN, fmt, ap);
	va_end(ap);
	return -e;
}

/* ---- helpers shared with probe.c ---------------------------------------- */

int kvm_open_dev(int *kvm_fd, char *err)
{
	static const struct {
		int cap;
		const char *name;
	} needed[] = {
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	};
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return kvm_fail(err, "cannot open /dev/kvm: %s (use --set strategy.backend=process "
				"to run without KVM)", strerror(errno));
	int version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		int e = errno;
		close(fd);
		errno = ENOTSUP;
		return kvm_fail(err, "/dev/kvm is not a KVM device (KVM_GET_API_VERSION: %s; use "
				"--set strategy.backend=process to run without KVM)", strerror(e));
	}
	if (version != KVM_API_VERSION) {
		close(fd);
		errno = ENOTSUP;
		return kvm_fail(err, "/dev/kvm speaks KVM API version %d, expected %d (use --set "
				"strategy.backend=process to run without KVM)", version,
				KVM_API_VERSION);
	}
	for (size_t i = 0; i < CAPTIVE_ARRAY_SIZE(needed); i++) {
		if (ioctl(fd, KVM_CHECK_EXTENSION, needed[i].cap) <= 0) {
			close(fd);
			errno = ENOTSUP;
			return kvm_fail(err, "/dev/kvm lacks %s (use --set strategy.backend=process "
					"to run without KVM)", needed[i].name);
		}
	}
	*kvm_fd = fd;
	return 0;
}

int kvm_create_vm(int kvm_fd, uint64_t tss_addr, uint64_t identity_addr, int *vm_fd,
		  char *err)
{
	int fd, ret;

	do
		fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return kvm_fail(err, "KVM_CREATE_VM: %s", strerror(errno));
	/* Only Intel needs these; on AMD they are accepted and unused. Both
	 * must be set before the first vCPU exists. */
	if (ioctl(fd, KVM_SET_TSS_ADDR, (unsigned long)tss_addr) < 0) {
		ret = kvm_fail(err, "KVM_SET_TSS_ADDR 0x%" PRIx64 ": %s", tss_addr,
			       strerror(errno));
		goto err_close;
	}
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0 &&
	    ioctl(fd, KVM_SET_IDENTITY_MAP_ADDR, &identity_addr) < 0) {
		ret = kvm_fail(err, "KVM_SET_IDENTITY_MAP_ADDR 0x%" PRIx64 ": %s", identity_addr,
			       strerror(errno));
		goto err_close;
	}
	*vm_fd = fd;
	return 0;

err_close:
	close(fd);
	return ret;
}

int kvm_add_slot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size, void *host, char *err)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return kvm_fail(err, "KVM_SET_USER_MEMORY_REGION slot %u at 0x%" PRIx64 "+0x%" PRIx64
				": %s", slot, gpa, size, strerror(errno));
	return 0;
}

static int kvm_set_cpuid(int kvm_fd, int vcpu_fd, char *err)
{
	struct kvm_cpuid2 *cpuid = NULL;
	int ret;

	/* The table size is not known up front: grow until KVM stops saying E2BIG. */
	for (unsigned n = 64; n <= 4096; n *= 2) {
		free(cpuid);
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return kvm_fail(err, "out of memory for the CPUID table");
		cpuid->nent = n;
		ret = ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
		if (ret == 0 || errno != E2BIG)
			break;
	}
	if (ret < 0) {
		ret = kvm_fail(err, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		goto out;
	}
	ret = 0;
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		ret = kvm_fail(err, "KVM_SET_CPUID2: %s", strerror(errno));
out:
	free(cpuid);
	return ret;
}

int kvm_create_vcpu(int kvm_fd, int vm_fd, int *vcpu_fd, struct kvm_run **run,
		    size_t *run_size, char *err)
{
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	int fd, ret, size;

	fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	if (fd < 0)
		return kvm_fail(err, "KVM_CREATE_VCPU: %s", strerror(errno));
	ret = kvm_set_cpuid(kvm_fd, fd, err);
	if (ret)
		goto err_close;
	/* x87 and SSE as after FNINIT, all exceptions masked: the engine is
	 * compiled C and may use SSE registers at any time. */
	if (ioctl(fd, KVM_SET_FPU, &fpu) < 0) {
		ret = kvm_fail(err, "KVM_SET_FPU: %s", strerror(errno));
		goto err_close;
	}
	size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		ret = kvm_fail(err, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		goto err_close;
	}
	*run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*run == MAP_FAILED) {
		ret = kvm_fail(err, "cannot map the vCPU's kvm_run area: %s", strerror(errno));
		goto err_close;
	}
	*run_size = (size_t)size;
	*vcpu_fd = fd;
	return 0;

err_close:
	close(fd);
	return ret;
}

static uint64_t kvm_gdt_code_data(bool code, unsigned dpl)
{
	/* limit 0xfffff, G; code: L (64-bit), execute/read; data: D/B, read/write */
	uint64_t d = 0xffffull | (0xfull << 48) | (1ull << 55) | (1ull << 47) | (1ull << 44);

	d |= (uint64_t)dpl << 45;
	if (code)
		d |= (0xaull << 40) | (1ull << 53);
	else
		d |= (0x2ull << 40) | (1ull << 54);
	return d;
}

void kvm_fill_gdt(uint64_t *gdt, uint64_t tss_vaddr)
{
	uint64_t limit = X86_TSS_LIMIT;

	gdt[0] = 0;
	gdt[BM_SEL_KCODE / 8] = kvm_gdt_code_data(true, 0);
	gdt[BM_SEL_KDATA / 8] = kvm_gdt_code_data(false, 0);
	gdt[BM_SEL_UDATA / 8] = kvm_gdt_code_data(false, 3);
	gdt[BM_SEL_UCODE / 8] = kvm_gdt_code_data(true, 3);
	/* 64-bit TSS, busy (type 0xb) as TR already holds it, present */
	gdt[BM_SEL_TSS / 8] = (limit & 0xffff) | ((tss_vaddr & 0xffffff) << 16) | (0x8bull << 40) |
			      (((limit >> 16) & 0xf) << 48) | (((tss_vaddr >> 24) & 0xff) << 56);
	gdt[BM_SEL_TSS / 8 + 1] = tss_vaddr >> 32;
}

void kvm_fill_tss(uint8_t *tss, uint64_t rsp0, uint64_t ist1, uint64_t ist2)
{
	uint16_t iomap = X86_TSS_SIZE;

	/* IOPL=3 alone should let CPL3 ring the doorbell, but the nested KVM we
	 * build on drops IOPL on iretq; the bitmap works on every host. */
	memset(tss, 0, X86_TSS_LIMIT + 1);
	memcpy(tss + 4, &rsp0, 8);
	memcpy(tss + 36, &ist1, 8);
	memcpy(tss + 44, &ist2, 8);
	memcpy(tss + 102, &iomap, 2);
	tss[X86_TSS_LIMIT] = 0xff;
}

void kvm_set_idt_gate(uint8_t *idt, unsigned vector, uint64_t handler, unsigned ist,
		      unsigned dpl)
{
	uint64_t lo = (handler & 0xffff) | ((uint64_t)BM_SEL_KCODE << 16) |
		      ((uint64_t)(ist & 7) << 32) | ((uint64_t)(0x8e | (dpl & 3) << 5) << 40) |
		      (((handler >> 16) & 0xffff) << 48);
	uint64_t hi = handler >> 32;

	memcpy(idt + 16 * vector, &lo, 8);
	memcpy(idt + 16 * vector + 8, &hi, 8);
}

static void kvm_seg(struct kvm_segment *s, uint16_t sel, bool code, unsigned dpl)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = code ? 0xb : 0x3,
		.present = 1,
		.dpl = dpl,
		.db = code ? 0 : 1,
		.s = 1,
		.l = code ? 1 : 0,
		.g = 1,
	};
}

int kvm_enter_long_mode(int vcpu_fd, uint64_t cr3, uint64_t gdt_vaddr, uint64_t idt_vaddr,
			uint64_t tss_vaddr, char *err)
{
	struct kvm_sregs s;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return kvm_fail(err, "KVM_GET_SREGS: %s", strerror(errno));
	kvm_seg(&s.cs, BM_SEL_KCODE, true, 0);
	kvm_seg(&s.ss, BM_SEL_KDATA, false, 0);
	/* DPL-3 data selectors in DS/ES/FS/GS survive the iretq to CPL3 unchanged */
	kvm_seg(&s.ds, BM_SEL_UDATA | 3, false, 3);
	s.es = s.fs = s.gs = s.ds;
	s.tr = (struct kvm_segment){
		.base = tss_vaddr,
		.limit = X86_TSS_LIMIT,
		.selector = BM_SEL_TSS,
		.type = 0xb,
		.present = 1,
	};
	s.ldt = (struct kvm_segment){ .type = 0x2, .unusable = 1 };
	s.gdt.base = gdt_vaddr;
	s.gdt.limit = BM_GDT_ENTRIES * 8 - 1;
	s.idt.base = idt_vaddr;
	s.idt.limit = 256 * 16 - 1;
	s.cr0 = 0x80010033;	/* PG WP NE ET MP PE */
	s.cr3 = cr3;
	s.cr4 = 0x6a0;		/* OSXMMEXCPT OSFXSR PGE PAE */
	s.efer = 0xd00;		/* NXE LMA LME */
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &s) < 0)
		return kvm_fail(err, "KVM_SET_SREGS (long mode): %s", strerror(errno));
	return 0;
}

/* ---- the engine's native VM ----------------------------------------------- */

static uint64_t *kvm_slot_table(struct kvm_backend *b, uint64_t off)
{
	return (uint64_t *)(b->slot + off);
}

static void kvm_build_page_tables(struct kvm_backend *b)
{
	const uint64_t table = X86_PTE_P | X86_PTE_RW | X86_PTE_US | X86_PTE_A;
	const uint64_t leaf = table | X86_PTE_D | X86_PTE_PS | X86_PTE_G;
	uint64_t *pml4 = kvm_slot_table(b, BM_OFF_PML4);
	uint64_t *pdpt_engine = kvm_slot_table(b, BM_OFF_PDPT_ENGINE);
	uint64_t *pd_engine = kvm_slot_table(b, BM_OFF_PD_ENGINE);
	uint64_t *pdpt_phys = kvm_slot_table(b, BM_OFF_PDPT_PHYS);

	/* No 1 GiB pages: they fault on the nested hosts we know. U/S is set
	 * everywhere: the engine runs at CPL3. */
	pml4[BM_L4_ENGINE] = (BM_ENGINE_PBASE + BM_OFF_PDPT_ENGINE) | table;
	pdpt_engine[(BM_ENGINE_VBASE >> 30) & 511] = (BM_ENGINE_PBASE + BM_OFF_PD_ENGINE) | table;
	uint64_t *pt_low = kvm_slot_table(b, BM_OFF_PT_LOW);

	/* 4 KiB pages in the first 2 MiB, so the guard below the CPL3 stack
	 * can stay unmapped; 2 MiB pages for the rest. */
	pd_engine[0] = (BM_ENGINE_PBASE + BM_OFF_PT_LOW) | table;
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t off = i << 12;
		if (off < BM_OFF_GUARD || off >= BM_OFF_GUARD_END)
			pt_low[i] = (BM_ENGINE_PBASE + off) | table | X86_PTE_D | X86_PTE_G;
	}
	for (uint64_t i = 1; i < BM_SLOT_SIZE >> 21; i++)
		pd_engine[i] = (BM_ENGINE_PBASE + (i << 21)) | leaf;

	pml4[BM_L4_PHYS] = (BM_ENGINE_PBASE + BM_OFF_PDPT_PHYS) | table;
	for (uint64_t g = 0; g < BM_PHYS_WINDOW_SIZE >> 30; g++) {
		uint64_t pd_off = BM_OFF_PD_PHYS + g * 4096;
		uint64_t *pd = kvm_slot_table(b, pd_off);
		pdpt_phys[g] = (BM_ENGINE_PBASE + pd_off) | table;
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = ((g << 30) + (i << 21)) | leaf | X86_PTE_NX;
	}
}

static int kvm_build_descriptors(struct kvm_backend *b)
{
	uint64_t stubs, stubs_size, spurious;

	if (engine_elf_lookup(&b->elf, "bm_exception_stubs", &stubs, &stubs_size) ||
	    engine_elf_lookup(&b->elf, "bm_exception_spurious", &spurious, NULL) ||
	    stubs_size != BM_EXC_VECTORS * BM_STUB_SIZE) {
		vm_error("engine image lacks the CPL0 fault layer (bm_exception_stubs of %d bytes "
			 "and bm_exception_spurious); was it built from engine/plat/baremetal?",
			 BM_EXC_VECTORS * BM_STUB_SIZE);
		return -ENOEXEC;
	}
	kvm_fill_gdt(kvm_slot_table(b, BM_OFF_GDT), BM_ENGINE_VBASE + BM_OFF_TSS);
	kvm_fill_tss(b->slot + BM_OFF_TSS, BM_ENGINE_VBASE + BM_OFF_CPL0_STACK_TOP,
		     BM_ENGINE_VBASE + BM_OFF_IST1_TOP, BM_ENGINE_VBASE + BM_OFF_IST2_TOP);
	for (unsigned v = 0; v < 256; v++) {
		uint64_t h = v < BM_EXC_VECTORS ? stubs + v * BM_STUB_SIZE : spurious;
		kvm_set_idt_gate(b->slot + BM_OFF_IDT, v, h, v == BM_VECTOR_DF ? 2 : 1, 0);
	}
	return 0;
}

static int kvm_init_vcpu(struct kvm_backend *b, char *err)
{
	struct kvm_regs regs = {
		.rip = b->elf.entry,
		.rsp = BM_ENGINE_VBASE + BM_OFF_CPL0_STACK_TOP,
		.rflags = 0x2,
	};
	int ret = kvm_create_vcpu(b->kvm_fd, b->vm_fd, &b->vcpu_fd, &b->run, &b->run_size, err);

	if (ret)
		return ret;
	ret = kvm_enter_long_mode(b->vcpu_fd, BM_ENGINE_PBASE + BM_OFF_PML4,
				  BM_ENGINE_VBASE + BM_OFF_GDT, BM_ENGINE_VBASE + BM_OFF_IDT,
				  BM_ENGINE_VBASE + BM_OFF_TSS, err);
	if (ret)
		return ret;
	if (ioctl(b->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return kvm_fail(err, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

static void kvm_on_kick(int sig)
{
}

static int kvm_create(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = kvm_on_kick };	/* no SA_RESTART */
	char err[KVM_ERR_LEN];
	struct kvm_backend *b;
	int ret;

	b = calloc(1, sizeof(*b));
	if (!b) {
		vm_error("kvm: out of memory");
		return -ENOMEM;
	}
	b->kvm_fd = b->vm_fd = b->vcpu_fd = -1;
	b->run = MAP_FAILED;
	b->slot = MAP_FAILED;
	vm->backend_priv = b;

	if (vm->ram_base + vm->ram_size > BM_KVM_IDENTITY_MAP) {
		vm_error("kvm: guest RAM 0x%" PRIx64 "+0x%" PRIx64 " overlaps KVM's private pages "
			 "at 0x%x", vm->ram_base, vm->ram_size, BM_KVM_IDENTITY_MAP);
		return -EINVAL;
	}
	ret = kvm_open_dev(&b->kvm_fd, err);
	if (ret)
		goto err_report;
	ret = kvm_create_vm(b->kvm_fd, BM_KVM_TSS, BM_KVM_IDENTITY_MAP, &b->vm_fd, err);
	if (ret)
		goto err_report;
	ret = kvm_add_slot(b->vm_fd, 0, vm->ram_base, vm->ram_size, vm->ram, err);
	if (ret)
		goto err_report;
	/* MAP_NORESERVE: the slot is sized for a large .bss and code cache, but
	 * only pages the engine touches are ever backed. */
	b->slot = mmap(NULL, BM_SLOT_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->slot == MAP_FAILED) {
		ret = kvm_fail(err, "cannot reserve %d MiB for the engine: %s",
			       BM_SLOT_SIZE >> 20, strerror(errno));
		goto err_report;
	}
	/* 2 MiB host pages where the host has them: on a shadow-paging host
	 * every first touch of a 4 KiB page was a trip to the outer
	 * hypervisor, and exec=jit's code cache and tables touch hundreds of
	 * MiB (a Linux boot's translation time halved: README). */
	madvise(b->slot, BM_SLOT_SIZE, MADV_HUGEPAGE);
	ret = kvm_add_slot(b->vm_fd, 1, BM_ENGINE_PBASE, BM_SLOT_SIZE, b->slot, err);
	if (ret)
		goto err_report;
	ret = engine_elf_load(&b->elf, vm->engine_path, b->slot + BM_OFF_IMAGE, BM_IMAGE_VBASE,
			      BM_SLOT_SIZE - BM_OFF_IMAGE);
	if (ret) {
		vm_error("kvm: %s", b->elf.err);
		return ret;
	}
	kvm_build_page_tables(b);
	ret = kvm_build_descriptors(b);
	if (ret)
		return ret;
	ret = kvm_init_vcpu(b, err);
	if (ret)
		goto err_report;
	if (sigaction(KVM_KICK_SIGNAL, &sa, NULL) < 0) {
		ret = kvm_fail(err, "cannot install the vCPU kick handler: %s", strerror(errno));
		goto err_report;
	}
	vm->sh = (struct captive_shared *)(b->slot + BM_OFF_SHARED);
	vm->phys_window = BM_PHYS_WINDOW;
	vm->engine_mem = (struct jitlog_code){ b->slot, BM_ENGINE_VBASE, BM_SLOT_SIZE };
	return 0;

err_report:
	vm_error("kvm: %s", err);
	return ret;
}

/* ---- crash reports ---------------------------------------------------------- */

/* Host pointer to len bytes of engine memory at engine address va, or NULL. */
static const void *kvm_engine_ptr(struct kvm_backend *b, uint64_t va, uint64_t len)
{
	if (va < BM_ENGINE_VBASE || va - BM_ENGINE_VBASE > BM_SLOT_SIZE - len)
		return NULL;
	return b->slot + (va - BM_ENGINE_VBASE);
}

static bool kvm_is_code(struct kvm_backend *b, uint64_t addr)
{
	const struct engine_sym *s = engine_elf_find(&b->elf, addr);
	return s && s->func;
}

/*
 * Walk the frame-pointer chain (the engine is built with
 * -fno-omit-frame-pointer). GCC still omits the frame of a leaf function,
 * plat_doorbell among them, so a code address at rsp is shown first, marked
 * "?" as possibly stale, as Linux does for unreliable entries.
 */
static void kvm_backtrace(struct kvm_backend *b, uint64_t rip, uint64_t rsp, uint64_t rbp,
			  FILE *out)
{
	const uint64_t *top = kvm_engine_ptr(b, rsp, 8);
	char sym[256];
	int depth = 1;

	fprintf(out, "engine backtrace (frame pointers):\n");
	fprintf(out, "  #0  %s\n", engine_elf_symbolize(&b->elf, rip, sym, sizeof(sym)));
	if (top && rsp < rbp && kvm_is_code(b, *top))
		fprintf(out, "  #%-2d ? %s\n", depth++,
			engine_elf_symbolize(&b->elf, *top, sym, sizeof(sym)));
	for (; depth < KVM_BACKTRACE_DEPTH && rbp; depth++) {
		const uint64_t *frame = kvm_engine_ptr(b, rbp, 16);
		if (!frame || rbp & 7) {
			fprintf(out, "  (frame pointer 0x%016" PRIx64 " is outside the engine)\n",
				rbp);
			return;
		}
		if (!frame[1])
			return;
		fprintf(out, "  #%-2d %s\n", depth,
			engine_elf_symbolize(&b->elf, frame[1], sym, sizeof(sym)));
		if (frame[0] && frame[0] <= rbp) {
			fprintf(out, "  (frame chain goes backwards at 0x%016" PRIx64 ")\n", rbp);
			return;
		}
		rbp = frame[0];
	}
}

static const char *kvm_vector_name(uint64_t v)
{
	static const char *const names[32] = {
		"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
		"#BR bound range", "#UD invalid opcode", "#NM device not available",
		"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
		"#NP segment not present", "#SS stack fault", "#GP general protection",
		"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
		"#MC machine check", "#XM SIMD exception", "#VE virtualization exception",
		"#CP control protection",
	};

	if (v < 32)
		return names[v] ? names[v] : "reserved";
	return "unexpected interrupt";
}

static const struct captive_x86_crash *kvm_crash(struct vm *vm)
{
	const struct captive_x86_crash *c =
		(const void *)((const uint8_t *)vm->sh + CAPTIVE_CRASH_OFFSET);
	return __atomic_load_n(&c->valid, __ATOMIC_ACQUIRE) ? c : NULL;
}

static void kvm_print_crash(struct kvm_backend *b, const struct captive_x86_crash *c, FILE *out)
{
	static const char *const gpr_names[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp",
						   "rsi", "rdi", "r8",	"r9",  "r10", "r11",
						   "r12", "r13", "r14", "r15" };
	char sym[256];

	fprintf(out, "x86 exception in the engine: %s (vector %" PRIu64 "), error code 0x%" PRIx64
		     "%s\n",
		kvm_vector_name(c->vector), c->vector, c->error_code,
		c->nested ? " (and further exceptions inside the fault handler)" : "");
	if (c->vector == 14 && c->cr2 >= BM_ENGINE_VBASE + BM_OFF_GUARD &&
	    c->cr2 < BM_ENGINE_VBASE + BM_OFF_GUARD_END)
		fprintf(out, "  cr2 is in the guard below the engine's stack: a stack overflow "
			     "(the stack is %d KiB)\n",
			(BM_OFF_CPL3_STACK_TOP - BM_OFF_GUARD_END) >> 10);
	fprintf(out, "  rip %s\n", engine_elf_symbolize(&b->elf, c->rip, sym, sizeof(sym)));
	fprintf(out, "  cs %04" PRIx64 " (CPL%" PRIu64 ") ss %04" PRIx64 " rflags %016" PRIx64
		     " cr2 %016" PRIx64 " cr3 %016" PRIx64 "\n",
		c->cs, c->cs & 3, c->ss, c->rflags, c->cr2, c->cr3);
	for (int i = 0; i < 16; i++)
		fprintf(out, "  %-3s %016" PRIx64 "%s", gpr_names[i], c->gpr[i],
			i % 4 == 3 ? "\n" : "");
	kvm_backtrace(b, c->rip, c->gpr[4], c->gpr[5], out);
}

static const char *kvm_exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_HLT: return "KVM_EXIT_HLT (the vCPU executed hlt)";
	case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN (triple fault: an exception with no "
				       "usable IDT, GDT or stack, or syscall/int 0x80 on a nested "
				       "host)";
	case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY (KVM could not enter the vCPU)";
	case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
	case KVM_EXIT_EXCEPTION: return "KVM_EXIT_EXCEPTION";
	case KVM_EXIT_DEBUG: return "KVM_EXIT_DEBUG";
	default: return "unknown exit";
	}
}

/* Everything there is to know about a vCPU that stopped for good. */
static void kvm_report(struct vm *vm, const char *fmt, ...)
{
	struct kvm_backend *b = vm->backend_priv;
	struct kvm_run *run = b->run;
	struct kvm_regs r;
	struct kvm_sregs s;
	char msg[512], sym[256];
	va_list ap;
	FILE *out = stderr;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vm_error("kvm: %s", msg);
	if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		fprintf(out, "  hardware entry failure reason 0x%llx\n",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		fprintf(out, "  suberror %u%s, data:", run->internal.suberror,
			run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
				? " (instruction emulation failed)" : "");
		for (uint32_t i = 0; i < run->internal.ndata && i < 16; i++)
			fprintf(out, " %llx", (unsigned long long)run->internal.data[i]);
		fputc('\n', out);
	}
	if (ioctl(b->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(b->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "  (cannot read the vCPU registers: %s)\n", strerror(errno));
		return;
	}
	fprintf(out, "  rip %s\n", engine_elf_symbolize(&b->elf, r.rip, sym, sizeof(sym)));
	fprintf(out, "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", r.rax, r.rbx, r.rcx,
		r.rdx);
	fprintf(out, "  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n", r.rsi, r.rdi, r.rbp,
		r.rsp);
	fprintf(out, "  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n", r.r8, r.r9, r.r10,
		r.r11);
	fprintf(out, "  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n", r.r12, r.r13, r.r14,
		r.r15);
	fprintf(out, "  rflags %016llx cs %04x (CPL%u) ss %04x\n", r.rflags, s.cs.selector,
		s.cs.dpl, s.ss.selector);
	fprintf(out, "  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx efer %016llx\n", s.cr0,
		s.cr2, s.cr3, s.cr4, s.efer);
	const struct captive_x86_crash *c = kvm_crash(vm);
	if (c)
		kvm_print_crash(b, c, out);
	else
		kvm_backtrace(b, r.rip, r.rsp, r.rbp, out);
}

/* A PANIC doorbell: the engine's own panic, or the CPL0 fault layer's. */
static void kvm_on_panic(struct vm *vm)
{
	struct kvm_backend *b = vm->backend_priv;
	const struct captive_x86_crash *c = kvm_crash(vm);
	struct kvm_regs r;
	char sym[256];

	if (c) {
		vm->sh->exit.reason = CAPTIVE_STOP_PANIC;
		snprintf(vm->sh->exit.msg, sizeof(vm->sh->exit.msg),
			 "x86 %s (vector %" PRIu64 ") at %s, cr2 0x%" PRIx64,
			 kvm_vector_name(c->vector), c->vector,
			 engine_elf_symbolize(&b->elf, c->rip, sym, sizeof(sym)), c->cr2);
	}
	vm_doorbell(vm, CAPTIVE_DB_PANIC);
	if (c)
		kvm_print_crash(b, c, stderr);
	else if (ioctl(b->vcpu_fd, KVM_GET_REGS, &r) == 0)
		kvm_backtrace(b, r.rip, r.rsp, r.rbp, stderr);
}

/* ---- running ---------------------------------------------------------------- */

static int kvm_handle_io(struct vm *vm, struct kvm_run *run)
{
	uint32_t code;

	if (run->io.port != CAPTIVE_DOORBELL_PORT || run->io.direction != KVM_EXIT_IO_OUT ||
	    run->io.size != 4 || run->io.count != 1) {
		kvm_report(vm, "unexpected port I/O from the engine: %s of %u x %u bytes at port "
			       "0x%x (the doorbell is a 4-byte out to 0x%x)",
			   run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in", run->io.count,
			   run->io.size, run->io.port, CAPTIVE_DOORBELL_PORT);
		return -EIO;
	}
	memcpy(&code, (uint8_t *)run + run->io.data_offset, 4);
	if (code == CAPTIVE_DB_PANIC) {
		kvm_on_panic(vm);
		return 1;
	}
	return vm_doorbell(vm, code);
}

static int kvm_handle_mmio(struct vm *vm, struct kvm_run *run)
{
	uint32_t len = run->mmio.len, val = 0;
	int status;

	if (len != 1 && len != 2 && len != 4) {
		kvm_report(vm, "%u-byte %s at physical 0x%llx: the engine's device accesses are "
			       "1, 2 or 4 bytes (a wild pointer into the linear map?)",
			   len, run->mmio.is_write ? "store" : "load",
			   (unsigned long long)run->mmio.phys_addr);
		return -EIO;
	}
	if (run->mmio.is_write)
		memcpy(&val, run->mmio.data, len);
	status = vm_mmio(vm, run->mmio.phys_addr, len, &val, run->mmio.is_write);
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &val, len);
	__atomic_store_n(&vm->sh->io.status, status, __ATOMIC_RELEASE);
	return 0;
}

static int kvm_run(struct vm *vm)
{
	struct kvm_backend *b = vm->backend_priv;
	struct kvm_run *run = b->run;
	sigset_t kick;
	int ret;

	sigemptyset(&kick);
	sigaddset(&kick, KVM_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	b->thread = pthread_self();
	atomic_store(&b->have_thread, 1);

	for (;;) {
		unsigned kind;

		ret = ioctl(b->vcpu_fd, KVM_RUN, 0);
		uint64_t t_exit = vm_now_ns();
		if (ret < 0 && errno != EINTR && errno != EAGAIN) {
			ret = -errno;
			kvm_report(vm, "KVM_RUN: %s", strerror(-ret));
			goto out;
		}
		if (ret < 0)
			run->exit_reason = KVM_EXIT_INTR;

		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			kind = VM_EXIT_IO;
			vm->stats.exits[VM_EXIT_IO]++;
			ret = kvm_handle_io(vm, run);
			if (ret) {
				ret = ret > 0 ? 0 : ret;
				goto out;
			}
			break;
		case KVM_EXIT_MMIO:
			kind = VM_EXIT_MMIO;
			vm->stats.exits[VM_EXIT_MMIO]++;
			ret = kvm_handle_mmio(vm, run);
			if (ret)
				goto out;
			break;
		case KVM_EXIT_INTR:
			/* A kick: the engine sees sh->stop_request at its next safe
			 * point; the framework's grace timer covers an engine that
			 * never gets there. */
			kind = VM_EXIT_INTR;
			vm->stats.exits[VM_EXIT_INTR]++;
			__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_RELAXED);
			break;
		default:
			vm->stats.exits[VM_EXIT_OTHER]++;
			kvm_report(vm, "the native VM stopped: %s (exit reason %u)",
				   kvm_exit_name(run->exit_reason), run->exit_reason);
			ret = -EIO;
			goto out;
		}
		vm->stats.exit_ns[kind] += vm_now_ns() - t_exit;
	}
out:
	atomic_store(&b->have_thread, 0);
	return ret;
}

static void kvm_kick(struct vm *vm)
{
	struct kvm_backend *b = vm->backend_priv;

	if (!b || b->run == MAP_FAILED)
		return;
	__atomic_store_n(&b->run->immediate_exit, 1, __ATOMIC_RELEASE);
	if (atomic_load(&b->have_thread))
		pthread_kill(b->thread, KVM_KICK_SIGNAL);
}

static void kvm_destroy(struct vm *vm)
{
	struct kvm_backend *b = vm->backend_priv;

	if (!b)
		return;
	if (b->run != MAP_FAILED)
		munmap(b->run, b->run_size);
	if (b->vcpu_fd >= 0)
		close(b->vcpu_fd);
	if (b->vm_fd >= 0)
		close(b->vm_fd);
	if (b->kvm_fd >= 0)
		close(b->kvm_fd);
	if (b->slot != MAP_FAILED)
		munmap(b->slot, BM_SLOT_SIZE);
	engine_elf_free(&b->elf);
	free(b);
	vm->backend_priv = NULL;
	vm->sh = NULL;
}

const struct backend_ops backend_kvm = {
	.name = "kvm",
	.description = "the engine runs bare-metal in a KVM native VM (the paper's design)",
	.engine_subdir = "kvm",
	.engine_suffix = ".elf",
	.create = kvm_create,
	.run = kvm_run,
	.kick = kvm_kick,
	.destroy = kvm_destroy,
};
