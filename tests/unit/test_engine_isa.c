/*
 * A32 conformance suite: every exec strategy must pass it. Built once per
 * mmu x exec pair; drives that pair's hosted engine build (the .so named by
 * this binary's suffix) through the in-process engine API (framework/
 * engine_api.h): hand-assembled instruction sequences in RAM at 0x60001000,
 * vectors at 0x60000000 (VBAR) as `b .` unless a test says otherwise, MMU
 * off; registers, flags, memory, exceptions and banked registers are checked
 * in the published state after an exact number of instructions.
 *
 * The programs were assembled with arm-none-eabi-as (-march=armv7-a); the
 * comments give the source.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_api.h"
#include "support/check_main.h"

#define RAM_BASE 0x60000000u
#define RAM_SIZE (4u << 20)
#define CODE 0x60001000u
#define DATA 0x60002000u
#define VEC(off) (RAM_BASE + (off))
#define B_SELF 0xeafffffeu

#define MODE_USR 0x10u
#define MODE_FIQ 0x11u
#define MODE_IRQ 0x12u
#define MODE_SVC 0x13u
#define MODE_ABT 0x17u
#define MODE_UND 0x1bu
#define BANK_USR 0
#define BANK_FIQ 1
#define BANK_IRQ 2
#define BANK_SVC 3

static char engine_path[512];
static struct engine_inst *ei;
static struct captive_shared *sh;
static uint8_t *ram;
static unsigned wfi_doorbells, wfi_seen_in_wfi;

static const uint32_t prog_flags[] = {
	0xe3e00102, /* 0   mvn r0, #-2147483648 @ 0x80000000 */
	0xe2901001, /* 4   adds r1, r0, #1 */
	0xe10f2000, /* 8   mrs r2, CPSR */
	0xe0503000, /* c   subs r3, r0, r0 */
	0xe10f4000, /* 10  mrs r4, CPSR */
	0xe3a05106, /* 14  mov r5, #-2147483647 @ 0x80000001 */
	0xe1b06025, /* 18  lsrs r6, r5, #32 */
	0xe10f7000, /* 1c  mrs r7, CPSR */
	0xe1b08065, /* 20  rrxs r8, r5 */
	0xe10f9000, /* 24  mrs r9, CPSR */
	0xe3a0a021, /* 28  mov sl, #33 @ 0x21 */
	0xe1b0ba15, /* 2c  lsls fp, r5, sl */
	0xe10fc000, /* 30  mrs ip, CPSR */
	0xeafffffe, /* 34  b 34 <.text+0x34> */
};
/* Flags set, read by a condition or a carry-in, set again, all in one
 * block: a JIT that leaves out stores of flags nothing reads (flag
 * liveness) must still keep every one that is read. */
static const uint32_t prog_flag_live[] = {
	0xe3a00001u, /* mov r0, #1 */
	0xe3a01002u, /* mov r1, #2 */
	0xe1500001u, /* cmp r0, r1: N */
	0xb3a02005u, /* movlt r2, #5: reads N and V */
	0xa3a02006u, /* movge r2, #6 */
	0xe0903001u, /* adds r3, r0, r1: every flag written again */
	0xe3e04000u, /* mvn r4, #0 */
	0xe0945000u, /* adds r5, r4, r0: Z C */
	0xe0106000u, /* ands r6, r0, r0: N Z, C unchanged (LSL #0) */
	0xe0a07000u, /* adc r7, r0, r0: reads the C of adds r5 */
	0xe1500000u, /* cmp r0, r0: Z C */
	0x40908000u, /* addsmi r8, r0, r0: not executed, flags unchanged */
	0x03a09007u, /* moveq r9, #7: reads the Z of cmp */
	0xe0a01000u, /* adc r1, r0, r0: reads the C of cmp */
	0xe1b0a080u, /* lsls r10, r0, #1: C = 0 */
	0xe1a0b064u, /* rrx r11, r4: reads that C */
	0xe3740001u, /* cmn r4, #1: Z C again */
	0xe01c0090u, /* muls r12, r0, r0: N Z, C and V unchanged */
	0xe0a03000u, /* adc r3, r0, r0: reads the C of cmn */
	0xe2500001u, /* subs r0, r0, #1: Z C, live at the block's end */
	B_SELF,
};

