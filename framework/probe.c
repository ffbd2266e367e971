/*
 * `captive --probe` (see probe.h). Each KVM measurement runs a tiny payload,
 * written below in assembly, in a throwaway native VM: one 4 MiB slot,
 * identity-mapped, entered in long mode at CPL0 with the test number in rdi
 * and an iteration count in rsi. The payload marks the start of the timed
 * part and its end with port writes, so the host times it with
 * CLOCK_MONOTONIC between two exits; exit round trips themselves are timed
 * exit to exit.
 */
#include <cpuid.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kvm.h"
#include "probe.h"
#include "../engine/plat/baremetal/layout.h"

/* Guest-physical (= virtual) layout of a probe VM. Plain numbers: the
 * payload below uses some of them too (PROBE_STR). */
#define PROBE_MEM_SIZE 0x400000
#define PROBE_PML4 0x1000
#define PROBE_PDPT 0x2000
#define PROBE_PD 0x3000
#define PROBE_PT 0x4000		/* 4 KiB pages of PROBE_PF_BASE..PROBE_PF_END */
#define PROBE_GDT 0x5000
#define PROBE_TSS 0x6000
#define PROBE_IDT 0x7000
#define PROBE_CODE 0x8000
#define PROBE_CODE_MAX 0x8000
#define PROBE_CPL0_STACK 0x20000
#define PROBE_IST1_STACK 0x28000
#define PROBE_CPL3_STACK 0x30000
#define PROBE_INVLPG_ADDR 0x100000
#define PROBE_PF_BASE 0x200000
#define PROBE_PF_END 0x400000
#define PROBE_PF_MAX 512u
#define PROBE_MMIO_ADDR 0x10000000	/* no slot: every access exits */
/* The #PF handler finds the PTE of va at PROBE_PTE_BIAS + (va >> 9). */
#define PROBE_PTE_BIAS 0x3000
_Static_assert(PROBE_PTE_BIAS + (PROBE_PF_BASE >> 9) == PROBE_PT, "PTE bias");
_Static_assert((PROBE_PF_END - PROBE_PF_BASE) >> 12 == PROBE_PF_MAX, "one PT");

/* Ports the payload writes (8-bit immediates). */
#define PROBE_PORT_START 0xe0
#define PROBE_PORT_TICK 0xe1
#define PROBE_PORT_END 0xe2
#define PROBE_PORT_CRASH 0xe3
#define PROBE_PORT_GP 0xe4
#define PROBE_PORT_BAD_PF 0xe5	/* the CPL3 #PF handler saw a frame it did not expect */

#define PROBE_STR2(x) #x
#define PROBE_STR(x) PROBE_STR2(x)

/* Test numbers (rdi); below PROBE_T_FIRST_CPL3 they run at CPL0. The payload
 * compares rdi with these as literals: renumber both together. */
enum probe_test {
	PROBE_T_IO_CPL0 = 0,
	PROBE_T_CR3 = 1,
	PROBE_T_INVLPG = 2,
	PROBE_T_LOOP_CPL0 = 3,
	PROBE_T_EMPTY_CPL0 = 4,
	PROBE_T_PTE_CPL0 = 5,	/* in a VM whose #PF gate is the crash handler */
	PROBE_T_FIRST_CPL3 = 6,
	PROBE_T_IO_CPL3 = 6,
	PROBE_T_MMIO = 7,
	PROBE_T_UD = 8,
	PROBE_T_PF = 9,
	PROBE_T_LOOP_CPL3 = 10,
	PROBE_T_SYSCALL = 11,	/* LSTAR decides how the handler returns */
	PROBE_T_PTE_CPL3 = 12,	/* in a VM whose #PF gate is the crash handler */
	PROBE_T_PF_USER = 13,	/* in a VM whose #PF gate targets CPL3 code */
};

/* How a run ended. */
enum probe_outcome {
	PROBE_RAN,
	PROBE_SHUTDOWN,		/* the VM shut down (triple fault) */
	PROBE_FAULT_GP,		/* #GP in the payload */
	PROBE_FAULT,		/* another unexpected exception */
	PROBE_BAD_PF,		/* the CPL3 #PF handler ran at CPL0, or saw a bad frame */
	PROBE_MISCOUNT,		/* the CPL3 #PF handler did not run once per page */
};

/*
 * The payload. Position-independent except for the fixed addresses above;
 * copied to PROBE_CODE. The register loop (add, xor, dec, jnz) is what the
 * CPL0/CPL3 ratio compares; the CR3 and INVLPG loops are charged net of the
 * bare dec/jnz loop.
 */
