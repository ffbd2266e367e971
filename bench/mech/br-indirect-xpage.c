/*
 * br-indirect-xpage: indirect branches (BX LR, POP {pc}, LDR pc, MOV pc in
 * turn) whose targets lie in another 4 KiB page.
 */
#include "mech.h"

int main(void)
{
	mech_run_passes("br-indirect-xpage", MECH_N(44800000), MECH_BR_SLOTS,
			mech_br_indirect_xpage_loop);
	return 0;
}