static const uint32_t prog_mem[] = {
	0xe59f0028, /* 0   ldr r0, [pc, #40] @ 30 <.text+0x30> */
	0xe59f1028, /* 4   ldr r1, [pc, #40] @ 34 <.text+0x34> */
	0xe5a01004, /* 8   str r1, [r0, #4]! */
	0xe5502001, /* c   ldrb r2, [r0, #-1] */
	0xe1d030f2, /* 10  ldrsh r3, [r0, #2] */
	0xe1c000f8, /* 14  strd r0, [r0, #8] */
	0xe1c040d8, /* 18  ldrd r4, [r0, #8] */
	0xe1a06000, /* 1c  mov r6, r0 */
	0xe9260013, /* 20  stmdb r6!, {r0, r1, r4} */
	0xe89601c0, /* 24  ldm r6, {r6, r7, r8} */
	0xe4109004, /* 28  ldr r9, [r0], #-4 */
	0xeafffffe, /* 2c  b 2c <.text+0x2c> */
	0x60002000, /* 30  .word 0x60002000 */
	0x11223344, /* 34  .word 0x11223344 */
};
static const uint32_t prog_svc[] = {
	0xe3000000, /* 0   movw r0, #0 */
	0xe3460000, /* 4   movt r0, #24576 @ 0x6000 */
	0xee0c0f10, /* 8   mcr 15, 0, r0, cr12, cr0, {0} */
	0xe321f010, /* c   msr CPSR_c, #16 */
	0xe3a01007, /* 10  mov r1, #7 */
	0xef000042, /* 14  svc 0x00000042 */
};
static const uint32_t prog_undef[] = {
	0xe7f000f1, /* 0   udf #1 */
};
static const uint32_t prog_excret[] = {
	0xe3000000, /* 0   movw r0, #0 */
	0xe3460000, /* 4   movt r0, #24576 @ 0x6000 */
	0xee0c0f10, /* 8   mcr 15, 0, r0, cr12, cr0, {0} */
	0xe321f0d0, /* c   msr CPSR_c, #208 @ 0xd0 */
	0xef000001, /* 10  svc 0x00000001 */
	0xe3a02002, /* 14  mov r2, #2 */
	0xeafffffe, /* 18  b 18 <.text+0x18> */
};
static const uint32_t prog_banked[] = {
	0xe3a0dc01, /* 0   mov sp, #256 @ 0x100 */
	0xe3a08008, /* 4   mov r8, #8 */
	0xf1020012, /* 8   cps #18 */
	0xe3a0dc02, /* c   mov sp, #512 @ 0x200 */
	0xf1020011, /* 10  cps #17 */
	0xe3a0dc03, /* 14  mov sp, #768 @ 0x300 */
	0xe3a08088, /* 18  mov r8, #136 @ 0x88 */
	0xf1020013, /* 1c  cps #19 */
	0xe1a0000d, /* 20  mov r0, sp */
	0xe1a01008, /* 24  mov r1, r8 */
	0xeafffffe, /* 28  b 28 <.text+0x28> */
};
static const uint32_t prog_cp15[] = {
	0xee100f10, /* 0   mrc 15, 0, r0, cr0, cr0, {0} */
	0xee101fb0, /* 4   mrc 15, 0, r1, cr0, cr0, {5} */
	0xee9f2f10, /* 8   mrc 15, 4, r2, cr15, cr0, {0} */
	0xee103f11, /* c   mrc 15, 0, r3, cr0, cr1, {0} */
	0xee304f30, /* 10  mrc 15, 1, r4, cr0, cr0, {1} */
	0xeafffffe, /* 14  b 14 <.text+0x14> */
};
static const uint32_t prog_align[] = {
	0xe3000000, /* 0   movw r0, #0 */
	0xe3460000, /* 4   movt r0, #24576 @ 0x6000 */
	0xee0c0f10, /* 8   mcr 15, 0, r0, cr12, cr0, {0} */
	0xe59f1008, /* c   ldr r1, [pc, #8] @ 1c <.text+0x1c> */
	0xe3a04004, /* 10  mov r4, #4 */
	0xe891001c, /* 14  ldm r1, {r2, r3, r4} */
	0xeafffffe, /* 18  b 18 <.text+0x18> */
	0x60002002, /* 1c  .word 0x60002002 */
};
static const uint32_t prog_vfp[] = {
	0xee300a81, /* 0   vadd.f32 s0, s1, s2 */
};
static const uint32_t prog_cpacr[] = {
	0xe3a0060f, /* 0   mov r0, #15728640 @ 0xf00000 */
	0xee010f50, /* 4   mcr 15, 0, r0, cr1, cr0, {2} */
	0xee300a81, /* 8   vadd.f32 s0, s1, s2 */
};
static const uint32_t prog_loop[] = {
	0xe3a00000, /* 0   mov r0, #0 */
	0xe2800001, /* 4   add r0, r0, #1 */
	0xeafffffd, /* 8   b 4 <.text+0x4> */
};
static const uint32_t prog_hang[] = {
	0xf10c00c0, /* 0   cpsid if */
	0xeafffffe, /* 4   b 4 <.text+0x4> */
};
static const uint32_t prog_excl[] = {
	0xe59f001c, /* 0   ldr r0, [pc, #28] @ 24 <.text+0x24> */
	0xe1901f9f, /* 4   ldrex r1, [r0] */
	0xe2811001, /* 8   add r1, r1, #1 */
	0xe1802f91, /* c   strex r2, r1, [r0] */
	0xe1803f91, /* 10  strex r3, r1, [r0] */
	0xe1904f9f, /* 14  ldrex r4, [r0] */
	0xf57ff01f, /* 18  clrex */
	0xe1805f91, /* 1c  strex r5, r1, [r0] */
	0xeafffffe, /* 20  b 20 <.text+0x20> */
	0x60002000, /* 24  .word 0x60002000 */
};
static const uint32_t prog_irq[] = {
	0xe3000000, /* 0   movw r0, #0 */
	0xe3460000, /* 4   movt r0, #24576 @ 0x6000 */
	0xee0c0f10, /* 8   mcr 15, 0, r0, cr12, cr0, {0} */
	0xe3a01000, /* c   mov r1, #0 */
	0xf1080080, /* 10  cpsie i */
	0xe2811001, /* 14  add r1, r1, #1 */
	0xeafffffd, /* 18  b 14 <.text+0x14> */
};
static const uint32_t prog_thumb[] = {
	0xe51f0000, /* 0   ldr r0, [pc, #-0] @ 8 <.text+0x8> */
	0xe12fff10, /* 4   bx r0 */
	0x60001101, /* 8   .word 0x60001101 */
};
static const uint32_t prog_wfi[] = {
	0xe3a00001, /* 0   mov r0, #1 */
	0xe320f003, /* 4   wfi */
	0xe3a00002, /* 8   mov r0, #2 */
	0xeafffffe, /* c   b c <.text+0xc> */
};
static const uint32_t prog_smc[] = {
	0xe59f0018, /* 0   ldr r0, [pc, #24] @ 20 <.text+0x20> */
	0xe59f1018, /* 4   ldr r1, [pc, #24] @ 24 <.text+0x24> */
	0xeb00003c, /* 8   bl 100 <.text+0x100> */
	0xe1a04002, /* c   mov r4, r2 */
	0xe5801000, /* 10  str r1, [r0] */
	0xeb000039, /* 14  bl 100 <.text+0x100> */
	0xe1a05002, /* 18  mov r5, r2 */
	0xeafffffe, /* 1c  b 1c <.text+0x1c> */
	0x60001100, /* 20  .word 0x60001100 */
	0xe3a02005, /* 24  .word 0xe3a02005 */
};

