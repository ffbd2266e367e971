/*
 * A32 decoder suite: the class every encoding falls in (executed, UNDEFINED
 * on a Cortex-A9, valid but not implemented) and the fields the semantics
 * read; and the engine runtime's memcpy, memset and memmove. Linked against
 * an engine build's static library, so it calls the decoder directly.
 * Encodings come from arm-none-eabi-as
 * (-march=armv7-a -mcpu=cortex-a9); the comments give the source.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arm/decode.h"

static struct arm_insn dec(uint32_t raw)
{
	struct arm_insn d;
	arm_decode_a32(raw, &d);
	return d;
}

struct class_case {
	uint32_t raw;
	uint8_t op;
	const char *text;
};

/* Encodings that execute, with the op they decode to. */
static const struct class_case valid[] = {
	{ 0xe28214ffu, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_IMM, 0), "add r1, r2, #0xff000000" },
	{ 0xe0921283u, ARM_DP_OP(ARM_DP_ADD, ARM_FORM_SHI, 1), "adds r1, r2, r3, lsl #5" },
	{ 0xe25ef004u, ARM_DP_OP(ARM_DP_SUB, ARM_FORM_IMM, 1), "subs pc, lr, #4" },
	{ 0xe1a00271u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_SHR, 0), "mov r0, r1, ror r2" },
	{ 0xe1b03064u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_SHI, 1), "movs r3, r4, rrx" },
	{ 0xe1a01002u, ARM_DP_OP(ARM_DP_MOV, ARM_FORM_REG, 0), "mov r1, r2" },
	{ 0xe3550001u, ARM_DP_OP(ARM_DP_CMP, ARM_FORM_IMM, 1), "cmp r5, #1" },
	{ 0xe5310008u, ARM_OP_LDR_I, "ldr r0, [r1, #-8]!" },
	{ 0xe6932104u, ARM_OP_LDR_R, "ldr r2, [r3], r4, lsl #2" },
	{ 0xe5c65003u, ARM_OP_STRB_I, "strb r5, [r6, #3]" },
	{ 0xe15100b6u, ARM_OP_LDRH_I, "ldrh r0, [r1, #-6]" },
	{ 0xe19320d4u, ARM_OP_LDRSB_R, "ldrsb r2, [r3, r4]" },
	{ 0xe1e640d8u, ARM_OP_LDRD_I, "ldrd r4, r5, [r6, #8]!" },
	{ 0xe04201f0u, ARM_OP_STRD_I, "strd r0, r1, [r2], #-16" },
	{ 0xe4b10004u, ARM_OP_LDR_I, "ldrt r0, [r1], #4" },
	{ 0xe8b08006u, ARM_OP_LDM, "ldm r0!, {r1, r2, pc}" },
	{ 0xe92d4ff0u, ARM_OP_STM, "push {r4-r11, lr}" },
	{ 0xe8dd000fu, ARM_OP_LDM, "ldm sp, {r0-r3}^" },
	{ 0xeb00003eu, ARM_OP_BL, "bl .+0x100" },
	{ 0xfa00007eu, ARM_OP_BLX_IMM, "blx .+0x200" },
	{ 0xe12fff1eu, ARM_OP_BX, "bx lr" },
	{ 0xe12fff33u, ARM_OP_BLX_REG, "blx r3" },
	{ 0xe16f0f11u, ARM_OP_CLZ, "clz r0, r1" },
	{ 0xe6bf2f33u, ARM_OP_REV, "rev r2, r3" },
	{ 0xe6ff0f31u, ARM_OP_RBIT, "rbit r0, r1" },
	{ 0xe6e10472u, ARM_OP_UXTB, "uxtab r0, r1, r2, ror #8" },
	{ 0xe6bf3074u, ARM_OP_SXTH, "sxth r3, r4" },
	{ 0xe7eb0251u, ARM_OP_UBFX, "ubfx r0, r1, #4, #12" },
	{ 0xe7cb2413u, ARM_OP_BFI, "bfi r2, r3, #8, #4" },
	{ 0xe7cf401fu, ARM_OP_BFC, "bfc r4, #0, #16" },
	{ 0xe3015234u, ARM_OP_MOVW, "movw r5, #0x1234" },
	{ 0xe34a6bcdu, ARM_OP_MOVT, "movt r6, #0xabcd" },
	{ 0xef123456u, ARM_OP_SVC, "svc #0x123456" },
	{ 0xe1212374u, ARM_OP_BKPT, "bkpt #0x1234" },
	{ 0xe14f0000u, ARM_OP_MRS, "mrs r0, spsr" },
	{ 0xe129f001u, ARM_OP_MSR_REG, "msr cpsr_fc, r1" },
	{ 0xe328f20fu, ARM_OP_MSR_IMM, "msr cpsr_f, #0xf0000000" },
	{ 0xf10c00c0u, ARM_OP_CPS, "cpsid if" },
	{ 0xf10a0093u, ARM_OP_CPS, "cpsie i, #0x13" },
	{ 0xee110f10u, ARM_OP_MRC, "mrc p15, 0, r0, c1, c0, 0" },
	{ 0xee081f17u, ARM_OP_MCR, "mcr p15, 0, r1, c8, c7, 0" },
	{ 0xe320f003u, ARM_OP_WFI, "wfi" },
	{ 0xe320f000u, ARM_OP_NOP, "nop" },
	{ 0xe320f002u, ARM_OP_NOP, "wfe" },
	{ 0xf57ff05fu, ARM_OP_NOP, "dmb sy" },
	{ 0xf57ff06fu, ARM_OP_SYNC, "isb sy" },
	{ 0xf5d0f004u, ARM_OP_NOP, "pld [r0, #4]" },
	{ 0xf57ff01fu, ARM_OP_CLREX, "clrex" },
	{ 0xe1910f9fu, ARM_OP_LDREX, "ldrex r0, [r1]" },
	{ 0xe1a32f94u, ARM_OP_STREX, "strexd r2, r4, r5, [r3]" },
	{ 0xf96d0513u, ARM_OP_SRS, "srsdb sp!, #0x13" },
	{ 0xf8b00a00u, ARM_OP_RFE, "rfeia r0!" },
	{ 0xe1020091u, ARM_OP_SWP, "swp r0, r1, [r2]" },
	{ 0xe6a70211u, ARM_OP_SSAT, "ssat r0, #8, r1, lsl #4" },
	{ 0xe6e72153u, ARM_OP_USAT, "usat r2, #7, r3, asr #2" },
	{ 0xe1420051u, ARM_OP_QDADD, "qdadd r0, r1, r2" },
	{ 0xe6810fb2u, ARM_OP_SEL, "sel r0, r1, r2" },
	{ 0xe6810852u, ARM_OP_PKH, "pkhtb r0, r1, r2, asr #16" },
	{ 0xe10032c1u, ARM_OP_SMLAXY, "smlabt r0, r1, r2, r3" },
	{ 0xe12002a1u, ARM_OP_SMULWY, "smulwb r0, r1, r2" },
	{ 0xe1410382u, ARM_OP_SMLALXY, "smlalbb r0, r1, r2, r3" },
	{ 0xe0410392u, ARM_OP_UMAAL, "umaal r0, r1, r2, r3" },
	{ 0xe0603291u, ARM_OP_MLS, "mls r0, r1, r2, r3" },
	{ 0xee300a81u, ARM_OP_VFP_DP, "vadd.f32 s0, s1, s2" },
	{ 0xed900a01u, ARM_OP_VFP_LDST, "vldr s0, [r0, #4]" },
	{ 0xeef10a10u, ARM_OP_VFP_XFER, "vmrs r0, fpscr" },
	{ 0xf1010000u, ARM_OP_SETEND, "setend le" },
	{ 0xf1010200u, ARM_OP_SETEND, "setend be" },
	{ 0xe6100f10u, ARM_OP_PAR, "sadd16 r0, r0, r0" },
	{ 0xe6500f90u, ARM_OP_PAR, "uadd8 r0, r0, r0" },
	{ 0xe7000010u, ARM_OP_DMUL, "smlad r0, r0, r0, r0" },
	{ 0xe750f010u, ARM_OP_DMUL, "smmul r0, r0, r0" },
	{ 0xe780f010u, ARM_OP_USAD8, "usad8 r0, r0, r0" },
	{ 0xee100e10u, ARM_OP_MRC, "mrc p14, 0, r0, c0, c0, 0 (DBGDIDR)" },
};

