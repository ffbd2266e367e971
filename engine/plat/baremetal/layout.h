/*
 * The native VM's memory map under the kvm backend: one header read by the
 * hypervisor (framework/kvm.c), the boot stub and the CPL0 fault layer, so
 * the three can never disagree. Plain macros only: it is included from
 * assembly too.
 *
 * Native-physical (KVM memory slots):
 *
 *   0x0000_0000 ............ ARM physical map, 1:1 (native-physical = ARM-physical)
 *     ram_base..+ram_size    guest RAM slot (the framework's memfd)
 *     everything else        unbacked: a load/store there is KVM_EXIT_MMIO at the
 *                            ARM physical address
 *     0xFFFF_C000            KVM identity-map page (Intel), KVM-private
 *     0xFFFF_D000..0xFFFF_FFFF  KVM real-mode TSS (3 pages, Intel), KVM-private
 *   0x1_0000_0000 .......... engine slot, BM_SLOT_SIZE, anonymous MAP_NORESERVE
 *
 * Native-virtual:
 *
 *   L4 slot 0    0x0000_0000_0000_0000  never mapped: a null pointer in the engine faults
 *   L4 slots 1.. 0x0000_0080_0000_0000  plat_hostmem_reserve() (hostmem.c): hwmirror's
 *                                       64 windows of 4 GiB + 4 GiB guard fill slot 1;
 *                                       4 KiB pages, user, NX, not global, tables
 *                                       allocated from the engine slot on demand
 *   L4 slot 256  0xFFFF_8000_0000_0000  unusable: on the nested KVM we build on, any
 *                                       access through this slot page-faults as
 *                                       not-present whatever the tables say
 *                                       (slots 0-255 and 257-511 all work)
 *   L4 slot 510  0xFFFF_FF00_0000_0000  BM_PHYS_WINDOW: linear map of native-physical
 *                                       0-4 GiB (ARM RAM and device holes), 2 MiB
 *                                       pages, user, NX, global
 *   L4 slot 511  0xFFFF_FFFF_8000_0000  BM_ENGINE_VBASE: the whole engine slot, 2 MiB
 *                                       pages, user, RW, executable, global
 *
 * Engine slot, by offset (virtual BM_ENGINE_VBASE + off, physical BM_ENGINE_PBASE + off):
 *
 *   0x00_0000  PML4                 \
 *   0x00_1000  PDPT for L4 511       |
 *   0x00_2000  PD for the engine     |  written by the hypervisor; mapped user-
 *   0x00_3000  PDPT for L4 510       |  writable like the rest of the slot, so
 *   0x00_4000  4 PDs, linear map     |  CPL3 engine code can edit mappings and
 *   0x00_8000  GDT                   |  needs CPL0 only for CR3/INVLPG
 *   0x00_9000  TSS                   |
 *   0x00_A000  IDT                   |
 *   0x00_B000  PT for the first 2 MiB/   (4 KiB pages, for the stack guard)
 *   0x01_0000  shared area, 2 pages (struct captive_shared, incl. the crash area)
 *   0x02_0000  CPL0 stack (TSS.RSP0; the boot stub runs on it)
 *   0x02_4000  IST1 stack: every exception but #DF
 *   0x02_8000  IST2 stack: #DF
 *   0x02_C000  guard: not mapped, so a CPL3 stack overflow faults loudly
 *   0x04_0000  CPL3 engine stack, grows down from 0x20_0000
 *   0x20_0000  engine image (link address BM_IMAGE_VBASE): text, rodata, data,
 *              bss; the rest of the slot after __engine_end is handed out by
 *              one bump allocator (hostmem.c): exec=jit's code cache
 *              (plat_code_alloc; at CPL3 writable and executable like the
 *              image, and within a rel32 call of every engine function),
 *              hwmirror's bookkeeping (plat_hostmem_alloc) and the page
 *              tables of its windows
 *
 * The hypervisor writes the page tables before the first KVM_RUN only: a
 * shadow-paging host (the nested KVM we build on) does not notice later
 * host-side writes to guest page tables, so from then on only the engine
 * edits them, from inside the VM, followed by INVLPG or a CR3 reload where
 * an entry loses rights (a #UD at bm_cpl0_flush, fault.S).
 *
 * Everything the engine touches lives in the top 2 GiB so -mcmodel=kernel
 * code reaches it with sign-extended 32-bit absolute addresses.
 */