/* The function at 0x100 (mov r2, #1; bx lr) called, overwritten with the
 * same word, called, overwritten with mov r2, #5, called. */
static const uint32_t prog_retranslate[] = {
	0xe59f001c, /* 0   ldr r0, [pc, #28] @ 24 */
	0xe59f101c, /* 4   ldr r1, [pc, #28] @ 28 */
	0xeb00003c, /* 8   bl 100 */
	0xe5801000, /* c   str r1, [r0] */
	0xeb00003a, /* 10  bl 100 */
	0xe59f1010, /* 14  ldr r1, [pc, #16] @ 2c */
	0xe5801000, /* 18  str r1, [r0] */
	0xeb000037, /* 1c  bl 100 */
	0xeafffffe, /* 20  b 20 */
	0x60001100, /* 24  .word 0x60001100 */
	0xe3a02001, /* 28  .word 0xe3a02001 (mov r2, #1) */
	0xe3a02005, /* 2c  .word 0xe3a02005 (mov r2, #5) */
};

/* A loop of twelve registers (more than the JIT's pool of host registers
 * keeps), with a post-indexed store and a conditional instruction. */
static const uint32_t prog_wide_loop[] = {
	0xe3a00000, /* 0   mov r0, #0 */
	0xe3a01001, /* 4   mov r1, #1 */
	0xe3a02002, /* 8   mov r2, #2 */
	0xe3a03003, /* c   mov r3, #3 */
	0xe3a04004, /* 10  mov r4, #4 */
	0xe3a05005, /* 14  mov r5, #5 */
	0xe3a06006, /* 18  mov r6, #6 */
	0xe3a07007, /* 1c  mov r7, #7 */
	0xe3a08008, /* 20  mov r8, #8 */
	0xe3a09064, /* 24  mov r9, #100 */
	0xe3a0a206, /* 28  mov sl, #0x60000000 */
	0xe38aaa02, /* 2c  orr sl, sl, #0x2000 */
	0xe3a0b000, /* 30  mov fp, #0 */
	0xe0800001, /* 34  add r0, r0, r1 */
	0xe0811002, /* 38  add r1, r1, r2 */
	0xe0222003, /* 3c  eor r2, r2, r3 */
	0xe0833084, /* 40  add r3, r3, r4, lsl #1 */
	0xe0444005, /* 44  sub r4, r4, r5 */
	0xe0855006, /* 48  add r5, r5, r6 */
	0xe1866007, /* 4c  orr r6, r6, r7 */
	0xe0877008, /* 50  add r7, r7, r8 */
	0xe0888000, /* 54  add r8, r8, r0 */
	0xe48a0004, /* 58  str r0, [sl], #4 */
	0xe2599001, /* 5c  subs r9, r9, #1 */
	0x108bb000, /* 60  addne fp, fp, r0 */
	0x1afffff2, /* 64  bne 34 */
	0xeafffffe, /* 68  b 68 */
};

