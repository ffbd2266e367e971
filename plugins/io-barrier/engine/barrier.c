/*
 * io-barrier, engine half: a device access is handed to the hypervisor's
 * service thread through the shared request area and two barriers (publish
 * the request, wait for the response), with no VM exit unless the service
 * thread has parked itself (then one doorbell wakes it).
 *
 * The hand-off is only cheap while the service thread runs. On a host with
 * more runnable threads than cores the thread may wait out a whole scheduler
 * time slice (milliseconds) before it sees the request, and an engine that
 * kept spinning paid that for every access: the interpreter's isa.elf under
 * `taskset -c 0` took 256 s with io=barrier against 0.18 s with mmio-exit.
 * So the engine waits BARRIER_PATIENCE_TSC (~50 us at 2-3 GHz: many times a
 * running thread's answer, about one nested-KVM exit), then takes the request
 * back if the thread has not claimed it (abi.h) and makes the access through
 * an MMIO exit; the thread, seeing that, parks as "behind" for its bounded
 * sleep, and while it does the engine goes straight to the exit. Both are
 * counted in io_barrier_fallbacks.
 */
#include "engine/engine.h"
#include "engine/io.h"
#include "engine/plat.h"

#define BARRIER_PATIENCE_TSC (1u << 17)

static uint64_t *n_fallbacks;

static void barrier_init(void)
{
	n_fallbacks = engine_counter("io_barrier_fallbacks");
}

/* The service thread has not claimed request `seq`: take it back. */
static bool barrier_withdraw(struct captive_barrier *b, uint32_t seq)
{
	uint32_t unclaimed = seq - 1;
	return __atomic_compare_exchange_n(&b->claimed, &unclaimed, seq, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static int barrier_fallback(gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	++*n_fallbacks;
	return plat_mmio(pa, size, val, write);
}

static int barrier_access(gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	struct captive_barrier *b = &eng.sh->barrier;
	if (__atomic_load_n(&b->parked, __ATOMIC_ACQUIRE) == CAPTIVE_BARRIER_PARKED_BEHIND)
		return barrier_fallback(pa, size, val, write);
	b->req.pa = pa;
	b->req.size = size;
	b->req.write = write;
	b->req.value = write ? *val : 0;
	b->req.status = 0;
	uint32_t seq = b->req_seq + 1;
	__atomic_store_n(&b->req_seq, seq, __ATOMIC_RELEASE);
	/* Pairs with the service thread's fence between setting `parked` and
	 * re-reading req_seq: one of the two sides always sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&b->parked, __ATOMIC_ACQUIRE) != CAPTIVE_BARRIER_RUNNING)
		plat_doorbell(CAPTIVE_DB_WAKE_SERVICE);
	uint64_t start = engine_tsc();
	bool may_withdraw = true;
	for (unsigned spins = 1; __atomic_load_n(&b->resp_seq, __ATOMIC_ACQUIRE) != seq; spins++) {
		if (may_withdraw && !(spins & 63) && engine_tsc() - start > BARRIER_PATIENCE_TSC) {
			if (barrier_withdraw(b, seq))
				return barrier_fallback(pa, size, val, write);
			may_withdraw = false;	/* claimed: the answer is coming */
		}
		/* A host that wants us gone must not wait for a service thread
		 * that may never answer. */
		if (!(spins & 0xffff) && __atomic_load_n(&eng.sh->stop_request, __ATOMIC_ACQUIRE))
			engine_stop_now(CAPTIVE_STOP_REQUESTED, "stopped while waiting for the barrier service thread");
		__builtin_ia32_pause();
	}
	if (!write)
		*val = (uint32_t)b->req.value;
	return b->req.status;
}

const struct io_ops io_barrier_ops = {
	.name = "barrier",
	.init = barrier_init,
	.access = barrier_access,
};
