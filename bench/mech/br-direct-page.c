/* br-direct-page: direct branches (B) whose targets lie in the same 4 KiB page. */
#include "mech.h"

int main(void)
{
	mech_run_passes("br-direct-page", MECH_N(640000000), MECH_BR_SLOTS, mech_br_direct_page_loop);
	return 0;
}
