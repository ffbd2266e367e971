/*
 * svc: a system call as an OS takes one. SVC from SYS mode through the
 * runtime's stub (registers saved, C dispatch) to a handler that decodes the
 * SVC number from the instruction and returns a value in r0.
 */
#include "mech.h"

static void on_svc(struct rt_frame *f)
{
	uint32_t num = *(const uint32_t *)f->pc & 0x00FFFFFFu;

	f->r[0] = mech_mix(f->r[0], num);
	f->pc += 4;
}

int main(void)
{
	uint32_t n = MECH_N(2000000), sum;

	rt_set_handler(RT_EXC_SVC, on_svc);
	mech_start("svc");
	sum = mech_svc_loop(n);
	mech_end("svc", n, sum);
	return 0;
}
