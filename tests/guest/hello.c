/*
 * The smallest program: a greeting, then power-off. It needs only loads,
 * stores, branches and the UART, so it is the first thing to run on a new
 * engine.
 */
#include "rt.h"

int main(void)
{
	rt_puts("Hello from the vexpress-a9 guest!\n");
	return 0;
}