/* UNDEFINED on a Cortex-A9 (no Security, Virtualization, divide or NEON). */
static const struct class_case undefined[] = {
	{ 0xe7f001f1u, ARM_OP_UNDEF, "udf #1" },
	{ 0xe710f011u, ARM_OP_UNDEF, "sdiv r0, r1, r0" },
	{ 0xe730f011u, ARM_OP_UNDEF, "udiv r0, r1, r0" },
	{ 0xe1600070u, ARM_OP_UNDEF, "smc #0" },
	{ 0xe1400070u, ARM_OP_UNDEF, "hvc #0" },
	{ 0xe160006eu, ARM_OP_UNDEF, "eret" },
	{ 0xe10f0200u, ARM_OP_UNDEF, "mrs r0, r8_usr (banked)" },
	{ 0xeed00e10u, ARM_OP_UNDEF, "mrc p14, 6, r0, c0, c0, 0 (ThumbEE: absent)" },
	{ 0xeef00e10u, ARM_OP_UNDEF, "mrc p14, 7, r0, c0, c0, 0 (Jazelle: absent)" },
	{ 0xec410f20u, ARM_OP_UNDEF, "mcrr p15, 2, r0, r1, c0" },
	{ 0xfe000f10u, ARM_OP_UNDEF, "mcr2 p15, 0, r0, c0, c0, 0" },
	{ 0xf2000800u, ARM_OP_UNDEF, "vadd.i8 d0, d0, d0 (NEON off)" },
	{ 0xf4200000u, ARM_OP_UNDEF, "vst4.8 {d0-d3}, [r0] (NEON off)" },
	{ 0xe0500090u, ARM_OP_UNDEF, "multiply op 0101" },
	{ 0xe1c010d0u, ARM_OP_UNDEF, "ldrd r1, r2, [r0] (odd Rt)" },
	{ 0xe8900000u, ARM_OP_UNDEF, "ldm r0, {} (empty list)" },
	{ 0xe300f000u, ARM_OP_UNDEF, "movw pc, #0" },
	{ 0xe7c00091u, ARM_OP_UNDEF, "bfi r0, r1 with msb 0 < lsb 1" },
	{ 0xe6000f30u, ARM_OP_UNDEF, "parallel add/subtract op2 001, op1 000" },
	{ 0xe670ff10u, ARM_OP_UNDEF, "parallel add/subtract with Rd = pc (uadd16 pc, ...)" },
	{ 0xe7500050u, ARM_OP_UNDEF, "smmla op2 010 (unallocated)" },
	{ 0xe7800030u, ARM_OP_UNDEF, "usad8 op2 001 (unallocated)" },
};

