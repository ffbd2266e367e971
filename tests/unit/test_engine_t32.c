/*
 * T32 (Thumb-2) suite, built once per mmu x exec pair: the decoder's class
 * for the whole 16-bit space and for representative 32-bit encodings (called
 * directly, from the pair's static library), then programs run through the
 * pair's hosted engine (framework/engine_api.h): IT blocks, an IRQ taken
 * inside one and returned into, interworking both ways, exceptions from
 * Thumb (SVC, UDF, aborts, Thumb exception entry) and a 32-bit instruction
 * straddling a page whose second half is unmapped.
 *
 * Code is at 0x60001000, vectors at 0x60000000 (`b .` unless a test puts a
 * handler there). The programs were assembled and linked with arm-none-eabi
 * binutils (-march=armv7-a -mcpu=cortex-a9); arrays are halfwords in memory
 * order, the comments give offset and source.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm/decode.h"
#include "engine_api.h"
#include "support/check_main.h"

#define RAM_BASE 0x60000000u
#define RAM_SIZE (4u << 20)
#define CODE 0x60001000u
#define DATA 0x60002000u
#define VEC(off) (RAM_BASE + (off))
#define B_SELF 0xeafffffeu
#define MMIO_ACK 0x10000000u

#define MODE_SVC 0x13u
#define MODE_ABT 0x17u
#define MODE_UND 0x1bu
#define BANK_IRQ 2
#define CPSR_T 0x20u
#define CPSR_ITBITS 0x0600fc00u

static char engine_path[512];
static struct engine_inst *ei;
static struct captive_shared *sh;
static uint8_t *ram;

/* ---- decoder ---- */

static struct arm_insn dec(uint32_t raw)
{
	struct arm_insn d;
	arm_decode_t32(raw, &d);
	return d;
}

/*
 * The UNDEFINED 16-bit encodings, written from the ARM ARM tables (A6.2)
 * and our UNPREDICTABLE choices (decode_t32.c), independently of the
 * decoder's structure.
 */
static bool undef16(uint32_t hw)
{
	if (hw >= 0xde00 && hw <= 0xdeff) /* UDF */
		return true;
	if (hw >= 0x4500 && hw <= 0x453f) /* 0100 0101 00: unallocated */
		return true;
	if (hw >= 0x4540 && hw <= 0x45ff) /* CMP high with PC */
		return (((hw >> 4) & 8) | (hw & 7)) == 15 || ((hw >> 3) & 15) == 15;
	if (hw == 0x44ff || (hw >= 0x47f8 && hw <= 0x47ff)) /* ADD PC, PC; BLX PC */
		return true;
	if ((hw >= 0xb600 && hw <= 0xb63f) || (hw >= 0xb680 && hw <= 0xb8ff) ||
	    (hw >= 0xba80 && hw <= 0xbabf)) /* unallocated miscellaneous */
		return true;
	if (hw == 0xb400 || hw == 0xbc00 || ((hw & 0xf0ff) == 0xc000)) /* empty lists */
		return true;
	if (hw >= 0xbf01 && hw <= 0xbfff && (hw & 15)) { /* IT */
		unsigned fc = (hw >> 4) & 15;
		return fc == 15 || (fc == 14 && __builtin_popcount(hw & 15) != 1);
	}
	return false;
}

START_TEST(sixteen_bit_space)
{
	unsigned undefs = 0;

	for (uint32_t hw = 0; hw < 0x10000; hw++) {
		if (hw >= 0xe800) {
			ck_assert_msg(arm_t32_wide(hw), "0x%04x starts a 32-bit encoding", hw);
			continue;
		}
		ck_assert_msg(!arm_t32_wide(hw), "0x%04x is 16-bit", hw);
		struct arm_insn d = dec(hw << 16 | 0xffff);
		ck_assert_msg(d.op != ARM_OP_NONE && d.op != ARM_OP_UNIMPL, "0x%04x op %u", hw, d.op);
		ck_assert_msg((d.flags & (ARM_F_THUMB | ARM_F_WIDE)) == ARM_F_THUMB, "0x%04x flags", hw);
		ck_assert_msg(d.raw == hw << 16, "0x%04x raw 0x%08x", hw, d.raw);
		ck_assert_msg((d.op == ARM_OP_UNDEF) == undef16(hw), "0x%04x: op %u, expected %s", hw,
			      d.op, undef16(hw) ? "UNDEFINED" : "an instruction");
		undefs += d.op == ARM_OP_UNDEF;
	}
	ck_assert_uint_gt(undefs, 256);
}
END_TEST

struct class_case {
	uint32_t raw;
	uint8_t op;
	const char *text;
};

static const struct class_case valid16[] = {
	{ 0x18880000u, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_REG, 1), "adds r0, r1, r2" },
	{ 0x00930000u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_SHI, 1), "lsls r3, r2, #2" },
	{ 0x40880000u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_SHR, 1), "lsls r0, r1" },
	{ 0x42480000u, ARM_DP_OP(ARM_DP_RSB, ARM_FORM_IMM, 1), "negs r0, r1" },
	{ 0x43480000u, ARM_OP_MUL, "muls r0, r1, r0" },
	{ 0x44870000u, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_REG, 0), "add pc, r0" },
	{ 0x46870000u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_REG, 0), "mov pc, r0" },
	{ 0x47700000u, ARM_OP_BX, "bx lr" },
	{ 0x47800000u, ARM_OP_BLX_REG, "blx r0" },
	{ 0x4d0a0000u, ARM_OP_LDR_I, "ldr r5, [pc, #40]" },
	{ 0xa6090000u, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_IMM, 0), "adr r6, . + 36" },
	{ 0xb5060000u, ARM_OP_STM, "push {r1, r2, lr}" },
	{ 0xbd000000u, ARM_OP_LDM, "pop {pc}" },
	{ 0xb1080000u, ARM_OP_CBZ, "cbz r0, . + 6" },
	{ 0xbf060000u, ARM_OP_IT, "itte eq" },
	{ 0xbf300000u, ARM_OP_WFI, "wfi" },
	{ 0xbf000000u, ARM_OP_NOP, "nop" },
	{ 0xb6720000u, ARM_OP_CPS, "cpsid i" },
	{ 0xba080000u, ARM_OP_REV, "rev r0, r1" },
	{ 0xbe010000u, ARM_OP_BKPT, "bkpt 1" },
	{ 0xdf420000u, ARM_OP_SVC, "svc 66" },
	{ 0xd1fe0000u, ARM_OP_B, "bne ." },
	{ 0xe7fe0000u, ARM_OP_B, "b ." },
	{ 0xb6500000u, ARM_OP_SETEND, "setend le" },
};

