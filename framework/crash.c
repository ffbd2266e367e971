/* Crash reports (see crash.h). */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "crash.h"

static const char *const crash_mode_names[] = { "usr/sys", "fiq", "irq", "svc", "abt", "und" };

void crash_print_state(const struct captive_arm_state *st, FILE *out)
{
	fprintf(out, "guest state:\n");
	for (int i = 0; i < 16; i++)
		fprintf(out, "  r%-2d %08x%s", i, st->r[i], i % 4 == 3 ? "\n" : "");
	fprintf(out, "  cpsr %08x  spsr %08x\n", st->cpsr, st->spsr);
	for (int m = 0; m < 6; m++)
		fprintf(out, "  %-7s sp %08x lr %08x spsr %08x\n", crash_mode_names[m],
			st->banked_sp[m], st->banked_lr[m], st->banked_spsr[m]);
	fprintf(out, "  sctlr %08x ttbr0 %08x ttbr1 %08x ttbcr %08x dacr %08x contextidr %08x vbar %08x\n",
		st->sctlr, st->ttbr0, st->ttbr1, st->ttbcr, st->dacr, st->contextidr, st->vbar);
	fprintf(out, "  dfsr %08x dfar %08x ifsr %08x ifar %08x\n", st->dfsr, st->dfar, st->ifsr,
		st->ifar);
	fprintf(out, "recent exceptions (oldest first):");
	unsigned n = 0;
	for (unsigned i = 0; i < 8; i++) {
		unsigned k = (st->last_exception_head + i) % 8;
		if (!st->last_exceptions[k] && !st->last_exception_pcs[k])
			continue;
		fprintf(out, "%s vector 0x%02x from pc 0x%08x", n++ ? "," : "", st->last_exceptions[k],
			st->last_exception_pcs[k]);
	}
	fprintf(out, "%s\n", n ? "" : " none");
}

static void crash_backtrace_here(FILE *out)
{
	unw_context_t uc;
	unw_cursor_t cur;
	if (unw_getcontext(&uc) || unw_init_local(&cur, &uc))
		return;
	fprintf(out, "engine backtrace:\n");
	for (int depth = 0; depth < 32 && unw_step(&cur) > 0; depth++) {
		unw_word_t ip, off;
		char name[256];
		unw_get_reg(&cur, UNW_REG_IP, &ip);
		if (unw_get_proc_name(&cur, name, sizeof(name), &off))
			snprintf(name, sizeof(name), "?");
		fprintf(out, "  #%-2d 0x%016lx %s+0x%lx\n", depth, (unsigned long)ip, name,
			(unsigned long)off);
	}
}

void crash_report_engine(struct vm *vm, FILE *out)
{
	const struct captive_exit_info *e = &vm->sh->exit;
	fprintf(out, "captive: engine panic: %.*s (guest pc 0x%08x)\n", CAPTIVE_MSG_BYTES, e->msg,
		e->pc);
	crash_print_state(&vm->sh->state, out);
	if (vm->backend == &backend_process)
		crash_backtrace_here(out);
}