static const uint32_t prog_wrap[] = {
	0xe3e00003, /* 0   mvn r0, #3 */
	0xe3a01011, /* 4   mov r1, #17 */
	0xe3a02022, /* 8   mov r2, #34 */
	0xe8800006, /* c   stm r0, {r1, r2} */
	0xe8900018, /* 10  ldm r0, {r3, r4} */
	0xe1c020f0, /* 14  strd r2, r3, [r0] */
	0xe1c060d0, /* 18  ldrd r6, r7, [r0] */
	0xeafffffe, /* 1c  b 1c */
};

/* The bus behind the engine for prog_wrap: records every access. */
static struct {
	unsigned n;
	uint64_t pa[16];
	uint32_t write[16];
	uint32_t value[16];
} bus;

static int record_mmio(void *opaque, gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	(void)opaque;
	if (bus.n < 16) {
		bus.pa[bus.n] = pa;
		bus.write[bus.n] = write;
		bus.value[bus.n] = write ? *val : 0;
		bus.n++;
	}
	if (!write)
		*val = 0xd0000000u | (uint32_t)(pa & 0xffffu);
	return size != 4;
}

static void doorbell(void *opaque, struct captive_shared *s, uint32_t code)
{
	(void)opaque;
	if (code == CAPTIVE_DB_WFI) {
		wfi_doorbells++;
		wfi_seen_in_wfi += s->in_wfi;
	}
}

static void setup(void)
{
	ck_assert_int_eq(engine_api_open(&ei, engine_path, RAM_BASE, RAM_SIZE, -1), 0);
	sh = engine_api_shared(ei);
	ram = engine_api_ram(ei);
	engine_api_set_handlers(ei, NULL, doorbell, NULL);
	wfi_doorbells = wfi_seen_in_wfi = 0;
}

static void teardown(void)
{
	engine_api_close(ei);
}

static void put(uint32_t pa, uint32_t v)
{
	memcpy(ram + (pa - RAM_BASE), &v, 4);
}

static uint32_t get(uint32_t pa)
{
	uint32_t v;
	memcpy(&v, ram + (pa - RAM_BASE), 4);
	return v;
}

#define LOAD(prog) load((prog), sizeof(prog) / 4)

/* Vectors at RAM_BASE all `b .`, the program at CODE, SVC mode with A, I
 * and F masked (the boot state of a zImage). */
static void load(const uint32_t *prog, size_t n)
{
	memset(ram, 0, 0x3000);
	for (unsigned v = 0; v < 8; v++)
		put(VEC(4 * v), B_SELF);
	memcpy(ram + (CODE - RAM_BASE), prog, 4 * n);
	memset(&sh->boot, 0, sizeof(sh->boot));
	sh->boot.r[13] = 0x1234;
	sh->boot.r[15] = CODE;
	sh->boot.cpsr = 0x1d3;
	sh->irq_line = 0;
	sh->stop_request = 0;
	sh->config.irq_strategy = CAPTIVE_IRQ_PER_BLOCK;
}