__asm__(".pushsection .rodata.probe_payload, \"a\"\n"
	".globl probe_payload_start, probe_payload_end, probe_ud_handler\n"
	".globl probe_pf_handler, probe_crash_handler, probe_gp_handler\n"
	".globl probe_sysret_handler, probe_syscall_iret_handler\n"
	".globl probe_user_pf_handler, probe_bad_pf_handler\n"
	".hidden probe_payload_start, probe_payload_end, probe_ud_handler\n"
	".hidden probe_pf_handler, probe_crash_handler, probe_gp_handler\n"
	".hidden probe_sysret_handler, probe_syscall_iret_handler\n"
	".hidden probe_user_pf_handler, probe_bad_pf_handler\n"
	"probe_payload_start:\n"
	"	cmp $9, %edi\n"		/* PF, PTE and PF_USER tests: every page */
	"	je 4f\n"			/* not present again; the guest writes */
	"	cmp $5, %edi\n"		/* the PTEs itself so a shadow-paging */
	"	je 4f\n"			/* host sees the change */
	"	cmp $12, %edi\n"
	"	je 4f\n"
	"	cmp $13, %edi\n"
	"	jne 3f\n"
	"4:	mov %rdi, %r10\n"
	"	mov $" PROBE_STR(PROBE_PT) ", %edi\n"
	"	mov $512, %ecx\n"
	"	xor %eax, %eax\n"
	"	rep stosq\n"
	"	mov %r10, %rdi\n"
	"3:	mov %cr3, %rax\n"		/* and flush the old translations */
	"	mov %rax, %cr3\n"
	"	mov %rsi, %rcx\n"
	"	cmp $6, %edi\n"		/* PROBE_T_FIRST_CPL3 */
	"	jb 1f\n"
	"	pushq $(" PROBE_STR(BM_SEL_UDATA) " | 3)\n" /* to CPL3: ss rsp rflags cs rip */
	"	pushq $" PROBE_STR(PROBE_CPL3_STACK) "\n"
	"	pushq $" PROBE_STR(BM_USER_RFLAGS) "\n"
	"	pushq $(" PROBE_STR(BM_SEL_UCODE) " | 3)\n"
	"	lea 1f(%rip), %rax\n"
	"	pushq %rax\n"
	"	iretq\n"
	"1:	cmp $0, %edi\n"
	"	je 10f\n"
	"	cmp $1, %edi\n"
	"	je 11f\n"
	"	cmp $2, %edi\n"
	"	je 12f\n"
	"	cmp $3, %edi\n"
	"	je 13f\n"
	"	cmp $4, %edi\n"
	"	je 14f\n"
	"	cmp $5, %edi\n"
	"	je 15f\n"
	"	cmp $6, %edi\n"
	"	je 10f\n"
	"	cmp $7, %edi\n"
	"	je 16f\n"
	"	cmp $8, %edi\n"
	"	je 17f\n"
	"	cmp $9, %edi\n"
	"	je 18f\n"
	"	cmp $10, %edi\n"
	"	je 13f\n"
	"	cmp $11, %edi\n"
	"	je 20f\n"
	"	cmp $12, %edi\n"
	"	je 15f\n"
	"	cmp $13, %edi\n"
	"	je 19f\n"
	"	jmp 99f\n"
	"10:	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n" /* port-I/O exits */
	"2:	outb %al, $" PROBE_STR(PROBE_PORT_TICK) "\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"11:	mov %cr3, %rax\n"		/* CR3 reload */
	"	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n"
	"2:	mov %rax, %cr3\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"12:	mov $" PROBE_STR(PROBE_INVLPG_ADDR) ", %ebx\n"		/* INVLPG */
	"	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n"
	"2:	invlpg (%rbx)\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"13:	xor %eax, %eax\n"		/* register-only loop */
	"	xor %edx, %edx\n"
	"	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n"
	"2:	add %rcx, %rax\n"
	"	xor %rax, %rdx\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"14:	outb %al, $0xe0\n"		/* bare loop */
	"2:	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	/* PTE writes, at CPL0 or CPL3: each iteration makes the next page of
	 * PROBE_PF_BASE present and touches it, with no fault handler (a #PF
	 * crashes). rax is the PTE (page | P RW US A D), so the page is at
	 * rax - 0x67; rdx is where it goes. Besides the store and the load the
	 * iteration is two adds, dec and jnz, as the register loop's add, xor,
	 * dec, jnz: the register loop's time is the loop's own overhead. */
	"15:	mov $(" PROBE_STR(PROBE_PF_BASE) " | 0x67), %eax\n"
	"	mov $" PROBE_STR(PROBE_PT) ", %edx\n"
	"	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n"
	"2:	mov %rax, (%rdx)\n"
	"	movl -0x67(%rax), %r8d\n"
	"	add $0x1000, %rax\n"
	"	add $8, %rdx\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"16:	mov $" PROBE_STR(PROBE_MMIO_ADDR) ", %ebx\n"	/* MMIO exits */
	"	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n"
	"2:	movl (%rbx), %eax\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"17:	outb %al, $0xe0\n"		/* #UD round trips */
	"2:	ud2\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"18:	mov $" PROBE_STR(PROBE_PF_BASE) ", %ebx\n"		/* page faults, one fresh page each */
	"	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n"
	"2:	movl (%rbx), %eax\n"
	"	add $0x1000, %rbx\n"
	"	dec %rcx\n"
	"	jnz 2b\n"
	"	jmp 99f\n"
	"19:	xor %r9d, %r9d\n"		/* the PF loop, faults to a CPL3 handler that */
	"	lea (%rcx,%rcx), %r8\n"	/* counts itself in r9 and gives up past 2n */
	"	jmp 18b\n"
	"20:	mov %rcx, %r8\n"		/* syscall (clobbers rcx, r11) */
	"	xor %r9d, %r9d\n"		/* the handler counts itself in r9 */
	"	outb %al, $" PROBE_STR(PROBE_PORT_START) "\n"
	"2:	syscall\n"
	"	dec %r8\n"
	"	jnz 2b\n"
	"99:	outb %al, $" PROBE_STR(PROBE_PORT_END) "\n"
	"	jmp 99b\n"
	"probe_ud_handler:\n"
	"	addq $2, (%rsp)\n"		/* skip the ud2 */
	"	iretq\n"
	"probe_pf_handler:\n"
	"	pushq %rax\n"
	"	pushq %rbx\n"
	"	mov %cr2, %rax\n"
	"	cmp $" PROBE_STR(PROBE_PF_BASE) ", %rax\n"
	"	jb probe_crash_handler\n"
	"	cmp $" PROBE_STR(PROBE_PF_END) ", %rax\n"
	"	jae probe_crash_handler\n"
	"	and $-4096, %rax\n"
	"	mov %rax, %rbx\n"
	"	shr $9, %rbx\n"			/* PTE address: PT + (va - 2 MiB) / 512 */
	"	or $0x67, %rax\n"		/* P RW US A D */
	"	mov %rax, " PROBE_STR(PROBE_PTE_BIAS) "(%rbx)\n"
	"	popq %rbx\n"
	"	popq %rax\n"
	"	add $8, %rsp\n"			/* error code */
	"	iretq\n"
	/* The #PF handler of PROBE_T_PF_USER, entered through a gate whose
	 * target is the DPL-3 code segment: delivered at CPL3 with no privilege
	 * change and, with IST 0, on the current (CPL3) stack; in IA-32e mode
	 * that frame still holds ss and rsp, below an rsp aligned to 16 (SDM
	 * vol. 3, 6.14.2). CPL3 cannot read CR2: the faulting page is rbx, the
	 * loop's. An emulated delivery may get this wrong where hardware would
	 * not (this file's nested host runs a gate naming a data segment as
	 * 32-bit code instead of raising #GP), so the handler checks it runs
	 * at CPL3 and that the frame is a CPL3 read of a not-present page
	 * (error code 4) at rbx before it counts; past 2n faults (a host that
	 * never sees the PTE write) it ends the run, and r9 != n says why. */
	"probe_user_pf_handler:\n"
	"	pushq %rax\n"
	"	pushq %rdx\n"
	"	mov %cs, %eax\n"
	"	and $3, %eax\n"
	"	cmp $3, %eax\n"
	"	jne probe_bad_pf_handler\n"
	"	cmpq $4, 16(%rsp)\n"			/* error code: user, read, not present */
	"	jne probe_bad_pf_handler\n"
	"	cmpq $(" PROBE_STR(BM_SEL_UCODE) " | 3), 32(%rsp)\n"	/* interrupted cs */
	"	jne probe_bad_pf_handler\n"
	"	cmp $" PROBE_STR(PROBE_PF_BASE) ", %rbx\n"
	"	jb probe_bad_pf_handler\n"
	"	cmp $" PROBE_STR(PROBE_PF_END) ", %rbx\n"
	"	jae probe_bad_pf_handler\n"
	"	inc %r9\n"
	"	cmp %r8, %r9\n"
	"	ja 99b\n"
	"	mov %rbx, %rdx\n"
	"	shr $9, %rdx\n"			/* PTE address: PT + (va - 2 MiB) / 512 */
	"	lea 0x67(%rbx), %rax\n"		/* P RW US A D (rbx is page-aligned) */
	"	mov %rax, " PROBE_STR(PROBE_PTE_BIAS) "(%rdx)\n"
	"	popq %rdx\n"
	"	popq %rax\n"
	"	add $8, %rsp\n"			/* error code */
	"	iretq\n"				/* CPL3 -> CPL3, legal in 64-bit mode */
	"probe_bad_pf_handler:\n"
	"	outb %al, $" PROBE_STR(PROBE_PORT_BAD_PF) "\n"
	"	hlt\n"
	"	jmp probe_bad_pf_handler\n"
	"probe_sysret_handler:\n"
	"	inc %r9\n"
	"	sysretq\n"
	"probe_syscall_iret_handler:\n"		/* return through iretq instead */
	"	inc %r9\n"
	"	mov %rsp, %rax\n"
	"	pushq $(" PROBE_STR(BM_SEL_UDATA) " | 3)\n"
	"	pushq %rax\n"
	"	pushq %r11\n"
	"	pushq $(" PROBE_STR(BM_SEL_UCODE) " | 3)\n"
	"	pushq %rcx\n"
	"	iretq\n"
	"probe_gp_handler:\n"
	"	outb %al, $" PROBE_STR(PROBE_PORT_GP) "\n"
	"	hlt\n"
	"	jmp probe_gp_handler\n"
	"probe_crash_handler:\n"
	"	outb %al, $" PROBE_STR(PROBE_PORT_CRASH) "\n"
	"	hlt\n"
	"	jmp probe_crash_handler\n"
	"probe_payload_end:\n"
	".popsection\n");

