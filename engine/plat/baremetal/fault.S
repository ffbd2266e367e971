/*
 * The CPL0 fault layer. Two exceptions are the engine's own business:
 *
 *  - #PF at CPL3 on an address inside the routed range (hwmirror's windows,
 *    plat_fault_route): bm_pf_entry saves CR2, the error code and the
 *    faulting RIP, points the frame's RIP at bm_upcall and returns to CPL3,
 *    where the fault is served at native speed (hostmem.c) and the access
 *    retried or redirected. CPL0 code is emulated on nested hosts (~1 us an
 *    instruction), so the CPL0 part is a dozen instructions and no C.
 *  - #UD at bm_cpl0_flush: the one way CPL3 engine code asks for INVLPG or a
 *    CR3 reload (syscall and int 0x80 kill the VM on our nested hosts).
 *
 * Every other exception is a bug: its vector records the CPU state into the
 * crash area of the shared page and rings CAPTIVE_DB_PANIC; the hypervisor
 * prints it, symbolized, and never resumes.
 *
 * The hypervisor builds the IDT from the symbols below: vector v (< 32) enters
 * at bm_exception_stubs + v * BM_STUB_SIZE on the IST1 stack (#DF on IST2),
 * so a corrupt engine stack cannot turn a fault into a triple fault. A fault
 * inside the handler itself only bumps crash.nested and rings again; if the
 * hypervisor ever resumed, hlt makes it a KVM_EXIT_HLT, reported as an error.
 */
#include "layout.h"

#define CRASH(f) (BM_CRASH_VADDR + BM_CRASH_##f)
#define GPR(n) (BM_CRASH_VADDR + BM_CRASH_GPR + 8 * (n))

/* The CPU pushes an error code for vectors 8, 10-14, 17, 21, 29 and 30;
 * the stub pushes a zero for the others so the frame is uniform. */
	.macro stub v
	.balign BM_STUB_SIZE
	.if \v == 14
	jmp bm_pf_entry
	.elseif \v == 6
	jmp bm_ud_entry
	.else
	.if !(\v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30)
	pushq $0
	.endif
	pushq $\v
	jmp bm_exception_common
	.endif
	.endm

	.text
	.balign BM_STUB_SIZE
	.globl bm_exception_stubs
	.type bm_exception_stubs, @function
bm_exception_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub \v
	.endr
	.balign BM_STUB_SIZE
	.size bm_exception_stubs, . - bm_exception_stubs

	.balign BM_STUB_SIZE
	.globl bm_exception_spurious
	.type bm_exception_spurious, @function
bm_exception_spurious:
	pushq $0
	pushq $BM_SPURIOUS_VECTOR
	jmp bm_exception_common
	.size bm_exception_spurious, . - bm_exception_spurious

/*
 * #PF. Stack: error code, rip, cs, rflags, rsp, ss. Ours when it came from
 * CPL3, no upcall is in progress (a fault inside the CPL3 handler is a bug)
 * and CR2 is in [bm_route_lo, bm_route_lo + bm_route_len).
 */
	.type bm_pf_entry, @function
bm_pf_entry:
	testb $3, 16(%rsp)
	jz 2f
	cmpq $0, bm_upcall_busy
	jne 2f
	movq %rax, bm_upcall_rax
	movq %cr2, %rax
	movq %rax, bm_upcall_cr2
	subq bm_route_lo, %rax
	cmpq bm_route_len, %rax
	jae 1f
	movq (%rsp), %rax
	movq %rax, bm_upcall_err
	movq 8(%rsp), %rax
	movq %rax, bm_upcall_rip
	movq $bm_upcall, 8(%rsp)
	movq $1, bm_upcall_busy
	movq bm_upcall_rax, %rax
	addq $8, %rsp
	iretq
1:	movq bm_upcall_rax, %rax
2:	pushq $14
	jmp bm_exception_common
	.size bm_pf_entry, . - bm_pf_entry