/* 32-bit encodings that execute, with the op they decode to. */
static const struct class_case valid32[] = {
	{ 0xeb021143u, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_SHI, 0), "add.w r1, r2, r3, lsl #5" },
	{ 0xf112417fu, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_IMM, 1), "adds.w r1, r2, #0xff000000" },
	{ 0xea6100f2u, ARM_DP_OP(ARM_DP_ORN, ARM_FORM_SHI, 0), "orn r0, r1, r2, ror #3" },
	{ 0xea4f0031u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_SHI, 0), "mov.w r0, r1, rrx" },
	{ 0xf07f0001u, ARM_DP_OP(ARM_DP_MVN, ARM_FORM_IMM, 1), "mvns.w r0, #1" },
	{ 0xf0100f80u, ARM_DP_OP(ARM_DP_TST, ARM_FORM_IMM, 1), "tst.w r0, #128" },
	{ 0xebb10f02u, ARM_DP_OP(ARM_DP_CMP, ARM_FORM_REG, 1), "cmp.w r1, r2" },
	{ 0xf60170ffu, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_IMM, 0), "addw r0, r1, #4095" },
	{ 0xf20f00fcu, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_IMM, 0), "addw r0, pc, #252 (adr)" },
	{ 0xf2ad0d08u, ARM_DP_OP(ARM_DP_SUB, ARM_FORM_IMM, 0), "subw sp, sp, #8" },
	{ 0xf2412534u, ARM_OP_MOVW, "movw r5, #0x1234" },
	{ 0xf6ca36cdu, ARM_OP_MOVT, "movt r6, #0xabcd" },
	{ 0xf3011007u, ARM_OP_SSAT, "ssat r0, #8, r1, lsl #4" },
	{ 0xf3a30207u, ARM_OP_USAT16, "usat16 r2, #7, r3" },
	{ 0xf341100bu, ARM_OP_SBFX, "sbfx r0, r1, #4, #12" },
	{ 0xf363220bu, ARM_OP_BFI, "bfi r2, r3, #8, #4" },
	{ 0xf36f040fu, ARM_OP_BFC, "bfc r4, #0, #16" },
	{ 0xf000bffeu, ARM_OP_B, "b.w . + 0x1000" },
	{ 0xf47faf7eu, ARM_OP_B, "bne.w . - 0x100" },
	{ 0xf0fffffeu, ARM_OP_BL, "bl . + 0x100000" },
	{ 0xf000e8feu, ARM_OP_BLX_IMM, "blx . + 0x200" },
	{ 0xf3818900u, ARM_OP_MSR_REG, "msr cpsr_fc, r1" },
	{ 0xf3ff8000u, ARM_OP_MRS, "mrs r0, spsr" },
	{ 0xf3af8553u, ARM_OP_CPS, "cpsie i, #0x13" },
	{ 0xf3af8003u, ARM_OP_WFI, "wfi.w" },
	{ 0xf3af8000u, ARM_OP_NOP, "nop.w" },
	{ 0xf3bf8f5fu, ARM_OP_NOP, "dmb sy" },
	{ 0xf3bf8f6fu, ARM_OP_SYNC, "isb sy" },
	{ 0xf3bf8f2fu, ARM_OP_CLREX, "clrex" },
	{ 0xf3de8f04u, ARM_DP_OP(ARM_DP_SUB, ARM_FORM_IMM, 1), "subs pc, lr, #4" },
	{ 0xf3c38f00u, ARM_OP_BX, "bxj r3" },
	{ 0xe8b08006u, ARM_OP_LDM, "ldmia.w r0!, {r1, r2, pc}" },
	{ 0xe92d4ff0u, ARM_OP_STM, "push.w {r4-r11, lr}" },
	{ 0xe82dc013u, ARM_OP_SRS, "srsdb sp!, #0x13" },
	{ 0xe9b0c000u, ARM_OP_RFE, "rfeia r0!" },
	{ 0xe8510f02u, ARM_OP_LDREX, "ldrex r0, [r1, #8]" },
	{ 0xe8443200u, ARM_OP_STREX, "strex r2, r3, [r4]" },
	{ 0xe8d2017fu, ARM_OP_LDREX, "ldrexd r0, r1, [r2]" },
	{ 0xe8c21f40u, ARM_OP_STREX, "strexb r0, r1, [r2]" },
	{ 0xe8d0f001u, ARM_OP_TBB, "tbb [r0, r1]" },
	{ 0xe8dff011u, ARM_OP_TBB, "tbh [pc, r1, lsl #1]" },
	{ 0xe9764502u, ARM_OP_LDRD_I, "ldrd r4, r5, [r6, #-8]!" },
	{ 0xe8e20104u, ARM_OP_STRD_I, "strd r0, r1, [r2], #16" },
	{ 0xe95f0102u, ARM_OP_LDRD_I, "ldrd r0, r1, [pc, #-8]" },
	{ 0xf8d10fffu, ARM_OP_LDR_I, "ldr.w r0, [r1, #4095]" },
	{ 0xf8510d08u, ARM_OP_LDR_I, "ldr.w r0, [r1, #-8]!" },
	{ 0xf8532b04u, ARM_OP_LDR_I, "ldr.w r2, [r3], #4" },
	{ 0xf8510e04u, ARM_OP_LDR_I, "ldrt r0, [r1, #4]" },
	{ 0xf8510022u, ARM_OP_LDR_R, "ldr.w r0, [r1, r2, lsl #2]" },
	{ 0xf85dfb04u, ARM_OP_LDR_I, "ldr.w pc, [sp], #4" },
	{ 0xf9110c01u, ARM_OP_LDRSB_I, "ldrsb.w r0, [r1, #-1]" },
	{ 0xf9bf0006u, ARM_OP_LDRSH_I, "ldrsh.w r0, [pc, #6]" },
	{ 0xf8010002u, ARM_OP_STRB_R, "strb.w r0, [r1, r2]" },
	{ 0xf8210f02u, ARM_OP_STRH_I, "strh.w r0, [r1, #2]!" },
	{ 0xf890f004u, ARM_OP_NOP, "pld [r0, #4]" },
	{ 0xf910f001u, ARM_OP_NOP, "pli [r0, r1]" },
	{ 0xf831fc04u, ARM_OP_NOP, "pldw [r1, #-4]" },
	{ 0xfa01f002u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_SHR, 0), "lsl.w r0, r1, r2" },
	{ 0xfa71f002u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_SHR, 1), "rors.w r0, r1, r2" },
	{ 0xfa41f092u, ARM_OP_SXTB, "sxtab r0, r1, r2, ror #8" },
	{ 0xfa1ff384u, ARM_OP_UXTH, "uxth.w r3, r4" },
	{ 0xfa91f002u, ARM_OP_PAR, "sadd16 r0, r1, r2" },
	{ 0xfac1f052u, ARM_OP_PAR, "uqsub8 r0, r1, r2" },
	{ 0xfa82f081u, ARM_OP_QADD, "qadd r0, r1, r2" },
	{ 0xfa91f081u, ARM_OP_REV, "rev.w r0, r1" },
	{ 0xfa91f0a1u, ARM_OP_RBIT, "rbit r0, r1" },
	{ 0xfaa1f082u, ARM_OP_SEL, "sel r0, r1, r2" },
	{ 0xfab1f081u, ARM_OP_CLZ, "clz r0, r1" },
	{ 0xfb01f002u, ARM_OP_MUL, "mul.w r0, r1, r2" },
	{ 0xfb013002u, ARM_OP_MLA, "mla r0, r1, r2, r3" },
	{ 0xfb013012u, ARM_OP_MLS, "mls r0, r1, r2, r3" },
	{ 0xfb113012u, ARM_OP_SMLAXY, "smlabt r0, r1, r2, r3" },
	{ 0xfb31f002u, ARM_OP_SMULWY, "smulwb r0, r1, r2" },
	{ 0xfb213002u, ARM_OP_DMUL, "smlad r0, r1, r2, r3" },
	{ 0xfb51f002u, ARM_OP_DMUL, "smmul r0, r1, r2" },
	{ 0xfb71f002u, ARM_OP_USAD8, "usad8 r0, r1, r2" },
	{ 0xfb820103u, ARM_OP_SMULL, "smull r0, r1, r2, r3" },
	{ 0xfbe20163u, ARM_OP_UMAAL, "umaal r0, r1, r2, r3" },
	{ 0xfbc20183u, ARM_OP_SMLALXY, "smlalbb r0, r1, r2, r3" },
	{ 0xfbc201c3u, ARM_OP_DMUL, "smlald r0, r1, r2, r3" },
	{ 0xee110f10u, ARM_OP_MRC, "mrc p15, 0, r0, c1, c0, 0" },
	{ 0xee081f17u, ARM_OP_MCR, "mcr p15, 0, r1, c8, c7, 0" },
	{ 0xee300a81u, ARM_OP_VFP_DP, "vadd.f32 s0, s1, s2" },
	{ 0xed900b02u, ARM_OP_VFP_LDST, "vldr d0, [r0, #8]" },
	{ 0xeef10a10u, ARM_OP_VFP_XFER, "vmrs r0, fpscr" },
	{ 0xeac14022u, ARM_OP_PKH, "pkhtb r0, r1, r2, asr #16" },
};

