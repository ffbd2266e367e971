/*
 * The CPL0 fault layer. Every x86 exception in the engine is a bug (nothing
 * maps guest memory into the native page tables yet), so each vector records
 * the CPU state into the crash area of the shared page and rings
 * CAPTIVE_DB_PANIC; the hypervisor prints it, symbolized, and never resumes.
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
	.if !(\v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30)
	pushq $0
	.endif
	pushq $\v
	jmp bm_exception_common
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