/*
 * #UD. Stack: rip, cs, rflags, rsp, ss. At bm_cpl0_flush: rsi pages from
 * rdi get INVLPG, or with rsi = 0 CR3 is reloaded (every non-global
 * translation goes); then past the ud2. Clobbers rax, rdi, rsi.
 */
	.type bm_ud_entry, @function
bm_ud_entry:
	cmpq $bm_cpl0_flush, (%rsp)
	jne 4f
	testq %rsi, %rsi
	jz 2f
1:	invlpg (%rdi)
	addq $4096, %rdi
	decq %rsi
	jnz 1b
	jmp 3f
2:	movq %cr3, %rax
	movq %rax, %cr3
3:	addq $2, (%rsp)
	iretq
4:	pushq $0
	pushq $6
	jmp bm_exception_common
	.size bm_ud_entry, . - bm_ud_entry

/* void bm_cpl0_flush(uintptr_t addr, uint64_t pages): see bm_ud_entry. */
	.globl bm_cpl0_flush
	.type bm_cpl0_flush, @function
bm_cpl0_flush:
	ud2
	ret
	.size bm_cpl0_flush, . - bm_cpl0_flush

/*
 * CPL3, entered by bm_pf_entry's iretq with every register, RSP and RFLAGS
 * of the faulting instruction. Saves them (and the SSE state: the C handler
 * may use it, translated code keeps guest VFP registers there), calls
 * bm_upcall_dispatch, restores them and continues at bm_upcall_rip: the
 * faulting instruction again, or the recovery path the handler chose. The
 * 128 bytes below RSP are left alone in case the interrupted code keeps
 * data there.
 */
	.globl bm_upcall
	.type bm_upcall, @function
bm_upcall:
	leaq -128(%rsp), %rsp
	pushfq
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rbx
	pushq %rbp
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rbx
	andq $-16, %rsp
	subq $512, %rsp
	fxsave64 (%rsp)
	cld
	call bm_upcall_dispatch
	fxrstor64 (%rsp)
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rbp
	popq %rbx
	popq %rdx
	popq %rcx
	popq %rax
	popfq
	leaq 128(%rsp), %rsp
	movq $0, bm_upcall_busy
	jmp *bm_upcall_rip
	.size bm_upcall, . - bm_upcall

/* Stack: vector, error code, then the CPU's frame rip, cs, rflags, rsp, ss. */
	.type bm_exception_common, @function
bm_exception_common:
	cmpq $0, CRASH(VALID)
	jne 2f
	movq %rax, GPR(0)
	movq %rcx, GPR(1)
	movq %rdx, GPR(2)
	movq %rbx, GPR(3)
	movq %rbp, GPR(5)
	movq %rsi, GPR(6)
	movq %rdi, GPR(7)
	movq %r8, GPR(8)
	movq %r9, GPR(9)
	movq %r10, GPR(10)
	movq %r11, GPR(11)
	movq %r12, GPR(12)
	movq %r13, GPR(13)
	movq %r14, GPR(14)
	movq %r15, GPR(15)
	movq 0(%rsp), %rax
	movq %rax, CRASH(VECTOR)
	movq 8(%rsp), %rax
	movq %rax, CRASH(ERROR)
	movq 16(%rsp), %rax
	movq %rax, CRASH(RIP)
	movq 24(%rsp), %rax
	movq %rax, CRASH(CS)
	movq 32(%rsp), %rax
	movq %rax, CRASH(RFLAGS)
	movq 40(%rsp), %rax
	movq %rax, GPR(4)
	movq 48(%rsp), %rax
	movq %rax, CRASH(SS)
	movq %cr2, %rax
	movq %rax, CRASH(CR2)
	movq %cr3, %rax
	movq %rax, CRASH(CR3)
	movq $1, CRASH(VALID)
1:	movl $BM_DB_PANIC, %eax
	movw $BM_DOORBELL_PORT, %dx
	outl %eax, %dx
	cli
	hlt
	jmp 1b
2:	incq CRASH(NESTED)
	jmp 1b
	.size bm_exception_common, . - bm_exception_common