START_TEST(valid_encodings_decode_to_their_op)
{
	const struct class_case *c = &valid[_i];
	struct arm_insn d = dec(c->raw);
	ck_assert_msg(d.op == c->op, "%s (0x%08x): op %u, expected %u", c->text, c->raw, d.op, c->op);
	ck_assert_uint_eq(d.raw, c->raw);
}
END_TEST

START_TEST(undefined_encodings_are_undef)
{
	const struct class_case *c = &undefined[_i];
	struct arm_insn d = dec(c->raw);
	ck_assert_msg(d.op == ARM_OP_UNDEF, "%s (0x%08x): op %u, expected UNDEF", c->text, c->raw, d.op);
}
END_TEST

START_TEST(condition_field)
{
	ck_assert_uint_eq(dec(0x03a00001u).cond, 0);		   /* moveq r0, #1 */
	ck_assert_uint_eq(dec(0xc3a00001u).cond, 0xc);		   /* movgt r0, #1 */
	ck_assert_uint_eq(dec(0xf57ff05fu).cond, ARM_COND_AL);	   /* dmb: unconditional space */
	ck_assert_uint_eq(dec(0x01212374u).cond, ARM_COND_AL);	   /* bkpt with cond 0: runs anyway */
	ck_assert_uint_eq(dec(0x07f001f1u).cond, 0);		   /* udfeq: condition kept */
}
END_TEST

