/*
 * undef: an undefined instruction (UDF) that the handler emulates by
 * skipping it and returning a value in r0, as a kernel emulating an
 * instruction the CPU lacks would.
 */
#include "mech.h"

static void on_und(struct rt_frame *f)
{
	uint32_t insn = *(const uint32_t *)f->pc;

	f->r[0] = mech_mix(f->r[0], insn);
	f->pc += 4;
}

int main(void)
{
	uint32_t n = MECH_N(2000000), sum;

	rt_set_handler(RT_EXC_UND, on_und);
	mech_start("undef");
	sum = mech_undef_loop(n);
	mech_end("undef", n, sum);
	return 0;
}