extern const uint8_t probe_payload_start[] __attribute__((visibility("hidden")));
extern const uint8_t probe_payload_end[] __attribute__((visibility("hidden")));
extern const uint8_t probe_ud_handler[] __attribute__((visibility("hidden")));
extern const uint8_t probe_pf_handler[] __attribute__((visibility("hidden")));
extern const uint8_t probe_crash_handler[] __attribute__((visibility("hidden")));
extern const uint8_t probe_gp_handler[] __attribute__((visibility("hidden")));
extern const uint8_t probe_sysret_handler[] __attribute__((visibility("hidden")));
extern const uint8_t probe_syscall_iret_handler[] __attribute__((visibility("hidden")));
extern const uint8_t probe_user_pf_handler[] __attribute__((visibility("hidden")));
extern const uint8_t probe_bad_pf_handler[] __attribute__((visibility("hidden")));

#define PROBE_MSR_STAR 0xc0000081u
#define PROBE_MSR_LSTAR 0xc0000082u
#define PROBE_MSR_FMASK 0xc0000084u
#define PROBE_EFER_SCE 0x1ull

#define PROBE_TRIALS 7
#define PROBE_TARGET_NS 40000000.0	/* aim each timed trial at ~40 ms */
#define PROBE_MAX_ITERS 50000000ull
#define PROBE_MAX_TICKS 4096u

struct probe_vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
	bool syscall_setup;
};

/* What one run of a test saw. */
struct probe_result {
	double timed_ns;	/* from the START exit to the END exit */
	double *ticks;		/* exit-to-exit intervals (exit tests) */
	unsigned nticks;
	enum probe_outcome outcome;
	uint64_t r9;		/* at the end: syscall handler runs */
};

static double probe_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The payload's labels are distinct linker symbols: compare addresses, not
 * pointers into one object. */
static size_t probe_payload_offset(const uint8_t *sym)
{
	return (uintptr_t)sym - (uintptr_t)probe_payload_start;
}

static uint64_t probe_guest_addr(const uint8_t *sym)
{
	return PROBE_CODE + probe_payload_offset(sym);
}

static void probe_build_memory(uint8_t *mem)
{
	const uint64_t table = X86_PTE_P | X86_PTE_RW | X86_PTE_US | X86_PTE_A;
	uint64_t *pml4 = (uint64_t *)(mem + PROBE_PML4);
	uint64_t *pdpt = (uint64_t *)(mem + PROBE_PDPT);
	uint64_t *pd = (uint64_t *)(mem + PROBE_PD);

	pml4[0] = PROBE_PDPT | table;
	pdpt[0] = PROBE_PD | table;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | table | X86_PTE_D | X86_PTE_PS;
	pd[PROBE_PF_BASE >> 21] = PROBE_PT | table;

	kvm_fill_gdt((uint64_t *)(mem + PROBE_GDT), PROBE_TSS);
	kvm_fill_tss(mem + PROBE_TSS, PROBE_CPL0_STACK, PROBE_IST1_STACK, PROBE_IST1_STACK);
	for (unsigned v = 0; v < 256; v++)
		kvm_set_idt_gate(mem + PROBE_IDT, v, probe_guest_addr(probe_crash_handler), 1, 0);
	kvm_set_idt_gate(mem + PROBE_IDT, 6, probe_guest_addr(probe_ud_handler), 0, 0);
	kvm_set_idt_gate(mem + PROBE_IDT, 13, probe_guest_addr(probe_gp_handler), 1, 0);
	kvm_set_idt_gate(mem + PROBE_IDT, 14, probe_guest_addr(probe_pf_handler), 0, 0);
	memcpy(mem + PROBE_CODE, probe_payload_start, probe_payload_offset(probe_payload_end));
}

static void probe_vm_destroy(struct probe_vm *p)
{
	if (p->run && p->run != MAP_FAILED)
		munmap(p->run, p->run_size);
	if (p->vcpu_fd >= 0)
		close(p->vcpu_fd);
	if (p->vm_fd >= 0)
		close(p->vm_fd);
	if (p->kvm_fd >= 0)
		close(p->kvm_fd);
	if (p->mem && p->mem != MAP_FAILED)
		munmap(p->mem, PROBE_MEM_SIZE);
}