/* UNDEFINED on a Cortex-A9 (no ThumbEE, Security, Virtualization, divide or
 * NEON), or by our UNPREDICTABLE choices. */
static const struct class_case undefined32[] = {
	{ 0xfb91f0f2u, ARM_OP_UNDEF, "sdiv r0, r1, r2" },
	{ 0xfbb1f0f2u, ARM_OP_UNDEF, "udiv r0, r1, r2" },
	{ 0xf7f08000u, ARM_OP_UNDEF, "smc #0" },
	{ 0xf7e08000u, ARM_OP_UNDEF, "hvc #0" },
	{ 0xf7f0a000u, ARM_OP_UNDEF, "udf.w #0" },
	{ 0xf3bf8f1fu, ARM_OP_UNDEF, "enterx" },
	{ 0xf3bf8f0fu, ARM_OP_UNDEF, "leavex" },
	{ 0xf3e08020u, ARM_OP_UNDEF, "mrs r0, r8_usr (banked)" },
	{ 0xef000800u, ARM_OP_UNDEF, "vadd.i8 d0, d0, d0 (NEON off)" },
	{ 0xf920070fu, ARM_OP_UNDEF, "vld1.8 {d0}, [r0] (NEON off)" },
	{ 0xfe000f10u, ARM_OP_UNDEF, "mcr2 p15, 0, r0, c0, c0, 0" },
	{ 0xee100e10u, ARM_OP_MRC, "mrc p14, 0, r0, c0, c0, 0 (DBGDIDR)" },
	{ 0xeed00e10u, ARM_OP_UNDEF, "mrc p14, 6, r0, c0, c0, 0 (ThumbEE: absent)" },
	{ 0xeef00e10u, ARM_OP_UNDEF, "mrc p14, 7, r0, c0, c0, 0 (Jazelle: absent)" },
	{ 0xe85f0f00u, ARM_OP_UNDEF, "ldrex r0, [pc]" },
	{ 0xe9d20000u, ARM_OP_UNDEF, "ldrd r0, r0, [r2] (Rt = Rt2)" },
	{ 0xe8900000u, ARM_OP_UNDEF, "ldm r0, {} (empty list)" },
	{ 0xe8bdc000u, ARM_OP_UNDEF, "pop.w {lr, pc}" },
	{ 0xf000e801u, ARM_OP_UNDEF, "blx with H = 1" },
	{ 0xf8510100u, ARM_OP_UNDEF, "ldr.w with an unallocated addressing form" },
	{ 0xf9510000u, ARM_OP_UNDEF, "ldrs (signed word)" },
	{ 0xeaa10002u, ARM_OP_UNDEF, "data processing opcode 0101" },
	{ 0xf3bf8f7fu, ARM_OP_UNDEF, "miscellaneous control op 0111" },
	{ 0xf84ff004u, ARM_OP_UNDEF, "str pc, [pc, #4]" },
	{ 0xeb0f0001u, ARM_OP_UNDEF, "add.w r0, pc, r1" },
};