START_TEST(data_processing_fields)
{
	struct arm_insn d = dec(0xe28214ffu); /* add r1, r2, #0xff000000 */
	ck_assert_uint_eq(d.rd, 1);
	ck_assert_uint_eq(d.rn, 2);
	ck_assert_uint_eq(d.imm, 0xff000000u);
	ck_assert(d.flags & ARM_F_X); /* rotated: a logical S op would set C */

	d = dec(0xe0921283u); /* adds r1, r2, r3, lsl #5 */
	ck_assert_uint_eq(d.rm, 3);
	ck_assert_uint_eq(d.shift, ARM_SHIFT(ARM_SHIFT_LSL, 5));
	ck_assert(d.flags & ARM_F_S);

	d = dec(0xe1b06025u); /* lsrs r6, r5, #32 */
	ck_assert_uint_eq(d.shift, ARM_SHIFT(ARM_SHIFT_LSR, 32));

	d = dec(0xe1b03064u); /* rrxs r3, r4 */
	ck_assert_uint_eq(d.shift, ARM_SHIFT(ARM_SHIFT_ROR, 0));

	d = dec(0xe1a00271u); /* mov r0, r1, ror r2 */
	ck_assert_uint_eq(d.rm, 1);
	ck_assert_uint_eq(d.rs, 2);
	ck_assert_uint_eq(ARM_SHIFT_TYPE(d.shift), ARM_SHIFT_ROR);

	d = dec(0xe3550001u); /* cmp r5, #1: no destination */
	ck_assert_uint_eq(d.rd, 0);
	ck_assert_uint_eq(d.rn, 5);
}
END_TEST

START_TEST(load_store_fields)
{
	struct arm_insn d = dec(0xe5310008u); /* ldr r0, [r1, #-8]! */
	ck_assert_uint_eq(d.rd, 0);
	ck_assert_uint_eq(d.rn, 1);
	ck_assert_uint_eq(d.imm, 8);
	ck_assert_uint_eq(d.flags & (ARM_F_P | ARM_F_U | ARM_F_W | ARM_F_USER), ARM_F_P | ARM_F_W);

	d = dec(0xe6932104u); /* ldr r2, [r3], r4, lsl #2: post-indexed writes back */
	ck_assert_uint_eq(d.rm, 4);
	ck_assert_uint_eq(d.shift, ARM_SHIFT(ARM_SHIFT_LSL, 2));
	ck_assert_uint_eq(d.flags & (ARM_F_P | ARM_F_U | ARM_F_W), ARM_F_U | ARM_F_W);

	d = dec(0xe4b10004u); /* ldrt r0, [r1], #4 */
	ck_assert(d.flags & ARM_F_USER);

	d = dec(0xe1e640d8u); /* ldrd r4, r5, [r6, #8]! */
	ck_assert_uint_eq(d.rd, 4);
	ck_assert_uint_eq(d.rs, 5);
	ck_assert_uint_eq(d.imm, 8);

	d = dec(0xe92d4ff0u); /* push {r4-r11, lr} */
	ck_assert_uint_eq(d.rn, 13);
	ck_assert_uint_eq(d.imm, 0x4ff0u);
	ck_assert_uint_eq(d.flags & (ARM_F_P | ARM_F_U | ARM_F_W), ARM_F_P | ARM_F_W);

	d = dec(0xe8dd000fu); /* ldm sp, {r0-r3}^ */
	ck_assert(d.flags & ARM_F_USER);
}
END_TEST