static int probe_vm_create(struct probe_vm *p, char *err)
{
	int ret;

	_Static_assert(PROBE_MEM_SIZE <= BM_KVM_IDENTITY_MAP, "probe memory below KVM's pages");
	*p = (struct probe_vm){ .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1 };
	if (probe_payload_offset(probe_payload_end) > PROBE_CODE_MAX) {
		snprintf(err, KVM_ERR_LEN, "probe payload larger than its %d bytes",
			 PROBE_CODE_MAX);
		return -E2BIG;
	}
	ret = kvm_open_dev(&p->kvm_fd, err);
	if (ret)
		return ret;
	ret = kvm_create_vm(p->kvm_fd, BM_KVM_TSS, BM_KVM_IDENTITY_MAP, &p->vm_fd, err);
	if (ret)
		goto err;
	p->mem = mmap(NULL, PROBE_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->mem == MAP_FAILED) {
		ret = -errno;
		snprintf(err, KVM_ERR_LEN, "cannot allocate probe VM memory: %s", strerror(errno));
		goto err;
	}
	probe_build_memory(p->mem);
	ret = kvm_add_slot(p->vm_fd, 0, 0, PROBE_MEM_SIZE, p->mem, err);
	if (ret)
		goto err;
	ret = kvm_create_vcpu(p->kvm_fd, p->vm_fd, &p->vcpu_fd, &p->run, &p->run_size, err);
	if (ret)
		goto err;
	return 0;
err:
	probe_vm_destroy(p);
	return ret;
}

static int probe_enable_syscall(struct probe_vm *p, const uint8_t *handler, char *err)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[3];
	} msrs = {
		.hdr.nmsrs = 3,
		.e = {
			{ .index = PROBE_MSR_STAR,
			  .data = ((uint64_t)(BM_SEL_KDATA) << 48) | ((uint64_t)BM_SEL_KCODE << 32) },
			{ .index = PROBE_MSR_LSTAR, .data = probe_guest_addr(handler) },
			{ .index = PROBE_MSR_FMASK, .data = 0 },
		},
	};

	if (ioctl(p->vcpu_fd, KVM_SET_MSRS, &msrs) != 3) {
		snprintf(err, KVM_ERR_LEN, "KVM_SET_MSRS (STAR/LSTAR/FMASK): %s", strerror(errno));
		return -EIO;
	}
	p->syscall_setup = true;
	return 0;
}

/* Put the vCPU at the payload's entry for one run of test with n iterations. */
static int probe_reset_vcpu(struct probe_vm *p, enum probe_test test, uint64_t n, char *err)
{
	struct kvm_regs regs = {
		.rip = PROBE_CODE,
		.rsp = PROBE_CPL0_STACK,
		.rflags = 0x2,
		.rdi = test,
		.rsi = n,
	};
	struct kvm_sregs s;
	int ret;

	ret = kvm_enter_long_mode(p->vcpu_fd, PROBE_PML4, PROBE_GDT, PROBE_IDT, PROBE_TSS, err);
	if (ret)
		return ret;
	if (p->syscall_setup) {
		if (ioctl(p->vcpu_fd, KVM_GET_SREGS, &s) < 0)
			goto err_sregs;
		s.efer |= PROBE_EFER_SCE;
		if (ioctl(p->vcpu_fd, KVM_SET_SREGS, &s) < 0)
			goto err_sregs;
	}
	if (ioctl(p->vcpu_fd, KVM_SET_REGS, &regs) < 0) {
		snprintf(err, KVM_ERR_LEN, "KVM_SET_REGS: %s", strerror(errno));
		return -EIO;
	}
	return 0;
err_sregs:
	snprintf(err, KVM_ERR_LEN, "setting EFER.SCE: %s", strerror(errno));
	return -EIO;
}

static int probe_run_once(struct probe_vm *p, enum probe_test test, uint64_t n,
			  struct probe_result *r, char *err)
{
	double start = 0, last = 0;
	int ret;

	r->nticks = 0;
	r->outcome = PROBE_RAN;
	ret = probe_reset_vcpu(p, test, n, err);
	if (ret)
		return ret;
	for (;;) {
		if (ioctl(p->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(err, KVM_ERR_LEN, "KVM_RUN: %s", strerror(errno));
			return -EIO;
		}
		double now = probe_now_ns();
		struct kvm_run *run = p->run;
		bool tick = false;

		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			switch (run->io.port) {
			case PROBE_PORT_START:
				start = last = now;
				break;
			case PROBE_PORT_TICK:
				tick = true;
				break;
			case PROBE_PORT_END: {
				struct kvm_regs regs;
				r->timed_ns = now - start;
				if (ioctl(p->vcpu_fd, KVM_GET_REGS, &regs) == 0)
					r->r9 = regs.r9;
				return 0;
			}
			case PROBE_PORT_GP:
				r->outcome = PROBE_FAULT_GP;
				return 0;
			case PROBE_PORT_CRASH:
				r->outcome = PROBE_FAULT;
				return 0;
			case PROBE_PORT_BAD_PF:
				r->outcome = PROBE_BAD_PF;
				return 0;
			default:
				snprintf(err, KVM_ERR_LEN, "probe payload (test %d) wrote to port 0x%x",
					 test, run->io.port);
				return -EIO;
			}
			break;
		case KVM_EXIT_MMIO:
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
			tick = true;
			break;
		case KVM_EXIT_SHUTDOWN:
			r->outcome = PROBE_SHUTDOWN;
			return 0;
		default:
			snprintf(err, KVM_ERR_LEN, "probe payload (test %d) stopped with KVM exit "
				 "reason %u", test, run->exit_reason);
			return -EIO;
		}
		if (tick) {
			if (r->ticks && r->nticks < PROBE_MAX_TICKS)
				r->ticks[r->nticks++] = now - last;
			last = now;
		}
	}
}

static int probe_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double probe_median(double *v, unsigned n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), probe_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *probe_outcome_text(enum probe_outcome o)
{
	switch (o) {
	case PROBE_SHUTDOWN: return "shut the VM down";
	case PROBE_FAULT_GP: return "took a #GP";
	case PROBE_FAULT: return "took an unexpected exception";
	case PROBE_BAD_PF: return "#PF not delivered as a CPL3 read fault at CPL3";
	case PROBE_MISCOUNT: return "#PF handler did not run once per page";
	default: return "ran";
	}
}

/* Median exit-to-exit interval of an exit test, in ns. */
static int probe_exit_cost(struct probe_vm *p, enum probe_test test, double *ns, char *err)
{
	static double ticks[PROBE_MAX_TICKS];
	struct probe_result r = { .ticks = ticks };
	int ret = probe_run_once(p, test, 64, &r, err);

	if (!ret && r.outcome == PROBE_RAN) {
		unsigned n = (unsigned)((PROBE_TARGET_NS * 2) / (r.timed_ns / 64 + 1));
		if (n > PROBE_MAX_TICKS)
			n = PROBE_MAX_TICKS;
		if (n < 64)
			n = 64;
		ret = probe_run_once(p, test, n, &r, err);
	}
	if (ret)
		return ret;
	if (r.outcome != PROBE_RAN) {
		snprintf(err, KVM_ERR_LEN, "probe test %d %s", test, probe_outcome_text(r.outcome));
		return -EIO;
	}
	*ns = probe_median(ticks, r.nticks);
	return 0;
}