#ifndef ENGINE_BAREMETAL_LAYOUT_H
#define ENGINE_BAREMETAL_LAYOUT_H

#define BM_ENGINE_PBASE 0x100000000
#define BM_ENGINE_VBASE 0xFFFFFFFF80000000
#define BM_SLOT_SIZE 0x40000000 /* 1 GiB, one PD: the jit engines' .bss (~160 MiB) and their
				 * 256 MiB code cache; only touched pages are ever backed */
#define BM_PHYS_WINDOW 0xFFFFFF0000000000
#define BM_PHYS_WINDOW_SIZE 0x100000000 /* ARM physical space, 4 GiB */

/* KVM's private pages on Intel hosts: the top 16 KiB of the 32-bit ARM
 * physical space, where the Versatile Express map has nothing. */
#define BM_KVM_IDENTITY_MAP 0xFFFFC000
#define BM_KVM_TSS 0xFFFFD000

#define BM_OFF_PML4 0x0000
#define BM_OFF_PDPT_ENGINE 0x1000
#define BM_OFF_PD_ENGINE 0x2000
#define BM_OFF_PDPT_PHYS 0x3000
#define BM_OFF_PD_PHYS 0x4000 /* 4 consecutive pages */
#define BM_OFF_GDT 0x8000
#define BM_OFF_TSS 0x9000
#define BM_OFF_IDT 0xA000
#define BM_OFF_PT_LOW 0xB000
#define BM_OFF_SHARED 0x10000
#define BM_SHARED_SIZE 0x2000
#define BM_OFF_CPL0_STACK_TOP 0x24000
#define BM_OFF_IST1_TOP 0x28000
#define BM_OFF_IST2_TOP 0x2C000
#define BM_OFF_GUARD 0x2C000
#define BM_OFF_GUARD_END 0x40000
#define BM_OFF_CPL3_STACK_TOP 0x200000
#define BM_OFF_IMAGE 0x200000

#define BM_SHARED_VADDR (BM_ENGINE_VBASE + BM_OFF_SHARED)
#define BM_IMAGE_VBASE (BM_ENGINE_VBASE + BM_OFF_IMAGE)
#define BM_CPL3_STACK_TOP (BM_ENGINE_VBASE + BM_OFF_CPL3_STACK_TOP)

/* The crash area (struct captive_x86_crash at CAPTIVE_CRASH_OFFSET in the
 * shared area); field offsets for the assembly fault layer, checked against
 * the C struct in plat.c. */
#define BM_CRASH_VADDR (BM_SHARED_VADDR + 0x1c00)
#define BM_CRASH_VALID 0
#define BM_CRASH_NESTED 8
#define BM_CRASH_VECTOR 16
#define BM_CRASH_ERROR 24
#define BM_CRASH_RIP 32
#define BM_CRASH_CS 40
#define BM_CRASH_RFLAGS 48
#define BM_CRASH_SS 56
#define BM_CRASH_CR2 64
#define BM_CRASH_CR3 72
#define BM_CRASH_GPR 80

/* ABI values the assembly needs (enums in captive/abi.h; checked in plat.c). */
#define BM_DOORBELL_PORT 0x0ca0
#define BM_DB_PANIC 6

/* L4 slots of the two fixed regions. */
#define BM_L4_PHYS 510
#define BM_L4_ENGINE 511

/* GDT selectors. User data precedes user code so a future syscall/sysret
 * path (STAR) finds them where it expects. */
#define BM_SEL_KCODE 0x08
#define BM_SEL_KDATA 0x10
#define BM_SEL_UDATA 0x18
#define BM_SEL_UCODE 0x20
#define BM_SEL_TSS 0x28
#define BM_GDT_ENTRIES 7 /* the TSS descriptor takes two */

/* IDT: vectors 0..31 each have a 16-byte stub at bm_exception_stubs + 16*v;
 * every other vector points at bm_exception_spurious. */
#define BM_STUB_SIZE 16
#define BM_EXC_VECTORS 32
#define BM_VECTOR_DF 8
#define BM_SPURIOUS_VECTOR 0x100

/* RFLAGS for CPL3: IOPL=3 (doorbell `out` needs no CPL0), IF clear (nothing
 * ever interrupts the engine), bit 1 reserved-one. */
#define BM_USER_RFLAGS 0x3002

#endif