static void check_class(const struct class_case *c, bool wide)
{
	struct arm_insn d = dec(c->raw);
	ck_assert_msg(d.op == c->op, "%s (0x%08x): op %u, expected %u", c->text, c->raw, d.op, c->op);
	ck_assert_msg(d.flags & ARM_F_THUMB, "%s: not marked Thumb", c->text);
	ck_assert_msg(!(d.flags & ARM_F_WIDE) == !wide, "%s: width", c->text);
}

START_TEST(valid_16)
{
	check_class(&valid16[_i], false);
}
END_TEST

START_TEST(valid_32)
{
	check_class(&valid32[_i], true);
}
END_TEST

START_TEST(undefined_32)
{
	check_class(&undefined32[_i], true);
}
END_TEST

START_TEST(fields)
{
	struct arm_insn d = dec(0xf47faf7eu); /* bne.w . - 0x100 */
	ck_assert_uint_eq(d.cond, 1);
	ck_assert_uint_eq(d.imm, (uint32_t)-0x104);
	d = dec(0xf0fffffeu); /* bl . + 0x100000 */
	ck_assert_uint_eq(d.imm, 0x100000u - 4);
	d = dec(0xf000e8feu); /* blx . + 0x200 */
	ck_assert_uint_eq(d.imm, 0x1fcu);
	d = dec(0xf112417fu); /* adds.w r1, r2, #0xff000000 */
	ck_assert_uint_eq(d.imm, 0xff000000u);
	ck_assert(d.flags & ARM_F_X);
	d = dec(0xf0100f80u); /* tst.w r0, #128: no rotation, C unchanged */
	ck_assert_uint_eq(d.imm, 0x80u);
	ck_assert(!(d.flags & ARM_F_X));
	d = dec(0xf3a30207u); /* usat16 r2, #7, r3 */
	ck_assert_uint_eq(d.rd, 2);
	ck_assert_uint_eq(d.rn, 3);
	ck_assert_uint_eq(d.imm, 7);
	d = dec(0xe8d2017fu); /* ldrexd r0, r1, [r2] */
	ck_assert_uint_eq(d.shift, 8);
	ck_assert_uint_eq(d.rd, 0);
	ck_assert_uint_eq(d.rm, 1);
	d = dec(0xe8510f02u); /* ldrex r0, [r1, #8] */
	ck_assert_uint_eq(d.imm, 8);
	d = dec(0xe9764502u); /* ldrd r4, r5, [r6, #-8]! */
	ck_assert_uint_eq(d.rd, 4);
	ck_assert_uint_eq(d.rs, 5);
	ck_assert_uint_eq(d.flags & (ARM_F_P | ARM_F_U | ARM_F_W), ARM_F_P | ARM_F_W);
	d = dec(0xbf0b0000u); /* itete eq */
	ck_assert_uint_eq(d.imm, 0x0b);
	d = dec(0xbbff0000u); /* cbnz r7, . + 0x82 */
	ck_assert(d.flags & ARM_F_X);
	ck_assert_uint_eq(d.rn, 7);
	ck_assert_uint_eq(d.imm, 0x7e);
	d = dec(0xf3de8f04u); /* subs pc, lr, #4 */
	ck_assert_uint_eq(d.rd, 15);
	ck_assert_uint_eq(d.rn, 14);
	ck_assert_uint_eq(d.imm, 4);
}
END_TEST

/* 16-bit flag-setting forms set no flags inside an IT block; compares do. */
START_TEST(it_drops_flag_setting)
{
	struct arm_insn d = dec(0x18880000u); /* adds r0, r1, r2 */
	arm_t32_in_it(&d);
	ck_assert_uint_eq(d.op, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_REG, 0));
	ck_assert(!(d.flags & ARM_F_S));
	d = dec(0x43480000u); /* muls r0, r1, r0 */
	arm_t32_in_it(&d);
	ck_assert(!(d.flags & ARM_F_S));
	d = dec(0x42880000u); /* cmp r0, r1 */
	arm_t32_in_it(&d);
	ck_assert_uint_eq(d.op, ARM_DP_OP(ARM_DP_CMP, ARM_FORM_REG, 1));
	d = dec(0xf112417fu); /* adds.w: 32-bit forms keep S */
	arm_t32_in_it(&d);
	ck_assert_uint_eq(d.op, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_IMM, 1));
}
END_TEST

/* ---- execution ---- */

static const uint16_t prog_basic[] = {
	0x0001, 0xe28f, /* 0   add r0, pc, #1 (adr r0, t1 + 1) */
	0xff10, 0xe12f, /* 4   bx r0 */
	0x2105,		/* 8   t1: movs r1, #5 */
	0x1cca,		/* a   adds r2, r1, #3 */
	0x0093,		/* c   lsls r3, r2, #2 */
	0xf245, 0x6478, /* e   movw r4, #0x5678 */
	0xf2c1, 0x2434, /* 12  movt r4, #0x1234 */
	0x4d0a,		/* 16  ldr r5, [pc, #40] (lit) */
	0xa609,		/* 18  adr r6, lit */
	0xb506,		/* 1a  push {r1, r2, lr} */
	0xe8bd, 0x0380, /* 1c  pop.w {r7, r8, r9} */
	0x46ea,		/* 20  mov sl, sp */
	0xf000, 0xf80f, /* 22  bl 44 <func_t> */
	0xf000, 0xe810, /* 26  blx 48 <func_a> */
	0xf064, 0x0bff, /* 2a  orn fp, r4, #255 */
	0xe8df, 0xf001, /* 2e  tbb [pc, r1] */
	0x0000,		/* 32  tab: .byte 0, 0 */
	0x0000, 0x0400, /* 34  .byte 0, 0, 0, 4 */
	0xe7fe,		/* 38  b . */
	0xf05f, 0x0c42, /* 3a  movs.w ip, #66 */
	0xe7fe,		/* 3e  b . */
	0xf00d, 0xcafe, /* 40  lit: .word 0xcafef00d */
	0x3001,		/* 44  func_t: adds r0, #1 */
	0x4770,		/* 46  bx lr */
	0x0c01, 0xe280, /* 48  func_a: add r0, r0, #256 */
	0xff1e, 0xe12f, /* 4c  bx lr */
};