/*
 * Median per-iteration time of a loop test, in ns, minus `overhead_ns` of
 * fixed cost per run (one exit round trip). A short calibration run picks an
 * iteration count that makes each trial take ~PROBE_TARGET_NS, capped at
 * max_iters. A run that does not end normally stops the measurement and is
 * reported in *outcome; for syscall tests so is a handler that did not run.
 */
static int probe_loop_cost(struct probe_vm *p, enum probe_test test, uint64_t max_iters,
			   double overhead_ns, double *ns, enum probe_outcome *outcome, char *err)
{
	struct probe_result r = { 0 };
	double per_iter[PROBE_TRIALS];
	uint64_t n = max_iters < 16 ? max_iters : 16;
	int ret;

	for (int t = -1; t < PROBE_TRIALS;) {
		ret = probe_run_once(p, test, n, &r, err);
		if (ret)
			return ret;
		*outcome = r.outcome;
		if (r.outcome != PROBE_RAN)
			return 0;
		if (test == PROBE_T_SYSCALL && r.r9 != n) {
			*outcome = PROBE_FAULT;
			return 0;
		}
		if (test == PROBE_T_PF_USER && r.r9 != n) {
			*outcome = PROBE_MISCOUNT;
			return 0;
		}
		if (t < 0) {
			/* calibrating: grow n until a run is long enough to scale from */
			if (r.timed_ns < PROBE_TARGET_NS / 8 && n < max_iters) {
				n = n * 8 > max_iters ? max_iters : n * 8;
				continue;
			}
			double est = r.timed_ns / (double)n;
			uint64_t want = (uint64_t)(PROBE_TARGET_NS / (est > 0 ? est : 1));
			n = want < 16 ? 16 : want > max_iters ? max_iters : want;
			t = 0;
			continue;
		}
		double v = (r.timed_ns - overhead_ns) / (double)n;
		per_iter[t++] = v > 0 ? v : 0;
	}
	*ns = probe_median(per_iter, PROBE_TRIALS);
	return 0;
}

/* A loop test that must work on any host. */
static int probe_must(struct probe_vm *p, enum probe_test test, uint64_t max_iters,
		      double overhead_ns, double *ns, char *err)
{
	enum probe_outcome o;
	int ret = probe_loop_cost(p, test, max_iters, overhead_ns, ns, &o, err);

	if (!ret && o != PROBE_RAN) {
		snprintf(err, KVM_ERR_LEN, "probe test %d %s", test, probe_outcome_text(o));
		return -EIO;
	}
	return ret;
}

static void probe_row(FILE *out, const char *name, double ns)
{
	fprintf(out, "%-56s %12.3f %14.1f\n", name, ns / 1000.0, ns);
}

/* ---- the process backend's fault path ------------------------------------ */

#define PROBE_SEGV_PAGES 256u

static uint8_t *probe_segv_base;
static long probe_page_size;

static void probe_on_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr & ~(uintptr_t)(probe_page_size - 1);
	uintptr_t base = (uintptr_t)probe_segv_base;

	if (a < base || a >= base + PROBE_SEGV_PAGES * (uintptr_t)probe_page_size ||
	    mmap((void *)a, (size_t)probe_page_size, PROT_READ | PROT_WRITE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
		signal(SIGSEGV, SIG_DFL); /* not ours: crash as usual on return */
}

/* SIGSEGV on a PROT_NONE page, fixed by mmap(MAP_FIXED) in the handler. */
static int probe_segv_cost(double *ns, char *err)
{
	struct sigaction sa = { .sa_sigaction = probe_on_segv, .sa_flags = SA_SIGINFO }, old;
	size_t len;
	double per_page[PROBE_TRIALS];
	int ret = 0;

	probe_page_size = sysconf(_SC_PAGESIZE);
	len = PROBE_SEGV_PAGES * (size_t)probe_page_size;
	if (sigaction(SIGSEGV, &sa, &old) < 0) {
		snprintf(err, KVM_ERR_LEN, "sigaction(SIGSEGV): %s", strerror(errno));
		return -errno;
	}
	for (int t = 0; t < PROBE_TRIALS; t++) {
		probe_segv_base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (probe_segv_base == MAP_FAILED) {
			snprintf(err, KVM_ERR_LEN, "mmap: %s", strerror(errno));
			ret = -ENOMEM;
			break;
		}
		double t0 = probe_now_ns();
		for (unsigned i = 0; i < PROBE_SEGV_PAGES; i++)
			((volatile uint8_t *)probe_segv_base)[i * (size_t)probe_page_size] = 1;
		per_page[t] = (probe_now_ns() - t0) / PROBE_SEGV_PAGES;
		munmap(probe_segv_base, len);
	}
	sigaction(SIGSEGV, &old, NULL);
	if (!ret)
		*ns = probe_median(per_page, PROBE_TRIALS);
	return ret;
}

/*
 * What hwmirror's host calls cost (plugins/mmu-hwmirror/README.md): per page
 * of a memfd mapped into a reserved range, mmap(MAP_FIXED) alone, the host's
 * minor fault at the first touch of that mapping, mprotect and a remap to
 * PROT_NONE (hwmirror's unmap) of a touched page, and that remap while
 * another thread of the process spins on another core (its TLB must be shot
 * down: an IPI, which a nested host may make expensive).
 */
struct probe_spin {
	atomic_bool stop;
};

static void *probe_spinner(void *arg)
{
	struct probe_spin *s = arg;
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed))
		;
	return NULL;
}

