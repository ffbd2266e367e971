/* Statistics: one list of counters feeds both the summary and the JSON. */
#include <errno.h>
#include <string.h>

#include "auto.h"
#include "config.h"
#include "stats.h"

struct stats_row {
	const char *name;
	uint64_t value;
};

#define STATS_MAX_ROWS (56 + CAPTIVE_NAMED_COUNTERS + 2 * MACHINE_MAX_DEVICES)

/* The engine's named counters (abi.h), names copied and checked: the shared
 * page is the engine's to write, so a name is printed only as [a-z0-9_]. */
static char stats_names[CAPTIVE_NAMED_COUNTERS][CAPTIVE_COUNTER_NAME];

static char *stats_counter_name(const struct captive_named_counter *c, char *out)
{
	unsigned j = 0;

	for (; j + 1 < CAPTIVE_COUNTER_NAME && c->name[j]; j++) {
		char ch = c->name[j];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			return NULL;
		out[j] = ch;
	}
	out[j] = '\0';
	return j ? out : NULL;
}

/* A *_tsc counter's ticks as nanoseconds, renamed *_ns (abi.h), at the rate
 * the counter ran over the run; the name is stats_names' copy. */
static uint64_t stats_tsc_to_ns(const struct vm *vm, char *name, uint64_t ticks)
{
	size_t len = strlen(name);
	if (len < 4 || strcmp(name + len - 4, "_tsc"))
		return ticks;
	strcpy(name + len - 3, "ns");
	const struct vm_stats *h = &vm->stats;
	if (h->end_tsc <= h->start_tsc)
		return 0;
	return (uint64_t)((double)ticks * (double)(h->end_ns - h->start_ns) /
			  (double)(h->end_tsc - h->start_tsc));
}

static unsigned stats_rows(const struct vm *vm, struct stats_row *rows)
{
	const struct captive_engine_stats *s = &vm->sh->stats;
	const struct vm_stats *h = &vm->stats;
	unsigned n = 0;
#define ROW(nm, v) rows[n++] = (struct stats_row){ nm, (uint64_t)(v) }
	ROW("insns", s->insns);
	ROW("blocks", s->blocks);
	ROW("tlb_hits", s->tlb_hits);
	ROW("tlb_misses", s->tlb_misses);
	ROW("tlb_flushes", s->tlb_flushes);
	ROW("page_walks", s->page_walks);
	ROW("exceptions", s->exceptions);
	ROW("irqs_taken", s->irqs_taken);
	ROW("svcs", s->svcs);
	ROW("undef_insns", s->undef_insns);
	ROW("data_aborts", s->data_aborts);
	ROW("prefetch_aborts", s->prefetch_aborts);
	ROW("wfis", s->wfis);
	ROW("decode_cache_misses", s->decode_cache_misses);
	ROW("code_invalidations", s->code_invalidations);
	ROW("code_flushes", s->code_flushes);
	ROW("icache_maintenance_kept", s->icache_maintenance);
	ROW("device_accesses_from_engine", s->io_accesses);
	ROW("fast_clock_reads", s->fast_reads);
	ROW("hwm_fault_fill", s->hwm_fault_fill);
	ROW("hwm_fault_abort", s->hwm_fault_abort);
	ROW("hwm_fault_device", s->hwm_fault_device);
	ROW("hwm_fault_code", s->hwm_fault_code);
	ROW("hwm_fault_other", s->hwm_fault_other);
	ROW("hwm_window_switches", s->hwm_window_switches);
	ROW("hwm_views_evicted", s->hwm_views_evicted);
	ROW("hwm_pages_mapped", s->hwm_pages_mapped);
	ROW("hwm_pages_unmapped", s->hwm_pages_unmapped);
	ROW("hwm_calls_tlbi_mva", s->hwm_calls_tlbi_mva);
	ROW("hwm_calls_tlbi_asid", s->hwm_calls_tlbi_asid);
	ROW("hwm_calls_tlbi_all", s->hwm_calls_tlbi_all);
	ROW("hwm_io_direct", s->hwm_io_direct);
	for (unsigned i = 0; i < CAPTIVE_NAMED_COUNTERS; i++) {
		char *nm = stats_counter_name(&vm->sh->counters[i], stats_names[i]);
		if (nm)
			ROW(nm, stats_tsc_to_ns(vm, nm, vm->sh->counters[i].value));
	}
	ROW("exits_io", h->exits[VM_EXIT_IO]);
	ROW("exits_mmio", h->exits[VM_EXIT_MMIO]);
	ROW("exits_intr", h->exits[VM_EXIT_INTR]);
	ROW("exits_other", h->exits[VM_EXIT_OTHER]);
	ROW("exit_io_ns", h->exit_ns[VM_EXIT_IO]);
	ROW("exit_mmio_ns", h->exit_ns[VM_EXIT_MMIO]);
	ROW("barrier_requests", h->barrier_requests);
	ROW("barrier_parks", h->barrier_parks);
	ROW("idle_ns", h->wfi_ns);
	ROW("unmapped_accesses", vm->machine->unmapped_accesses);
	for (unsigned i = 0; i < vm->machine->ndevs; i++) {
		const struct device *d = vm->machine->devs[i];
		if (d->reads || d->writes) {
			ROW(d->name, d->reads + d->writes);
		}
	}
#undef ROW
	return n;
}