static const uint16_t prog_it[] = {
	0x2101,		/* 0   movs r1, #1 */
	0x2000,		/* 2   movs r0, #0 */
	0xbf06,		/* 4   itte eq */
	0x3101,		/* 6   addeq r1, #1 */
	0x2207,		/* 8   moveq r2, #7 */
	0x2309,		/* a   movne r3, #9 */
	0x2902,		/* c   cmp r1, #2 */
	0xbf05,		/* e   ittet eq */
	0xf501, 0x7480, /* 10  addeq.w r4, r1, #256 */
	0x2903,		/* 14  cmpeq r1, #3 */
	0x2505,		/* 16  movne r5, #5 */
	0x2606,		/* 18  moveq r6, #6 */
	0x1c07,		/* 1a  adds r7, r0, #0 */
	0xbf18,		/* 1c  it ne */
	0xe001,		/* 1e  bne.n 24 */
	0xf05f, 0x0808, /* 20  movs.w r8, #8 */
	0xe7fe,		/* 24  b . */
};

static const uint16_t prog_irq[] = {
	0x0000, 0xe300, /* 0   movw r0, #0 */
	0x0000, 0xe346, /* 4   movt r0, #0x6000 */
	0x0f10, 0xee0c, /* 8   mcr p15, 0, r0, c12, c0, 0 (VBAR) */
	0x0001, 0xe28f, /* c   adr r0, th + 1 */
	0xff10, 0xe12f, /* 10  bx r0 */
	0x2100,		/* 14  th: movs r1, #0 */
	0x2200,		/* 16  movs r2, #0 */
	0x2300,		/* 18  movs r3, #0 */
	0xf04f, 0x0013, /* 1a  mov.w r0, #0x13 */
	0x2900,		/* 1e  cmp r1, #0 */
	0xbf0b,		/* 20  itete eq */
	0xf380, 0x8100, /* 22  msreq CPSR_c, r0 (unmasks the IRQ) */
	0x2101,		/* 26  movne r1, #1 */
	0x2202,		/* 28  moveq r2, #2 */
	0x2303,		/* 2a  movne r3, #3 */
	0x2404,		/* 2c  movs r4, #4 */
	0xe7fe,		/* 2e  b . */
};

/* IRQ handler (A32): acknowledge the line, record SPSR, clobber the flags. */
static const uint16_t prog_irq_handler[] = {
	0x8201, 0xe3a0, /* 0   mov r8, #0x10000000 */
	0x8000, 0xe588, /* 4   str r8, [r8] */
	0x9000, 0xe14f, /* 8   mrs r9, SPSR */
	0xa001, 0xe3b0, /* c   movs sl, #1 */
	0xf004, 0xe25e, /* 10  subs pc, lr, #4 */
};

static const uint16_t prog_exc[] = {
	0xf240, 0x0000, /* 0   movw r0, #0 */
	0xf2c6, 0x0000, /* 4   movt r0, #0x6000 */
	0xee0c, 0x0f10, /* 8   mcr p15, 0, r0, c12, c0, 0 (VBAR) */
	0x4280,		/* c   cmp r0, r0 */
	0xbf04,		/* e   itt eq */
	0xdf42,		/* 10  svceq 66 */
	0x2101,		/* 12  moveq r1, #1 */
	0xde07,		/* 14  udf #7 */
	0xf7f0, 0xa123, /* 16  udf.w #291 */
	0x2203,		/* 1a  movs r2, #3 */
	0xe9d6, 0x4500, /* 1c  ldrd r4, r5, [r6] */
	0xe7fe,		/* 20  b . */
};

/* SVC handler (A32): record SPSR and LR, return. */
static const uint16_t prog_svc_handler[] = {
	0x9000, 0xe14f, /* 0   mrs r9, SPSR */
	0xa00e, 0xe1a0, /* 4   mov sl, lr */
	0xf00e, 0xe1b0, /* 8   movs pc, lr */
};

static const uint16_t prog_inter[] = {
	0xf038, 0xe59f, /* 0   ldr pc, lit1 (A32 -> T32) */
	0x1001, 0xe3a0, /* 4   a1: mov r1, #1 */
	0x000d, 0xe28f, /* 8   adr r0, t3 + 1 */
	0xf000, 0xe1a0, /* c   mov pc, r0 (A32 ALU write: interworks) */
	0x2202,		/* 10  t1: movs r2, #2 */
	0xf2af, 0x0010, /* 12  adr r0, a1 */
	0xb401,		/* 16  push {r0} */
	0xbd00,		/* 18  pop {pc} (T32 -> A32) */
	0xbf00,		/* 1a  nop */
	0x2303,		/* 1c  t3: movs r3, #3 */
	0xa001,		/* 1e  adr r0, t4 */
	0x4687,		/* 20  mov pc, r0 (T32: no interworking) */
	0xe7fe,		/* 22  b . */
	0x2404,		/* 24  t4: movs r4, #4 */
	0x2002,		/* 26  movs r0, #2 */
	0x4487,		/* 28  add pc, r0 */
	0xe7fe,		/* 2a  b . */
	0xe7fe,		/* 2c  b . */
	0x2505,		/* 2e  movs r5, #5 */
	0x4804,		/* 30  ldr r0, lit2 */
	0x4780,		/* 32  blx r0 (T32 -> A32) */
	0x2707,		/* 34  movs r7, #7 */
	0xe7fe,		/* 36  b . */
	0xf05f, 0x0909, /* 38  t7: movs.w r9, #9 */
	0x4770,		/* 3c  bx lr */
	0xbf00,		/* 3e  nop */
	0x1011, 0x6000, /* 40  lit1: .word t1 + 1 */
	0x1048, 0x6000, /* 44  lit2: .word a2 */
	0x6006, 0xe3a0, /* 48  a2: mov r6, #6 */
	0xb00e, 0xe1a0, /* 4c  mov fp, lr */
	0xfff8, 0xfaff, /* 50  blx t7 (A32 -> T32) */
	0xff1b, 0xe12f, /* 54  bx fp */
};

static const uint16_t prog_te[] = {
	0x0000, 0xe300, /* 0   movw r0, #0 */
	0x0000, 0xe346, /* 4   movt r0, #0x6000 */
	0x0f10, 0xee0c, /* 8   mcr p15, 0, r0, c12, c0, 0 (VBAR) */
	0x0f10, 0xee11, /* c   mrc p15, 0, r0, c1, c0, 0 */
	0x0101, 0xe380, /* 10  orr r0, r0, #0x40000000 (SCTLR.TE) */
	0x0f10, 0xee01, /* 14  mcr p15, 0, r0, c1, c0, 0 */
	0x0001, 0xef00, /* 18  svc 1 */
};

