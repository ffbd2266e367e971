/*
 * exc-return: exception entry and return at their barest. SVC from SYS mode
 * to a vector that folds one register and returns with MOVS pc, lr: the
 * mode switch, banked registers, SPSR and vector fetch, and nothing else.
 */
#include "mech.h"

int main(void)
{
	uint32_t n = MECH_N(2400000), sum;

	mech_start("exc-return");
	sum = mech_exc_return_loop(n);
	mech_end("exc-return", n, sum);
	return 0;
}
