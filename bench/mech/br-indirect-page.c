/*
 * br-indirect-page: indirect branches (BX LR, POP {pc}, LDR pc, MOV pc in
 * turn) whose targets lie in the same 4 KiB page.
 */
#include "mech.h"

int main(void)
{
	mech_run_passes("br-indirect-page", MECH_N(72000000), MECH_BR_SLOTS,
			mech_br_indirect_page_loop);
	return 0;
}