/* MMU on with the page tables written by mmu_tables(), then to Thumb code
 * at 0x60002ff8 whose last instruction straddles into 0x60003000. */
static const uint16_t prog_mmu[] = {
	0x0000, 0xe304, /* 0   movw r0, #0x4000 */
	0x0000, 0xe346, /* 4   movt r0, #0x6000 */
	0x0f10, 0xee02, /* 8   mcr p15, 0, r0, c2, c0, 0 (TTBR0) */
	0x0000, 0xe3e0, /* c   mvn r0, #0 */
	0x0f10, 0xee03, /* 10  mcr p15, 0, r0, c3, c0, 0 (DACR: managers) */
	0x0000, 0xe300, /* 14  movw r0, #0 */
	0x0000, 0xe346, /* 18  movt r0, #0x6000 */
	0x0f10, 0xee0c, /* 1c  mcr p15, 0, r0, c12, c0, 0 (VBAR) */
	0x0f10, 0xee11, /* 20  mrc p15, 0, r0, c1, c0, 0 */
	0x0001, 0xe380, /* 24  orr r0, r0, #1 */
	0x0f10, 0xee01, /* 28  mcr p15, 0, r0, c1, c0, 0 (SCTLR.M) */
	0x0ff9, 0xe302, /* 2c  movw r0, #0x2ff9 */
	0x0000, 0xe346, /* 30  movt r0, #0x6000 */
	0xff10, 0xe12f, /* 34  bx r0 */
};
static const uint16_t prog_straddle[] = {
	0x2101,		/* 2ff8 movs r1, #1 */
	0x2202,		/* 2ffa movs r2, #2 */
	0xbf00,		/* 2ffc nop */
	0xf241, 0x2334, /* 2ffe movw r3, #0x1234 */
	0xe7fe,		/* 3002 b . */
};

/* A loop whose every iteration runs a T32 instruction straddling 0x60003000. */
static const uint16_t prog_straddle_loop[] = {
	0x2100,		/* 2ff8 movs r1, #0 */
	0x2264,		/* 2ffa movs r2, #100 */
	0x3101,		/* 2ffc adds r1, #1 */
	0xf241, 0x2334, /* 2ffe movw r3, #0x1234 */
	0x3a01,		/* 3002 subs r2, #1 */
	0xd1fa,		/* 3004 bne 2ffc */
	0xe7fe,		/* 3006 b . */
};

static int mmio(void *opaque, gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	(void)opaque;
	(void)size;
	if (write && pa == MMIO_ACK)
		__atomic_store_n(&sh->irq_line, 0, __ATOMIC_RELEASE);
	else if (!write)
		*val = 0;
	return 0;
}

static void setup(void)
{
	ck_assert_int_eq(engine_api_open(&ei, engine_path, RAM_BASE, RAM_SIZE, -1), 0);
	sh = engine_api_shared(ei);
	ram = engine_api_ram(ei);
	engine_api_set_handlers(ei, mmio, NULL, NULL);
}

static void teardown(void)
{
	engine_api_close(ei);
}

static void put(uint32_t pa, uint32_t v)
{
	memcpy(ram + (pa - RAM_BASE), &v, 4);
}

static void put_code(uint32_t pa, const uint16_t *hw, size_t n)
{
	memcpy(ram + (pa - RAM_BASE), hw, 2 * n);
}

#define PUT(pa, prog) put_code((pa), (prog), sizeof(prog) / 2)

/* Vectors `b .`, the program at CODE entered at entry (bit 0: Thumb), SVC
 * mode with A, I and F masked, SP in DATA. */
static void load(const uint16_t *prog, size_t n, uint32_t entry)
{
	memset(ram, 0, 0x10000);
	for (unsigned v = 0; v < 8; v++)
		put(VEC(4 * v), B_SELF);
	put_code(CODE, prog, n);
	memset(&sh->boot, 0, sizeof(sh->boot));
	sh->boot.r[13] = DATA + 0x100;
	sh->boot.r[15] = entry;
	sh->boot.cpsr = 0x1d3;
	sh->irq_line = 0;
	sh->stop_request = 0;
	sh->config.irq_strategy = CAPTIVE_IRQ_PER_BLOCK;
}

#define LOAD(prog, entry) load((prog), sizeof(prog) / 2, (entry))

static int run(uint64_t n)
{
	return engine_api_run(ei, n);
}

static uint32_t mode(void)
{
	return sh->state.cpsr & 0x1fu;
}

/* ITSTATE as the CPSR holds it. */
static uint32_t it_bits(uint32_t it)
{
	return ((it & 0xfcu) << 8) | ((it & 3u) << 25);
}

START_TEST(thumb_program_and_t32_to_a32_calls)
{
	LOAD(prog_basic, CODE);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, CODE + 0x3e);
	ck_assert_uint_eq(sh->stats.insns, 22); /* with one `b .` */
	ck_assert(sh->state.cpsr & CPSR_T);
	ck_assert_uint_eq(sh->state.r[0], CODE + 0x10a); /* +1 in T32, +0x100 in A32 */
	ck_assert_uint_eq(sh->state.r[1], 5);
	ck_assert_uint_eq(sh->state.r[2], 8);
	ck_assert_uint_eq(sh->state.r[3], 32);
	ck_assert_uint_eq(sh->state.r[4], 0x12345678u);
	ck_assert_uint_eq(sh->state.r[5], 0xcafef00du);
	ck_assert_uint_eq(sh->state.r[6], CODE + 0x40);
	ck_assert_uint_eq(sh->state.r[7], 5);
	ck_assert_uint_eq(sh->state.r[8], 8);
	ck_assert_uint_eq(sh->state.r[9], 0);
	ck_assert_uint_eq(sh->state.r[10], DATA + 0x100);
	ck_assert_uint_eq(sh->state.r[11], 0xffffff78u);
	ck_assert_uint_eq(sh->state.r[12], 0x42);
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x2b); /* BLX: next insn | 1 */
}
END_TEST