static int run(uint64_t n)
{
	return engine_api_run(ei, n);
}

static uint32_t mode(void)
{
	return sh->state.cpsr & 0x1fu;
}

START_TEST(flags_and_shifter_carry)
{
	LOAD(prog_flags);
	ck_assert_int_eq(run(13), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[1], 0x80000000u);
	ck_assert_uint_eq(sh->state.r[2], 0x900001d3u); /* N V: signed overflow */
	ck_assert_uint_eq(sh->state.r[4], 0x600001d3u); /* Z C: no borrow */
	ck_assert_uint_eq(sh->state.r[6], 0);
	ck_assert_uint_eq(sh->state.r[7], 0x600001d3u); /* LSR #32: C = bit 31 */
	ck_assert_uint_eq(sh->state.r[8], 0xc0000000u);
	ck_assert_uint_eq(sh->state.r[9], 0xa00001d3u); /* RRX: C in, bit 0 out */
	ck_assert_uint_eq(sh->state.r[11], 0);
	ck_assert_uint_eq(sh->state.r[12], 0x400001d3u); /* LSL by 33: C = 0 */
	ck_assert_uint_eq(sh->state.r[15], CODE + 13 * 4);
}
END_TEST

START_TEST(flags_read_between_writes)
{
	LOAD(prog_flag_live);
	/* one more than the straight line: the whole block fits the budget */
	run(21);
	ck_assert_uint_eq(sh->state.r[2], 5);
	ck_assert_uint_eq(sh->state.r[5], 0);
	ck_assert_uint_eq(sh->state.r[7], 3);
	ck_assert_uint_eq(sh->state.r[8], 0);
	ck_assert_uint_eq(sh->state.r[9], 7);
	ck_assert_uint_eq(sh->state.r[1], 3);
	ck_assert_uint_eq(sh->state.r[10], 2);
	ck_assert_uint_eq(sh->state.r[11], 0x7fffffffu);
	ck_assert_uint_eq(sh->state.r[12], 1);
	ck_assert_uint_eq(sh->state.r[3], 3);
	ck_assert_uint_eq(sh->state.r[0], 0);
	ck_assert_uint_eq(sh->state.cpsr >> 28, 0x6u); /* Z C */
}
END_TEST

START_TEST(addressing_modes)
{
	LOAD(prog_mem);
	ck_assert_int_eq(run(11), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(get(DATA + 4), 0x11223344u);
	ck_assert_uint_eq(sh->state.r[2], 0);
	ck_assert_uint_eq(sh->state.r[3], 0x1122u);
	ck_assert_uint_eq(get(DATA + 0xc), DATA + 4);
	ck_assert_uint_eq(get(DATA + 0x10), 0x11223344u);
	ck_assert_uint_eq(sh->state.r[4], DATA + 4);
	ck_assert_uint_eq(sh->state.r[5], 0x11223344u);
	ck_assert_uint_eq(get(DATA - 8), DATA + 4); /* STMDB */
	ck_assert_uint_eq(get(DATA - 4), 0x11223344u);
	ck_assert_uint_eq(get(DATA), DATA + 4);
	ck_assert_uint_eq(sh->state.r[6], DATA + 4); /* LDM: loaded base wins */
	ck_assert_uint_eq(sh->state.r[7], 0x11223344u);
	ck_assert_uint_eq(sh->state.r[8], DATA + 4);
	ck_assert_uint_eq(sh->state.r[9], 0x11223344u); /* post-indexed */
	ck_assert_uint_eq(sh->state.r[0], DATA);
}
END_TEST

START_TEST(svc_enters_svc_mode_at_vbar)
{
	LOAD(prog_svc);
	ck_assert_int_eq(run(6), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[15], VEC(0x08));
	ck_assert_uint_eq(sh->state.cpsr & 0xffu, 0x80u | MODE_SVC);
	ck_assert_uint_eq(sh->state.spsr & 0x1ffu, 0x110u); /* User, A still set */
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x18);
	ck_assert_uint_eq(sh->state.r[13], 0x1234u);
	ck_assert_uint_eq(sh->state.banked_sp[BANK_USR], 0);
	ck_assert_uint_eq(sh->state.r[1], 7);
	ck_assert_uint_eq(sh->stats.svcs, 1);
	ck_assert_uint_eq(sh->stats.exceptions, 1);
	ck_assert_uint_eq(sh->state.last_exception_head, 1);
	ck_assert_uint_eq(sh->state.last_exceptions[0], 0x08);
	ck_assert_uint_eq(sh->state.last_exception_pcs[0], CODE + 0x14);
}
END_TEST

