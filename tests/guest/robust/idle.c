/*
 * Says it runs, then idles in WFI until the run is stopped: a captive that
 * holds its disk open for as long as a test needs (the lock tests).
 */
#include "rt.h"

int main(void)
{
	rt_puts("idle: running\n");
	for (;;)
		__asm__ volatile("wfi");
}