START_TEST(it_blocks)
{
	LOAD(prog_it, CODE | 1);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, CODE + 0x24);
	ck_assert_uint_eq(sh->stats.insns, 17); /* with one `b .` */
	ck_assert_uint_eq(sh->state.r[1], 2);
	ck_assert_uint_eq(sh->state.r[2], 7);
	ck_assert_uint_eq(sh->state.r[3], 0); /* MOVS inside IT set no flags */
	ck_assert_uint_eq(sh->state.r[4], 0x102);
	ck_assert_uint_eq(sh->state.r[5], 5); /* CMP inside IT does */
	ck_assert_uint_eq(sh->state.r[6], 0);
	ck_assert_uint_eq(sh->state.r[7], 0);
	ck_assert_uint_eq(sh->state.r[8], 8); /* BNE not taken */
	ck_assert_uint_eq(sh->state.cpsr & CPSR_ITBITS, 0);
}
END_TEST

/* The IRQ is taken after the first instruction of an ITETE block; the
 * handler clobbers the flags and returns into the block, whose ITSTATE and
 * flags come back from the SPSR. */
START_TEST(irq_inside_it_block)
{
	LOAD(prog_irq, CODE);
	PUT(VEC(0x18), prog_irq_handler);
	sh->config.irq_strategy = (uint32_t)_i;
	sh->irq_line = 1;
	ck_assert_int_eq(run(21), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->stats.irqs_taken, 1);
	ck_assert_uint_eq(sh->state.banked_lr[BANK_IRQ], CODE + 0x26 + 4);
	ck_assert_uint_eq(sh->state.r[9] & (CPSR_ITBITS | CPSR_T | 0x1fu),
			  it_bits(0x16) | CPSR_T | MODE_SVC);
	ck_assert_uint_eq(sh->state.r[1], 0);
	ck_assert_uint_eq(sh->state.r[2], 2);
	ck_assert_uint_eq(sh->state.r[3], 0);
	ck_assert_uint_eq(sh->state.r[4], 4);
	ck_assert_uint_eq(sh->state.r[15], CODE + 0x2e);
	ck_assert_uint_eq(mode(), MODE_SVC);
	ck_assert_uint_eq(sh->state.cpsr & (CPSR_ITBITS | CPSR_T), CPSR_T);
}
END_TEST

/* SVC inside an IT block: LR is the next instruction, SPSR has the next
 * instruction's ITSTATE and T, and the block goes on after the return. */
START_TEST(svc_in_it_block)
{
	LOAD(prog_exc, CODE | 1);
	PUT(VEC(0x08), prog_svc_handler);
	ck_assert_int_eq(run(10), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(sh->stats.svcs, 1);
	ck_assert_uint_eq(sh->state.r[10], CODE + 0x12);
	ck_assert_uint_eq(sh->state.r[9] & (CPSR_ITBITS | CPSR_T), it_bits(0x08) | CPSR_T);
	ck_assert_uint_eq(sh->state.r[1], 1);
	ck_assert_uint_eq(sh->state.r[15], CODE + 0x14);
	ck_assert_uint_eq(sh->state.cpsr & CPSR_ITBITS, 0);
}
END_TEST

START_TEST(udf_16_and_32)
{
	LOAD(prog_exc, (CODE + 0x14) | 1);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->state.r[15], 0x04); /* VBAR 0 */
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x14 + 2);
	ck_assert(sh->state.spsr & CPSR_T);
	ck_assert(!(sh->state.cpsr & CPSR_T));

	LOAD(prog_exc, (CODE + 0x16) | 1);
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_UND);
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x16 + 2); /* PC - 2, as TakeUndefInstrException */
	ck_assert_uint_eq(sh->stats.undef_insns, 1);
}
END_TEST

START_TEST(data_abort_from_thumb)
{
	LOAD(prog_exc, (CODE + 0x1c) | 1);
	sh->boot.r[6] = DATA + 2;
	sh->boot.r[4] = 0x44;
	ck_assert_int_eq(run(1), CAPTIVE_STOP_INSN_LIMIT);
	ck_assert_uint_eq(mode(), MODE_ABT);
	ck_assert_uint_eq(sh->state.r[15], 0x10);
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x1c + 8);
	ck_assert_uint_eq(sh->state.dfsr, 0x001u);
	ck_assert_uint_eq(sh->state.dfar, DATA + 2);
	ck_assert_uint_eq(sh->state.banked_sp[3], DATA + 0x100);
	ck_assert(sh->state.spsr & CPSR_T);
	ck_assert_uint_eq(sh->state.r[4], 0x44); /* nothing loaded */
}
END_TEST

/* A conditional instruction inside an IT block may not write the flags,
 * so it must not make an earlier instruction's flag writes dead: here the
 * CMPEQ is skipped and MRS reads the first CMP's N. */
static const uint16_t prog_it_flags[] = {
	0x2001,		/* 0   movs r0, #1 */
	0x2802,		/* 2   cmp r0, #2 (N) */
	0xbf08,		/* 4   it eq */
	0x2800,		/* 6   cmpeq r0, #0 (skipped) */
	0xf3ef, 0x8100, /* 8   mrs r1, apsr */
	0xe7fe,		/* c   b . */
};

START_TEST(it_block_keeps_earlier_flags)
{
	LOAD(prog_it_flags, CODE | 1);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->state.r[1] >> 28, 0x8); /* N, not Z C V */
}
END_TEST

/* An ITETE block whose third instruction, LDRD at an unaligned address,
 * takes a data abort: the SPSR holds that instruction's ITSTATE (translated
 * code writes ITSTATE only where it is read: this checks it is written
 * before the abort), the instructions before it ran under their conditions,
 * and the one after did not run. */
static const uint16_t prog_it_abort[] = {
	0xf240, 0x0000, /* 0   movw r0, #0 */
	0xf2c6, 0x0000, /* 4   movt r0, #0x6000 */
	0xee0c, 0x0f10, /* 8   mcr p15, 0, r0, c12, c0, 0 (VBAR) */
	0x4280,		/* c   cmp r0, r0 */
	0xbf0b,		/* e   itete eq */
	0x2101,		/* 10  moveq r1, #1 */
	0x2202,		/* 12  movne r2, #2 */
	0xe9d6, 0x4500, /* 14  ldrdeq r4, r5, [r6] */
	0x2303,		/* 18  movne r3, #3 */
	0xe7fe,		/* 1a  b . */
};

