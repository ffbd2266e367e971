/*
 * io-barrier, engine half: a device access is handed to the hypervisor's
 * service thread through the shared request area and two barriers (publish
 * the request, wait for the response), with no VM exit unless the service
 * thread has parked itself (then one doorbell wakes it).
 */
#include "engine/engine.h"
#include "engine/io.h"
#include "engine/plat.h"

static int barrier_access(gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	struct captive_barrier *b = &eng.sh->barrier;
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
	if (__atomic_load_n(&b->parked, __ATOMIC_ACQUIRE))
		plat_doorbell(CAPTIVE_DB_WAKE_SERVICE);
	for (unsigned spins = 0; __atomic_load_n(&b->resp_seq, __ATOMIC_ACQUIRE) != seq; spins++) {
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
	.access = barrier_access,
};