START_TEST(branch_and_misc_fields)
{
	ck_assert_uint_eq(dec(0xeb00003eu).imm, 0xf8u);	   /* bl: PC(+8) + 0xf8 */
	ck_assert_uint_eq(dec(0xeafffffeu).imm, (uint32_t)-8); /* b . */
	ck_assert_uint_eq(dec(0xfa00007eu).imm, 0x1f8u);
	ck_assert_uint_eq(dec(0xfb00007eu).imm, 0x1fau);	   /* blx with H set */
	ck_assert_uint_eq(dec(0xef123456u).imm, 0x123456u);
	ck_assert_uint_eq(dec(0xe1212374u).imm, 0x1234u);

	struct arm_insn d = dec(0xe7eb0251u); /* ubfx r0, r1, #4, #12 */
	ck_assert_uint_eq(d.shift, 4);
	ck_assert_uint_eq(d.imm, 12);
	d = dec(0xe7cb2413u); /* bfi r2, r3, #8, #4: msb 11 */
	ck_assert_uint_eq(d.shift, 8);
	ck_assert_uint_eq(d.imm, 11);
	ck_assert_uint_eq(d.rn, 3);
	d = dec(0xe6e10472u); /* uxtab r0, r1, r2, ror #8 */
	ck_assert_uint_eq(d.rn, 1);
	ck_assert_uint_eq(d.rm, 2);
	ck_assert_uint_eq(d.shift, 8);
	ck_assert_uint_eq(dec(0xe6bf3074u).rn, 15); /* sxth: no accumulate */
	d = dec(0xe6a70211u); /* ssat r0, #8, r1, lsl #4 */
	ck_assert_uint_eq(d.imm, 8);
	ck_assert_uint_eq(d.rn, 1);
	ck_assert_uint_eq(d.shift, ARM_SHIFT(ARM_SHIFT_LSL, 4));
	ck_assert_uint_eq(dec(0xe6e72153u).imm, 7); /* usat r2, #7 */
	d = dec(0xe1a32f94u); /* strexd r2, r4, r5, [r3] */
	ck_assert_uint_eq(d.rs, 2);
	ck_assert_uint_eq(d.rd, 4);
	ck_assert_uint_eq(d.rm, 5);
	ck_assert_uint_eq(d.rn, 3);
	ck_assert_uint_eq(d.shift, 8);
	d = dec(0xe0410392u); /* umaal r0, r1, r2, r3: rd = RdLo, rs = RdHi */
	ck_assert_uint_eq(d.rd, 0);
	ck_assert_uint_eq(d.rs, 1);
	ck_assert_uint_eq(d.rn, 2);
	ck_assert_uint_eq(d.rm, 3);
	d = dec(0xe129f001u); /* msr cpsr_fc, r1 */
	ck_assert_uint_eq(d.shift, 0x9);
	ck_assert(!(d.flags & ARM_F_X));
	ck_assert(dec(0xe14f0000u).flags & ARM_F_X); /* mrs r0, spsr */
	d = dec(0xf10a0093u); /* cpsie i, #0x13 */
	ck_assert_uint_eq(d.imm, 0x80u | 0x13u);
	ck_assert_uint_eq(d.shift, 2);
	ck_assert(d.flags & ARM_F_X);
}
END_TEST

/* Every one of the 2^32 encodings has a class; sample them all cheaply.
 * The checks run outside ck_assert: Check records every assertion through a
 * pipe, and five million of them outlast the test timeout. */