START_TEST(undefined_instruction_is_counted_and_taken)
{
	LOAD(prog_undef);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[15], 0x04); /* VBAR reset value 0 */
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->state.r[14], CODE + 4);
	ck_assert_uint_eq(sh->state.spsr, 0x1d3u);
	ck_assert_uint_eq(sh->stats.undef_insns, 1);
}
END_TEST

START_TEST(exception_return_with_movs_pc_lr)
{
	LOAD(prog_excret);
	put(VEC(0x08), 0xe1b0f00eu); /* movs pc, lr */
	ck_assert_int_eq(run(7), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[2], 2);
	ck_assert_uint_eq(sh->state.cpsr & 0xdfu, 0xd0u); /* back in User, I F masked */
	ck_assert_uint_eq(sh->state.r[15], CODE + 0x18);
	ck_assert_uint_eq(sh->stats.svcs, 1);
}
END_TEST

START_TEST(banked_registers)
{
	LOAD(prog_banked);
	ck_assert_int_eq(run(10), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_SVC);
	ck_assert_uint_eq(sh->state.r[0], 0x100u);
	ck_assert_uint_eq(sh->state.r[1], 8);
	ck_assert_uint_eq(sh->state.banked_sp[BANK_SVC], 0x100u);
	ck_assert_uint_eq(sh->state.banked_sp[BANK_IRQ], 0x200u);
	ck_assert_uint_eq(sh->state.banked_sp[BANK_FIQ], 0x300u);
	ck_assert_uint_eq(sh->state.fiq_r8_12[0], 0x88u);
	ck_assert_uint_eq(sh->state.usr_r8_12[0], 8);
}
END_TEST

START_TEST(cp15_identification)
{
	LOAD(prog_cp15);
	ck_assert_int_eq(run(5), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[0], 0x410fc090u);
	ck_assert_uint_eq(sh->state.r[1], 0x80000000u);
	ck_assert_uint_eq(sh->state.r[2], 0x1e000000u);
	ck_assert_uint_eq(sh->state.r[3] & 0xf000u, 0); /* no ThumbEE */
	ck_assert_uint_eq(sh->state.r[4], 0x09000003u);
}
END_TEST

START_TEST(ldm_misaligned_is_an_alignment_fault_and_restartable)
{
	LOAD(prog_align);
	ck_assert_int_eq(run(6), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[15], VEC(0x10));
	ck_assert_uint_eq(mode(), MODE_ABT);
	ck_assert_uint_eq(sh->state.dfsr, 0x001u);
	ck_assert_uint_eq(sh->state.dfar, DATA + 2);
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x14 + 8);
	ck_assert_uint_eq(sh->state.r[4], 4); /* nothing loaded */
	ck_assert_uint_eq(sh->stats.data_aborts, 1);
}
END_TEST

START_TEST(vfp_is_undefined_while_cpacr_denies_it)
{
	LOAD(prog_vfp);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->stats.undef_insns, 1);
}
END_TEST

/* CPACR grants access, but FPEXC.EN is still clear (test_engine_vfp.c has
 * the rest of the VFP suite). */
START_TEST(vfp_is_undefined_until_fpexc_enables_it)
{
	LOAD(prog_cpacr);
	ck_assert_int_eq(run(3), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->stats.undef_insns, 1);
}
END_TEST

/* BX to an odd address enters Thumb state (test_engine_t32 covers T32). */
START_TEST(bx_enters_thumb)
{
	LOAD(prog_thumb);
	put(CODE + 0x100, 0xe7feu); /* b . (T32) */
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, CODE + 0x100);
	ck_assert_uint_eq(sh->state.cpsr & 0x20u, 0x20u);
}
END_TEST

/* Both IRQ strategies stop after exactly n instructions. */
START_TEST(instruction_limit_is_exact)
{
	LOAD(prog_loop);
	sh->config.irq_strategy = (uint32_t)_i;
	ck_assert_int_eq(run(1000), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->stats.insns, 1000);
	ck_assert_uint_eq(sh->state.r[0], 500);
	ck_assert_uint_eq(sh->state.r[15], CODE + 8);
}
END_TEST

START_TEST(branch_to_self_with_interrupts_masked_is_hung)
{
	LOAD(prog_hang);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, CODE + 4);
}
END_TEST