static int probe_map_costs(struct probe_costs *c, char *err)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE), n = PROBE_SEGV_PAGES;
	double t_map[PROBE_TRIALS], t_touch[PROBE_TRIALS], t_prot[PROBE_TRIALS],
		t_unmap[PROBE_TRIALS], t_shoot[PROBE_TRIALS];
	int fd = memfd_create("captive-probe", MFD_CLOEXEC), ret = 0;

	if (fd < 0 || ftruncate(fd, (off_t)(n * page)) < 0) {
		snprintf(err, KVM_ERR_LEN, "memfd: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	uint8_t *base = mmap(NULL, n * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	if (base == MAP_FAILED) {
		snprintf(err, KVM_ERR_LEN, "mmap: %s", strerror(errno));
		close(fd);
		return -ENOMEM;
	}
	struct probe_spin spin;
	pthread_t th;
	for (int t = 0; t < PROBE_TRIALS && !ret; t++) {
		/* every other page, so that no two mappings merge */
		double t0 = probe_now_ns();
		for (size_t i = 0; i < n; i += 2)
			if (mmap(base + i * page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
				 (off_t)(i * page)) == MAP_FAILED)
				ret = -errno;
		double t1 = probe_now_ns();
		for (size_t i = 0; i < n; i += 2)
			((volatile uint8_t *)base)[i * page] = 1;
		double t2 = probe_now_ns();
		for (size_t i = 0; i < n; i += 2)
			if (mprotect(base + i * page, page, PROT_READ))
				ret = -errno;
		double t3 = probe_now_ns();
		for (size_t i = 0; i < n; i += 2)
			if (mmap(base + i * page, page, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
				ret = -errno;
		double t4 = probe_now_ns();
		t_map[t] = (t1 - t0) / (double)(n / 2);
		t_touch[t] = (t2 - t1) / (double)(n / 2);
		t_prot[t] = (t3 - t2) / (double)(n / 2);
		t_unmap[t] = (t4 - t3) / (double)(n / 2);

		/* again, the last step with a spinning thread beside it */
		for (size_t i = 0; i < n; i += 2) {
			if (mmap(base + i * page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
				 (off_t)(i * page)) == MAP_FAILED)
				ret = -errno;
			((volatile uint8_t *)base)[i * page] = 1;
		}
		atomic_store(&spin.stop, false);
		int e = pthread_create(&th, NULL, probe_spinner, &spin);
		if (e) {
			snprintf(err, KVM_ERR_LEN, "pthread_create: %s", strerror(e));
			ret = -e;
			break;
		}
		double t6 = probe_now_ns();
		for (size_t i = 0; i < n; i += 2)
			if (mmap(base + i * page, page, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
				ret = -errno;
		t_shoot[t] = (probe_now_ns() - t6) / (double)(n / 2);
		atomic_store(&spin.stop, true);
		pthread_join(th, NULL);
	}
	if (ret && !err[0])
		snprintf(err, KVM_ERR_LEN, "mmap/mprotect of one page: %s", strerror(-ret));
	munmap(base, n * page);
	close(fd);
	if (!ret) {
		c->map_page = probe_median(t_map, PROBE_TRIALS);
		c->touch_page = probe_median(t_touch, PROBE_TRIALS);
		c->protect_page = probe_median(t_prot, PROBE_TRIALS);
		c->unmap_page = probe_median(t_unmap, PROBE_TRIALS);
		c->unmap_spinning = probe_median(t_shoot, PROBE_TRIALS);
	}
	return ret;
}

/* syscall may kill the VM that tries it: each variant gets a VM of its own. */
static int probe_syscall(const uint8_t *handler, double overhead_ns, double *ns,
			 enum probe_outcome *outcome, char *err)
{
	struct probe_vm p;
	int ret = probe_vm_create(&p, err);

	if (ret)
		return ret;
	ret = probe_enable_syscall(&p, handler, err);
	if (!ret)
		ret = probe_loop_cost(&p, PROBE_T_SYSCALL, 1u << 20, overhead_ns, ns, outcome,
				      err);
	probe_vm_destroy(&p);
	return ret;
}

/*
 * A guest PTE write (not present -> present) and the first access to its
 * page, at CPL0 and at CPL3 (the page tables are mapped user-writable, as
 * hwmirror's CPL3 engine would need them): what a shadow-paging outer host
 * charges for a page-table update, whether it traps the write or faults on
 * the access and syncs. The VM's #PF gate is the crash handler, so a fault
 * the guest would see makes the row unusable instead of timing a handler.
 * Net of the register loop's iteration at the same CPL (see the payload).
 */
static int probe_pte_write(struct probe_costs *k, char *err)
{
	struct probe_vm p;
	enum probe_outcome o0 = PROBE_RAN, o3 = PROBE_RAN;
	int ret = probe_vm_create(&p, err);

	if (ret)
		return ret;
	kvm_set_idt_gate(p.mem + PROBE_IDT, 14, probe_guest_addr(probe_crash_handler), 1, 0);
	ret = probe_loop_cost(&p, PROBE_T_PTE_CPL0, PROBE_PF_MAX, k->io0, &k->pte0, &o0, err);
	if (!ret)
		ret = probe_loop_cost(&p, PROBE_T_PTE_CPL3, PROBE_PF_MAX, k->io3, &k->pte3, &o3, err);
	probe_vm_destroy(&p);
	k->pte0 = k->pte0 > k->loop0 ? k->pte0 - k->loop0 : 0;
	k->pte3 = k->pte3 > k->loop3 ? k->pte3 - k->loop3 : 0;
	k->pte0_outcome = o0;
	k->pte3_outcome = o3;
	return ret;
}

/*
 * A CPL3 page fault delivered to a CPL3 handler: the #PF gate's target is
 * the DPL-3 code segment, so the CPU delivers without a privilege change (on
 * the current CPL3 stack: IST 0) and the handler fixes the PTE and iretq's
 * back, never entering CPL0, which this nested host runs thousands of times
 * slower. Whether hwmirror's misses under kvm can skip CPL0 entirely rests
 * on this row. The same loop as PROBE_T_PF, net of the same exit. A host
 * that refuses such a gate may shut the VM down: a VM of its own.
 */
static int probe_user_pf(struct probe_costs *k, char *err)
{
	const uint16_t sel = BM_SEL_UCODE | 3;
	struct probe_vm p;
	enum probe_outcome o = PROBE_RAN;
	int ret = probe_vm_create(&p, err);

	if (ret)
		return ret;
	/* kvm_set_idt_gate targets CPL0 code: replace the gate's selector */
	kvm_set_idt_gate(p.mem + PROBE_IDT, 14, probe_guest_addr(probe_user_pf_handler), 0, 0);
	memcpy(p.mem + PROBE_IDT + 16 * 14 + 2, &sel, sizeof(sel));
	ret = probe_loop_cost(&p, PROBE_T_PF_USER, PROBE_PF_MAX, k->io3, &k->upf, &o, err);
	probe_vm_destroy(&p);
	k->upf_outcome = o;
	return ret;
}

static int probe_kvm(struct probe_costs *k, char *err)
{
	struct probe_vm p;
	int ret;

	ret = probe_vm_create(&p, err);
	if (ret)
		return ret;
	if ((ret = probe_exit_cost(&p, PROBE_T_IO_CPL0, &k->io0, err)) ||
	    (ret = probe_exit_cost(&p, PROBE_T_IO_CPL3, &k->io3, err)) ||
	    (ret = probe_exit_cost(&p, PROBE_T_MMIO, &k->mmio3, err)) ||
	    (ret = probe_must(&p, PROBE_T_UD, 1u << 20, k->io3, &k->ud, err)) ||
	    (ret = probe_must(&p, PROBE_T_PF, PROBE_PF_MAX, k->io3, &k->pf, err)) ||
	    (ret = probe_must(&p, PROBE_T_EMPTY_CPL0, PROBE_MAX_ITERS, k->io0, &k->empty0, err)) ||
	    (ret = probe_must(&p, PROBE_T_CR3, 1u << 20, k->io0, &k->cr3, err)) ||
	    (ret = probe_must(&p, PROBE_T_INVLPG, 1u << 20, k->io0, &k->invlpg, err)) ||
	    (ret = probe_must(&p, PROBE_T_LOOP_CPL0, PROBE_MAX_ITERS, k->io0, &k->loop0, err)) ||
	    (ret = probe_must(&p, PROBE_T_LOOP_CPL3, PROBE_MAX_ITERS, k->io3, &k->loop3, err)))
		goto out;
	/* the CR3 and INVLPG loops also pay for their dec/jnz */
	k->cr3 = k->cr3 > k->empty0 ? k->cr3 - k->empty0 : 0;
	k->invlpg = k->invlpg > k->empty0 ? k->invlpg - k->empty0 : 0;

	enum probe_outcome o1 = PROBE_RAN, o2 = PROBE_RAN;
	ret = probe_syscall(probe_sysret_handler, k->io3, &k->sysret, &o1, err);
	if (!ret)
		ret = probe_syscall(probe_syscall_iret_handler, k->io3, &k->sysiret, &o2, err);
	k->sysret_outcome = o1;
	k->sysiret_outcome = o2;
	if (!ret)
		ret = probe_pte_write(k, err);
	if (!ret)
		ret = probe_user_pf(k, err);
out:
	probe_vm_destroy(&p);
	return ret;
}

/* ---- the process backend's hand-offs (what io=barrier pays) ------------------ */

#define PROBE_HANDOFFS 4000u

struct probe_pingpong {
	_Atomic unsigned req, ans;
	bool park;		/* answer through futexes, as a parked service thread */
	unsigned n;
};

static void probe_futex_wait(_Atomic unsigned *addr, unsigned val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void probe_futex_wake(_Atomic unsigned *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Spin a while (as the barrier's service thread does), yielding now and then
 * so that a host with one CPU still makes progress. */
static void probe_spin_until(_Atomic unsigned *addr, unsigned want, bool park)
{
	for (unsigned spins = 0; atomic_load_explicit(addr, memory_order_acquire) != want; spins++) {
		if (park)
			probe_futex_wait(addr, want - 1);
		else if ((spins & 0xfff) == 0xfff)
			sched_yield();
	}
}

static void *probe_pingpong_server(void *arg)
{
	struct probe_pingpong *pp = arg;

	for (unsigned i = 1; i <= pp->n; i++) {
		probe_spin_until(&pp->req, i, pp->park);
		atomic_store_explicit(&pp->ans, i, memory_order_release);
		if (pp->park)
			probe_futex_wake(&pp->ans);
	}
	return NULL;
}

/* One request answered by another thread: spinning, or parked on a futex. */
static int probe_handoff_cost(bool park, double *ns, char *err)
{
	double per[PROBE_TRIALS];

	for (int t = 0; t < PROBE_TRIALS; t++) {
		struct probe_pingpong pp = { .park = park, .n = park ? PROBE_HANDOFFS / 4 : PROBE_HANDOFFS };
		pthread_t th;
		int e = pthread_create(&th, NULL, probe_pingpong_server, &pp);

		if (e) {
			snprintf(err, KVM_ERR_LEN, "pthread_create: %s", strerror(e));
			return -e;
		}
		double t0 = probe_now_ns();
		for (unsigned i = 1; i <= pp.n; i++) {
			atomic_store_explicit(&pp.req, i, memory_order_release);
			if (park)
				probe_futex_wake(&pp.req);
			probe_spin_until(&pp.ans, i, park);
		}
		per[t] = (probe_now_ns() - t0) / pp.n;
		pthread_join(th, NULL);
	}
	*ns = probe_median(per, PROBE_TRIALS);
	return 0;
}

/* ---- putting it together ---------------------------------------------------- */

static void probe_host_info(struct probe_costs *c)
{
	unsigned a, b, cc, d;

	__cpuid(0, a, b, cc, d);
	memcpy(c->vendor, &b, 4);
	memcpy(c->vendor + 4, &d, 4);
	memcpy(c->vendor + 8, &cc, 4);
	c->vendor[12] = '\0';
	__cpuid(1, a, b, cc, d);
	c->nested = cc & (1u << 31);
	c->hypervisor[0] = '\0';
	if (c->nested) {
		__cpuid(0x40000000, a, b, cc, d);
		memcpy(c->hypervisor, &b, 4);
		memcpy(c->hypervisor + 4, &cc, 4);
		memcpy(c->hypervisor + 8, &d, 4);
		c->hypervisor[12] = '\0';
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	c->cpus = n > 0 ? (int)n : 1;
}

static void probe_print_cpu(FILE *out, const struct probe_costs *c)
{
	const char *kind = !strcmp(c->vendor, "GenuineIntel") ? "Intel"
			   : !strcmp(c->vendor, "AuthenticAMD") ? "AMD" : "other";
	fprintf(out, "cpu: %s (%s), %d online\n", kind, c->vendor, c->cpus);
	if (c->nested)
		fprintf(out, "host is itself a virtual machine (CPUID hypervisor bit set, "
			     "hypervisor \"%s\"): KVM here is nested\n", c->hypervisor);
	else
		fprintf(out, "host is bare metal (CPUID hypervisor bit clear)\n");
}

static void probe_row_outcome(FILE *out, const char *name, double ns, int o)
{
	if (o == PROBE_RAN)
		probe_row(out, name, ns);
	else
		fprintf(out, "%-56s unusable here: %s\n", name,
			probe_outcome_text((enum probe_outcome)o));
}

int probe_measure(struct probe_costs *c, FILE *out)
{
	char err[KVM_ERR_LEN] = "", serr[KVM_ERR_LEN] = "";
	int kret, sret;

	memset(c, 0, sizeof(*c));
	probe_host_info(c);
	if (out) {
		fprintf(out, "captive --probe: what virtualization costs on this host (medians of "
			     "repeated trials, CLOCK_MONOTONIC)\n");
		probe_print_cpu(out, c);
	}
	kret = probe_kvm(c, err);
	c->kvm_ok = !kret;
	if (kret)
		snprintf(c->kvm_reason, sizeof(c->kvm_reason), "%s", err);
	sret = probe_segv_cost(&c->segv, serr);
	if (!sret)
		sret = probe_map_costs(c, serr);
	if (!sret)
		sret = probe_handoff_cost(false, &c->handoff, serr);
	if (!sret)
		sret = probe_handoff_cost(true, &c->futex_wake, serr);

	if (out) {
		fprintf(out, "\n%-56s %12s %14s\n", "operation", "us", "ns");
		if (!kret) {
			probe_row(out, "kvm: port-I/O exit round trip from CPL0", c->io0);
			probe_row(out, "kvm: port-I/O exit round trip from CPL3", c->io3);
			probe_row(out, "kvm: MMIO exit round trip from CPL3", c->mmio3);
			probe_row(out, "kvm: exception round trip CPL3->CPL0->CPL3 (ud2/iretq)", c->ud);
			probe_row(out, "kvm: CPL3 page fault fixed by a CPL0 handler", c->pf);
			probe_row_outcome(out, "kvm: page fault delivered to a CPL3 handler", c->upf,
					  c->upf_outcome);
			probe_row_outcome(out, "kvm: page-table write at CPL3, then access", c->pte3,
					  c->pte3_outcome);
			probe_row_outcome(out, "kvm: page-table write at CPL0, then access", c->pte0,
					  c->pte0_outcome);
			probe_row(out, "kvm: CR3 reload at CPL0", c->cr3);
			probe_row(out, "kvm: INVLPG at CPL0", c->invlpg);
			probe_row(out, "kvm: register-loop iteration at CPL0", c->loop0);
			probe_row(out, "kvm: register-loop iteration at CPL3", c->loop3);
			fprintf(out, "%-56s %12.1fx\n", "kvm: CPL0/CPL3 slowdown of the register loop",
				c->loop3 > 0 ? c->loop0 / c->loop3 : 0.0);
			probe_row_outcome(out, "kvm: syscall+sysretq round trip from CPL3", c->sysret,
					  c->sysret_outcome);
			probe_row_outcome(out, "kvm: syscall+iretq round trip from CPL3", c->sysiret,
					  c->sysiret_outcome);
		}
		if (!sret) {
			probe_row(out, "process: SIGSEGV + mmap(MAP_FIXED) round trip", c->segv);
			probe_row(out, "process: mmap(MAP_FIXED) of one memfd page", c->map_page);
			probe_row(out, "process: first touch of that page (host minor fault)",
				  c->touch_page);
			probe_row(out, "process: mprotect of one touched page", c->protect_page);
			probe_row(out, "process: unmap (PROT_NONE remap) of one touched page",
				  c->unmap_page);
			probe_row(out, "process: the same, another thread spinning (shootdown)",
				  c->unmap_spinning);
			probe_row(out, "process: request answered by a spinning thread", c->handoff);
			probe_row(out, "process: request answered by a parked thread (futex)",
				  c->futex_wake);
		}
		if (kret)
			fprintf(out, "\n*** NOTE: KVM could not be measured on this host: %s ***\n"
				     "*** only the process backend is usable here ***\n", err);
	}
	if (kret && out)
		fprintf(stderr, "captive: --probe: kvm: %s\n", err);
	if (sret) {
		fprintf(stderr, "captive: --probe: process: %s\n", serr);
		return sret;
	}
	/* An unusable /dev/kvm is a property of the host, not a probe failure;
	 * anything else going wrong inside a probe VM is. */
	if (kret && kret != -ENOENT && kret != -EACCES && kret != -EPERM && kret != -ENOTSUP &&
	    kret != -ENXIO && kret != -ENODEV)
		return kret;
	return 0;
}

int probe_run(FILE *out, const char *json_path)
{
	struct probe_costs c;
	int ret = probe_measure(&c, out);

	if (!ret && json_path)
		ret = probe_write_json(&c, json_path);
	return ret;
}

/* The numeric fields, in the JSON's order. */
#define PROBE_FIELDS(X) \
	X(io0) X(io3) X(mmio3) X(ud) X(pf) X(cr3) X(invlpg) X(loop0) X(loop3) X(empty0) \
	X(sysret) X(sysiret) X(upf) X(pte3) X(pte0) X(segv) X(map_page) X(touch_page) \
	X(protect_page) X(unmap_page) X(unmap_spinning) X(handoff) X(futex_wake)

int probe_write_json(const struct probe_costs *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		int e = errno;
		fprintf(stderr, "captive: probe results '%s': %s\n", path, strerror(e));
		return -e;
	}
	fprintf(f, "{\n  \"format\": %d,\n  \"cpus\": %d,\n  \"vendor\": \"%s\",\n"
		   "  \"nested\": %d,\n  \"hypervisor\": \"%s\",\n  \"kvm_ok\": %d,\n",
		PROBE_FORMAT, c->cpus, c->vendor, c->nested, c->hypervisor, c->kvm_ok);
	fprintf(f, "  \"kvm_reason\": \"");
	for (const char *p = c->kvm_reason; *p; p++)
		fprintf(f, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	fprintf(f, "\",\n  \"sysret_ok\": %d,\n  \"sysiret_ok\": %d,\n",
		c->kvm_ok && c->sysret_outcome == PROBE_RAN, c->kvm_ok && c->sysiret_outcome == PROBE_RAN);
	fprintf(f, "  \"upf_ok\": %d,\n  \"pte3_ok\": %d,\n  \"pte0_ok\": %d,\n  \"ns\": {\n",
		c->kvm_ok && c->upf_outcome == PROBE_RAN, c->kvm_ok && c->pte3_outcome == PROBE_RAN,
		c->kvm_ok && c->pte0_outcome == PROBE_RAN);
#define X(n) fprintf(f, "    \"%s\": %.1f,\n", #n, c->n);
	PROBE_FIELDS(X)
#undef X
	fprintf(f, "    \"loop_cpl0_over_cpl3\": %.1f\n  }\n}\n", c->loop3 > 0 ? c->loop0 / c->loop3 : 0.0);
	if (fclose(f)) {
		fprintf(stderr, "captive: probe results '%s': write failed\n", path);
		return -EIO;
	}
	return 0;
}

/* The number after "key": in text (our own flat format, keys unique). */
static int probe_json_number(const char *text, const char *key, double *v)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(text, pat);
	char *end;

	if (!p)
		return -EINVAL;
	*v = strtod(p + strlen(pat), &end);
	return end == p + strlen(pat) ? -EINVAL : 0;
}

int probe_read_json(struct probe_costs *c, const char *path)
{
	char text[8192];
	FILE *f = fopen(path, "r");
	double v;

	if (!f)
		return -errno;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	memset(c, 0, sizeof(*c));
	if (probe_json_number(text, "format", &v) || v != PROBE_FORMAT)
		return -EINVAL;
	if (probe_json_number(text, "cpus", &v))
		return -EINVAL;
	c->cpus = (int)v;
	if (probe_json_number(text, "nested", &v))
		return -EINVAL;
	c->nested = v != 0;
	if (probe_json_number(text, "kvm_ok", &v))
		return -EINVAL;
	c->kvm_ok = v != 0;
#define X(n) if (probe_json_number(text, #n, &c->n)) return -EINVAL;
	PROBE_FIELDS(X)
#undef X
	return 0;
}
