/*
 * Entry of the bare-metal engine. The hypervisor starts the vCPU here in
 * 64-bit long mode at CPL0 with CR3, GDT, IDT, TR and every segment register
 * already loaded (KVM_SET_SREGS) and RSP at the CPL0 stack. CPL0 code is
 * emulated (and ~5000x slower) on nested hosts, so the stub only builds one
 * iretq frame and drops to CPL3 with IOPL=3, where the engine runs for good.
 */
#include "layout.h"

	.section .text.boot, "ax"
	.globl bm_start
	.type bm_start, @function
bm_start:
	xorl %ebp, %ebp
	pushq $(BM_SEL_UDATA | 3)
	pushq $BM_CPL3_STACK_TOP
	pushq $BM_USER_RFLAGS
	pushq $(BM_SEL_UCODE | 3)
	pushq $bm_user_entry
	iretq
	.size bm_start, . - bm_start

/* CPL3 from here on. rbp = 0 ends the frame-pointer chain for backtraces. */
	.type bm_user_entry, @function
bm_user_entry:
	xorl %ebp, %ebp
	movq $BM_SHARED_VADDR, %rdi
	call engine_main
	movl %eax, %edi
	call plat_finish
	ud2
	.size bm_user_entry, . - bm_user_entry