static double stats_wall_s(const struct vm *vm)
{
	return (double)(vm->stats.end_ns - vm->stats.start_ns) / 1e9;
}

void stats_print(const struct vm *vm, FILE *out)
{
	struct stats_row rows[STATS_MAX_ROWS];
	unsigned n = stats_rows(vm, rows);
	double wall = stats_wall_s(vm);
	const struct captive_config *c = vm->cfg;
	fprintf(out, "captive: stats: backend=%s mmu=%s exec=%s io=%s irq=%s wall %.3f s, %.1f MIPS\n",
		c->strategy_backend, c->strategy_mmu, c->strategy_exec, c->strategy_io,
		c->strategy_irq, wall, wall > 0 ? (double)vm->sh->stats.insns / wall / 1e6 : 0.0);
	for (unsigned i = 0; i < n; i++)
		if (rows[i].value)
			fprintf(out, "  %-28s %llu\n", rows[i].name, (unsigned long long)rows[i].value);
}

int stats_write_json(const struct vm *vm, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		int err = errno;
		fprintf(stderr, "captive: --stats-json '%s': %s\n", path, strerror(err));
		return -err;
	}
	struct stats_row rows[STATS_MAX_ROWS];
	unsigned n = stats_rows(vm, rows);
	double wall = stats_wall_s(vm);
	const struct captive_config *c = vm->cfg;
	fprintf(f, "{\n  \"backend\": \"%s\", \"mmu\": \"%s\", \"exec\": \"%s\", \"io\": \"%s\", \"irq\": \"%s\",\n",
		c->strategy_backend, c->strategy_mmu, c->strategy_exec, c->strategy_io,
		c->strategy_irq);
	fprintf(f, "  \"wall_s\": %.6f,\n  \"mips\": %.3f,\n  \"exit_reason\": %u,\n", wall,
		wall > 0 ? (double)vm->sh->stats.insns / wall / 1e6 : 0.0, vm->sh->exit.reason);
	if (vm->autos && vm->autos->n) {
		/* strategy.* = auto: what each became and why (the reasons are
		 * our own text: no quotes or backslashes to escape) */
		fprintf(f, "  \"auto\": {\n");
		for (unsigned i = 0; i < vm->autos->n; i++)
			fprintf(f, "    \"%s\": { \"value\": \"%s\", \"reason\": \"%s\" }%s\n",
				vm->autos->rows[i].key, vm->autos->rows[i].value,
				vm->autos->rows[i].reason, i + 1 < vm->autos->n ? "," : "");
		fprintf(f, "  },\n  \"probe_cache\": \"%s\",\n", vm->autos->probe_cache);
	}
	fprintf(f, "  \"counters\": {\n");
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "    \"%s\": %llu%s\n", rows[i].name, (unsigned long long)rows[i].value,
			i + 1 < n ? "," : "");
	fprintf(f, "  }\n}\n");
	if (fclose(f)) {
		fprintf(stderr, "captive: --stats-json '%s': write failed\n", path);
		return -EIO;
	}
	return 0;
}