START_TEST(data_abort_inside_it_block)
{
	static const uint16_t hang[] = { 0xfffe, 0xeaff /* b . (A32) */ };

	LOAD(prog_it_abort, CODE | 1);
	PUT(VEC(0x10), hang);
	sh->boot.r[6] = DATA + 2;
	sh->boot.r[4] = 0x44;
	/* no instruction limit: the block runs whole, as translated */
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(mode(), MODE_ABT);
	ck_assert_uint_eq(sh->exit.pc, VEC(0x10));
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x14 + 8);
	ck_assert_uint_eq(sh->state.spsr & (CPSR_ITBITS | CPSR_T), it_bits(0x0c) | CPSR_T);
	ck_assert_uint_eq(sh->state.cpsr & CPSR_ITBITS, 0);
	ck_assert_uint_eq(sh->state.r[1], 1);
	ck_assert_uint_eq(sh->state.r[2], 0);
	ck_assert_uint_eq(sh->state.r[3], 0);
	ck_assert_uint_eq(sh->state.r[4], 0x44);
}
END_TEST

START_TEST(interworking)
{
	LOAD(prog_inter, CODE);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, CODE + 0x36);
	ck_assert_uint_eq(sh->stats.insns, 25); /* with one `b .` */
	ck_assert(sh->state.cpsr & CPSR_T);
	for (unsigned r = 1; r <= 7; r++)
		ck_assert_msg(sh->state.r[r] == r, "r%u = %u", r, sh->state.r[r]);
	ck_assert_uint_eq(sh->state.r[9], 9);
	ck_assert_uint_eq(sh->state.r[13], DATA + 0x100);
}
END_TEST

START_TEST(thumb_exception_entry)
{
	static const uint16_t vec[] = { 0x2555 /* movs r5, #0x55 */, 0xe7fe /* b . */ };

	LOAD(prog_te, CODE);
	PUT(VEC(0x08), vec);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, VEC(0x0a));
	ck_assert_uint_eq(sh->state.r[5], 0x55);
	ck_assert(sh->state.cpsr & CPSR_T);
	ck_assert(!(sh->state.spsr & CPSR_T));
	ck_assert_uint_eq(sh->state.r[14], CODE + 0x1c);
}
END_TEST

/* Identity map of 0x60000000..0x600fffff in 4 KiB pages, without
 * 0x60003000 unless map_third. */
static void mmu_tables(bool map_third)
{
	put(0x60004000u + 0x600 * 4, 0x60008000u | 1u);
	for (uint32_t k = 0; k < 256; k++)
		put(0x60008000u + 4 * k, (k == 3 && !map_third) ? 0 : (0x60000000u + (k << 12)) | 0x32u);
}

START_TEST(straddling_insn_second_page_unmapped)
{
	LOAD(prog_mmu, CODE);
	PUT(0x60002ff8u, prog_straddle);
	mmu_tables(false);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, VEC(0x0c));
	ck_assert_uint_eq(mode(), MODE_ABT);
	ck_assert_uint_eq(sh->state.ifar, 0x60003000u);
	ck_assert_uint_eq(sh->state.ifsr & 0x40fu, 0x7u); /* translation fault, page */
	ck_assert_uint_eq(sh->state.r[14], 0x60002ffeu + 4);
	ck_assert(sh->state.spsr & CPSR_T);
	ck_assert_uint_eq(sh->state.r[1], 1);
	ck_assert_uint_eq(sh->state.r[2], 2);
	ck_assert_uint_eq(sh->state.r[3], 0);
	ck_assert_uint_eq(sh->stats.prefetch_aborts, 1);
}
END_TEST

START_TEST(straddling_insn_both_pages_mapped)
{
	LOAD(prog_mmu, CODE);
	PUT(0x60002ff8u, prog_straddle);
	mmu_tables(true);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, 0x60003002u);
	ck_assert_uint_eq(sh->state.r[3], 0x1234u);
	ck_assert_uint_eq(sh->stats.prefetch_aborts, 0);
}
END_TEST

/* The straddling instruction is decoded (and, under the JIT, translated)
 * once, not once per iteration. */
START_TEST(straddling_insn_in_a_loop)
{
	LOAD(prog_mmu, CODE);
	PUT(0x60002ff8u, prog_straddle_loop);
	mmu_tables(true);
	ck_assert_int_eq(run(0), CAPTIVE_STOP_HUNG);
	ck_assert_uint_eq(sh->exit.pc, 0x60003006u);
	ck_assert_uint_eq(sh->state.r[1], 100);
	ck_assert_uint_eq(sh->state.r[2], 0);
	ck_assert_uint_eq(sh->state.r[3], 0x1234u);
	ck_assert_uint_lt(sh->stats.decode_cache_misses, 40);
}
END_TEST

static Suite *t32_suite(void)
{
	Suite *s = suite_create("engine-t32");
	TCase *tc = tcase_create("decode");
	tcase_add_test(tc, sixteen_bit_space);
	tcase_add_loop_test(tc, valid_16, 0, (int)(sizeof(valid16) / sizeof(valid16[0])));
	tcase_add_loop_test(tc, valid_32, 0, (int)(sizeof(valid32) / sizeof(valid32[0])));
	tcase_add_loop_test(tc, undefined_32, 0, (int)(sizeof(undefined32) / sizeof(undefined32[0])));
	tcase_add_test(tc, fields);
	tcase_add_test(tc, it_drops_flag_setting);
	suite_add_tcase(s, tc);

	tc = tcase_create("execute");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, thumb_program_and_t32_to_a32_calls);
	tcase_add_test(tc, it_blocks);
	tcase_add_loop_test(tc, irq_inside_it_block, CAPTIVE_IRQ_PER_INSN, CAPTIVE_IRQ_PER_BLOCK + 1);
	tcase_add_test(tc, svc_in_it_block);
	tcase_add_test(tc, udf_16_and_32);
	tcase_add_test(tc, data_abort_from_thumb);
	tcase_add_test(tc, data_abort_inside_it_block);
	tcase_add_test(tc, it_block_keeps_earlier_flags);
	tcase_add_test(tc, interworking);
	tcase_add_test(tc, thumb_exception_entry);
	tcase_add_test(tc, straddling_insn_second_page_unmapped);
	tcase_add_test(tc, straddling_insn_both_pages_mapped);
	tcase_add_test(tc, straddling_insn_in_a_loop);
	suite_add_tcase(s, tc);
	return s;
}

/* build/tests/test_engine_t32-<mmu>-<exec> tests build/engine/process/<mmu>-<exec>.so */
int main(int argc, char **argv)
{
	if (check_engine_path(argc > 0 ? argv[0] : NULL, "test_engine_t32", engine_path,
			      sizeof(engine_path)))
		return EXIT_FAILURE;
	return check_run_suite(t32_suite());
}
