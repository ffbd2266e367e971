/* br-direct-xpage: direct branches (B) whose targets lie in another 4 KiB page. */
#include "mech.h"

int main(void)
{
	mech_run_passes("br-direct-xpage", MECH_N(48000000), MECH_BR_SLOTS,
			mech_br_direct_xpage_loop);
	return 0;
}