START_TEST(exclusive_monitor)
{
	LOAD(prog_excl);
	ck_assert_int_eq(run(8), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[2], 0); /* first STREX succeeds */
	ck_assert_uint_eq(get(DATA), 1);
	ck_assert_uint_eq(sh->state.r[3], 1); /* monitor already cleared */
	ck_assert_uint_eq(sh->state.r[4], 1);
	ck_assert_uint_eq(sh->state.r[5], 1); /* CLREX */
}
END_TEST

START_TEST(stores_to_executed_code_are_seen)
{
	LOAD(prog_smc);
	put(CODE + 0x100, 0xe3a02001u); /* mov r2, #1 */
	put(CODE + 0x104, 0xe12fff1eu); /* bx lr */
	ck_assert_int_eq(run(11), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[4], 1);
	ck_assert_uint_eq(sh->state.r[5], 5);
}
END_TEST

/* A strategy's named counter (engine_counter()), NULL if it keeps none. */
static const uint64_t *named_counter(const char *name)
{
	for (unsigned k = 0; k < CAPTIVE_NAMED_COUNTERS; k++)
		if (!strncmp(sh->counters[k].name, name, CAPTIVE_COUNTER_NAME))
			return &sh->counters[k].value;
	return NULL;
}

/* The JIT counts a block as retranslated when the same bytes at the same
 * address are translated again after a store dropped them, and not when a
 * store put new code there. */
START_TEST(retranslations_are_counted)
{
	LOAD(prog_retranslate);
	put(CODE + 0x100, 0xe3a02001u); /* mov r2, #1 */
	put(CODE + 0x104, 0xe12fff1eu); /* bx lr */
	ck_assert_int_eq(run(14), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[15], CODE + 0x20);
	ck_assert_uint_eq(sh->state.r[2], 5);
	const uint64_t *blocks = named_counter("jit_retranslated_blocks");
	const uint64_t *insns = named_counter("jit_retranslated_insns");
	if (!strstr(engine_path, "-jit")) {
		ck_assert_ptr_null(blocks);
		return;
	}
	ck_assert_ptr_nonnull(blocks);
	ck_assert_ptr_nonnull(insns);
	ck_assert_uint_eq(*blocks, 1);
	ck_assert_uint_eq(*insns, 2);
}
END_TEST

/* Every register and stored word as the ARM rules compute them; under the
 * JIT the back edge is translated as a loop. */
START_TEST(loop_wider_than_the_register_pool)
{
	LOAD(prog_wide_loop);
	ck_assert_int_eq(run(13 + 100 * 13), CAPTIVE_STOP_INSN_LIMIT);
	uint32_t r[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 100, DATA, 0 };
	for (unsigned it = 0; it < 100; it++) {
		r[0] += r[1];
		r[1] += r[2];
		r[2] ^= r[3];
		r[3] += r[4] << 1;
		r[4] -= r[5];
		r[5] += r[6];
		r[6] |= r[7];
		r[7] += r[8];
		r[8] += r[0];
		ck_assert_uint_eq(get(r[10]), r[0]);
		r[10] += 4;
		if (--r[9])
			r[11] += r[0];
	}
	ck_assert_uint_eq(sh->state.r[15], CODE + 0x68);
	for (unsigned n = 0; n < 12; n++)
		ck_assert_uint_eq(sh->state.r[n], r[n]);
	if (strstr(engine_path, "-jit")) {
		const uint64_t *loops = named_counter("jit_loop_edges");
		ck_assert_ptr_nonnull(loops);
		ck_assert_uint_gt(*loops, 0);
	}
}
END_TEST

START_TEST(irq_taken_when_unmasked)
{
	LOAD(prog_irq);
	sh->config.irq_strategy = (uint32_t)_i;
	sh->irq_line = 1;
	ck_assert_int_eq(run(6), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[15], VEC(0x18));
	ck_assert_uint_eq(mode(), MODE_IRQ);
	ck_assert_uint_eq(sh->state.banked_lr[BANK_IRQ], CODE + 0x14 + 4);
	ck_assert_uint_eq(sh->state.r[1], 0);
	ck_assert_uint_eq(sh->stats.irqs_taken, 1);
}
END_TEST

