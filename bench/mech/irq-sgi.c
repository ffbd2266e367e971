/*
 * irq-sgi: interrupt delivery. A software-generated interrupt sent to this
 * CPU through GICD_SGIR goes distributor -> CPU interface -> IRQ exception;
 * the handler acknowledges it (GICC_IAR), counts it and ends it (GICC_EOIR),
 * and the loop waits for the count before sending the next one.
 */
#include "mech.h"

#define GICC_IAR 0x0Cu
#define GICC_EOIR 0x10u
#define SGI 1u

/*
 * The handler's counters get a page of their own: a store to a page that
 * also holds code is another mechanism (smc-data), not this one's.
 */
static volatile struct {
	uint32_t count, sum;
} st __attribute__((aligned(4096)));

static void on_irq(struct rt_frame *f)
{
	uint32_t iar = rt_read32(RT_GICC_BASE + GICC_IAR);

	(void)f;
	if ((iar & 0x3FFu) == 1023u)
		return;
	st.sum = mech_mix(st.sum, iar);
	st.count++;
	rt_write32(RT_GICC_BASE + GICC_EOIR, iar);
}

int main(void)
{
	uint32_t n = MECH_N(600000), got;

	rt_set_handler(RT_EXC_IRQ, on_irq);
	mech_gic_init(SGI);
	mech_start("irq-sgi");
	got = mech_sgi_loop(n, &st.count);
	mech_end("irq-sgi", got, st.sum);
	return 0;
}