START_TEST(every_encoding_decodes)
{
	uint32_t x = 0x12345678u;
	for (unsigned k = 0; k < 1000000; k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		struct arm_insn d = dec(x);
		bool vfp = d.op == ARM_OP_VFP_DP || d.op == ARM_OP_VFP_LDST || d.op == ARM_OP_VFP_XFER;
		/* VFP records hold S/D register numbers (0..31) and counts. */
		unsigned regs = vfp ? (d.rd | d.rn | d.rm) : (d.rd | d.rn | d.rm | d.rs);
		if (d.op == ARM_OP_NONE || d.op >= ARM_OP_COUNT || d.cond > ARM_COND_AL || regs > (vfp ? 31u : 15u))
			ck_abort_msg("0x%08x -> op %u cond %u regs 0x%x", x, d.op, d.cond, regs);
	}
}
END_TEST

/*
 * The engine's own memcpy, memset and memmove (engine/core/rt.c; the test
 * binary links them, so these pointers are theirs): every length to 200,
 * every alignment of either side to 8, overlaps both ways, against byte
 * loops; the bytes around the destination untouched.
 */
static void *(*volatile rt_memcpy)(void *, const void *, size_t) = memcpy;
static void *(*volatile rt_memset)(void *, int, size_t) = memset;
static void *(*volatile rt_memmove)(void *, const void *, size_t) = memmove;

START_TEST(engine_memory_helpers)
{
	uint8_t src[256], dst[256], want[256];

	for (unsigned k = 0; k < sizeof(src); k++)
		src[k] = (uint8_t)(k * 7 + 3);
	for (unsigned n = 0; n <= 200; n++)
		for (unsigned so = 0; so < 8; so++)
			for (unsigned d = 0; d < 8; d++) {
				for (unsigned k = 0; k < sizeof(dst); k++)
					dst[k] = want[k] = 0xaa;
				for (unsigned k = 0; k < n; k++)
					want[8 + d + k] = src[so + k];
				ck_assert_ptr_eq(rt_memcpy(dst + 8 + d, src + so, n), dst + 8 + d);
				if (memcmp(dst, want, sizeof(dst)))
					ck_abort_msg("memcpy n %u src+%u dst+%u", n, so, d);
				for (unsigned k = 0; k < n; k++)
					want[8 + d + k] = 0x5a;
				ck_assert_ptr_eq(rt_memset(dst + 8 + d, 0x125a, n), dst + 8 + d);
				if (memcmp(dst, want, sizeof(dst)))
					ck_abort_msg("memset n %u dst+%u", n, d);
			}
	for (unsigned n = 0; n <= 200; n++)
		for (int shift = -9; shift <= 9; shift++) {
			for (unsigned k = 0; k < sizeof(dst); k++)
				dst[k] = want[k] = (uint8_t)(k * 13 + 1);
			for (unsigned k = 0; k < n; k++)
				want[20 + shift + (int)k] = dst[20 + k];
			ck_assert_ptr_eq(rt_memmove(dst + 20 + shift, dst + 20, n), dst + 20 + shift);
			if (memcmp(dst, want, sizeof(dst)))
				ck_abort_msg("memmove n %u shift %d", n, shift);
		}
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("engine-decode");
	TCase *tc = tcase_create("a32");
	tcase_add_loop_test(tc, valid_encodings_decode_to_their_op, 0, (int)CAPTIVE_ARRAY_SIZE(valid));
	tcase_add_loop_test(tc, undefined_encodings_are_undef, 0, (int)CAPTIVE_ARRAY_SIZE(undefined));
	tcase_add_test(tc, condition_field);
	tcase_add_test(tc, data_processing_fields);
	tcase_add_test(tc, load_store_fields);
	tcase_add_test(tc, branch_and_misc_fields);
	tcase_add_test(tc, every_encoding_decodes);
	suite_add_tcase(s, tc);
	tc = tcase_create("runtime");
	tcase_add_test(tc, engine_memory_helpers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