START_TEST(wfi_rings_the_host_when_idle)
{
	LOAD(prog_wfi);
	ck_assert_int_eq(run(3), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->state.r[0], 2);
	ck_assert_uint_eq(sh->stats.wfis, 1);
	ck_assert_uint_eq(wfi_doorbells, 1);
	ck_assert_uint_eq(wfi_seen_in_wfi, 1);
	ck_assert_uint_eq(sh->in_wfi, 0);

	LOAD(prog_wfi);
	sh->irq_line = 1; /* pending (though masked): WFI does not sleep */
	ck_assert_int_eq(run(3), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(wfi_doorbells, 1);
	ck_assert_uint_eq(sh->stats.irqs_taken, 0);
}
END_TEST

/* LDM/STM/LDRD/STRD at 0xfffffffc (MMU off, so the bus): the second word
 * is at 0, never at 2^32 (hwmirror: never in the guard after a window). */
START_TEST(multiword_accesses_wrap_at_4g)
{
	LOAD(prog_wrap);
	memset(&bus, 0, sizeof(bus));
	engine_api_set_handlers(ei, record_mmio, doorbell, NULL);
	ck_assert_int_eq(run(8), CAPTIVE_STOP_INSN_LIMIT);
	static const uint64_t want_pa[8] = { 0xfffffffcu, 0, 0xfffffffcu, 0,
					     0xfffffffcu, 0, 0xfffffffcu, 0 };
	static const uint32_t want_write[8] = { 1, 1, 0, 0, 1, 1, 0, 0 };
	ck_assert_uint_eq(bus.n, 8);
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_uint_eq(bus.pa[i], want_pa[i]);
		ck_assert_uint_eq(bus.write[i], want_write[i]);
	}
	ck_assert_uint_eq(bus.value[0], 0x11u);
	ck_assert_uint_eq(bus.value[1], 0x22u);
	ck_assert_uint_eq(sh->state.r[3], 0xd000fffcu);
	ck_assert_uint_eq(sh->state.r[4], 0xd0000000u);
	ck_assert_uint_eq(bus.value[4], 0x22u);
	ck_assert_uint_eq(bus.value[5], 0xd000fffcu);
	ck_assert_uint_eq(sh->state.r[6], 0xd000fffcu);
	ck_assert_uint_eq(sh->state.r[7], 0xd0000000u);
	ck_assert_uint_eq(sh->state.r[15], CODE + 0x1c);
}
END_TEST

static Suite *isa_suite(void)
{
	Suite *s = suite_create("engine-isa");
	TCase *tc = tcase_create("a32");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, flags_and_shifter_carry);
	tcase_add_test(tc, flags_read_between_writes);
	tcase_add_test(tc, multiword_accesses_wrap_at_4g);
	tcase_add_test(tc, addressing_modes);
	tcase_add_test(tc, svc_enters_svc_mode_at_vbar);
	tcase_add_test(tc, undefined_instruction_is_counted_and_taken);
	tcase_add_test(tc, exception_return_with_movs_pc_lr);
	tcase_add_test(tc, banked_registers);
	tcase_add_test(tc, cp15_identification);
	tcase_add_test(tc, ldm_misaligned_is_an_alignment_fault_and_restartable);
	tcase_add_test(tc, vfp_is_undefined_while_cpacr_denies_it);
	tcase_add_test(tc, vfp_is_undefined_until_fpexc_enables_it);
	tcase_add_test(tc, bx_enters_thumb);
	tcase_add_loop_test(tc, instruction_limit_is_exact, CAPTIVE_IRQ_PER_INSN,
			    CAPTIVE_IRQ_PER_BLOCK + 1);
	tcase_add_test(tc, branch_to_self_with_interrupts_masked_is_hung);
	tcase_add_test(tc, exclusive_monitor);
	tcase_add_test(tc, stores_to_executed_code_are_seen);
	tcase_add_test(tc, retranslations_are_counted);
	tcase_add_test(tc, loop_wider_than_the_register_pool);
	tcase_add_loop_test(tc, irq_taken_when_unmasked, CAPTIVE_IRQ_PER_INSN,
			    CAPTIVE_IRQ_PER_BLOCK + 1);
	tcase_add_test(tc, wfi_rings_the_host_when_idle);
	suite_add_tcase(s, tc);
	return s;
}

/* build/tests/test_engine_isa-<mmu>-<exec> tests build/engine/process/<mmu>-<exec>.so */
int main(int argc, char **argv)
{
	if (check_engine_path(argc > 0 ? argv[0] : NULL, "test_engine_isa", engine_path,
			      sizeof(engine_path)))
		return EXIT_FAILURE;
	return check_run_suite(isa_suite());
}
