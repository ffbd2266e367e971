/*
 * KVM plumbing shared by the kvm backend (kvm.c) and `captive --probe`
 * (probe.c): opening /dev/kvm, creating a VM and a vCPU, and the x86
 * descriptor tables and register state of a vCPU that starts directly in
 * 64-bit long mode. Selectors follow engine/plat/baremetal/layout.h.
 *
 * Functions returning int give 0 or -errno and leave a one-line reason in
 * err (KVM_ERR_LEN bytes) for the caller to report.
 */
#ifndef FRAMEWORK_KVM_H
#define FRAMEWORK_KVM_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

#define KVM_ERR_LEN 256

/* x86 paging-structure entry bits. */
#define X86_PTE_P 0x1ull
#define X86_PTE_RW 0x2ull
#define X86_PTE_US 0x4ull
#define X86_PTE_A 0x20ull
#define X86_PTE_D 0x40ull
#define X86_PTE_PS 0x80ull
#define X86_PTE_G 0x100ull
#define X86_PTE_NX (1ull << 63)

/* A 64-bit TSS followed by an I/O permission bitmap that lets CPL3 use ports
 * 0..0xfff (the doorbell among them) and a terminating 0xff byte. */
#define X86_TSS_SIZE 104
#define X86_TSS_IOMAP_BYTES 0x200
#define X86_TSS_LIMIT (X86_TSS_SIZE + X86_TSS_IOMAP_BYTES)

/* Open /dev/kvm and check the API version and the capabilities captive
 * needs. On failure err says what and suggests the process backend. */
int kvm_open_dev(int *kvm_fd, char *err);

/* Create a VM with KVM's private TSS and identity-map pages at tss_addr and
 * identity_addr (both below 4 GiB, in a hole of the guest's physical map). */
int kvm_create_vm(int kvm_fd, uint64_t tss_addr, uint64_t identity_addr, int *vm_fd,
		  char *err);

int kvm_add_slot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size, void *host,
		 char *err);

/* Create vCPU 0 with the host's supported CPUID and a reset FPU/SSE state,
 * and map its kvm_run area. */
int kvm_create_vcpu(int kvm_fd, int vm_fd, int *vcpu_fd, struct kvm_run **run,
		    size_t *run_size, char *err);

/* Fill a BM_GDT_ENTRIES-entry GDT: kernel and user 64-bit code and data and
 * a busy 64-bit TSS at tss_vaddr. */
void kvm_fill_gdt(uint64_t *gdt, uint64_t tss_vaddr);

/* Fill a 64-bit TSS (X86_TSS_LIMIT + 1 bytes): rsp0 for CPL3 -> CPL0, the
 * first two IST stacks, and the I/O bitmap. */
void kvm_fill_tss(uint8_t *tss, uint64_t rsp0, uint64_t ist1, uint64_t ist2);

/* One 64-bit interrupt gate to handler on CPL0 code; ist 0 for none; dpl is
 * the lowest privilege that may raise it with int n. */
void kvm_set_idt_gate(uint8_t *idt, unsigned vector, uint64_t handler, unsigned ist,
		      unsigned dpl);

/* Long mode, paging on, CPL0, GDT/IDT/TR as given (engine-virtual bases). */
int kvm_enter_long_mode(int vcpu_fd, uint64_t cr3, uint64_t gdt_vaddr, uint64_t idt_vaddr,
			uint64_t tss_vaddr, char *err);

#endif
