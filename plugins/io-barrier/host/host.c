/*
 * io-barrier, host half: the service thread. It spins on the request
 * sequence number while the guest is active, for at most spin_ns after the
 * last request, and parks on a futex as soon as the guest idles in WFI, so a
 * 2-core host is not eaten while the guest sleeps or computes without I/O;
 * the engine rings CAPTIVE_DB_WAKE_SERVICE when it finds it parked. A request
 * the engine took back after waiting too long (engine half) is not served, and
 * the thread parks as "behind" for one bounded futex wait (50 ms): the engine
 * makes its accesses through exits meanwhile instead of waiting for a thread
 * that the host's scheduler is not running (abi.h).
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "plugin.h"

struct barrier_host {
	struct io_host_env env;
	pthread_t thread;
	uint32_t first_seq;	/* req_seq before the engine ran: nothing served yet */
	int stop;
};

static uint64_t barrier_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Waits are bounded so that a stop racing with parking costs at most that long. */
static void barrier_futex(uint32_t *addr, int op, uint32_t val)
{
	struct timespec bound = { 0, 50 * 1000 * 1000 };
	syscall(SYS_futex, addr, op, val, op == FUTEX_WAIT ? &bound : NULL, NULL, 0);
}

static void barrier_serve(struct barrier_host *bh, struct captive_barrier *b, uint32_t seq)
{
	struct captive_io_req *r = &b->req;
	uint32_t v = (uint32_t)r->value;
	r->status = bh->env.mmio(bh->env.vm, r->pa, r->size, &v, r->write);
	r->value = v;
	__atomic_store_n(&b->resp_seq, seq, __ATOMIC_RELEASE);
	bh->env.count(bh->env.vm, 0);
}

static void *barrier_thread(void *arg)
{
	struct barrier_host *bh = arg;
	struct captive_barrier *b = &bh->env.sh->barrier;
	uint32_t last = bh->first_seq;
	uint64_t spin_start = barrier_now_ns();
	unsigned spins = 0;

	while (!__atomic_load_n(&bh->stop, __ATOMIC_ACQUIRE)) {
		uint32_t seq = __atomic_load_n(&b->req_seq, __ATOMIC_ACQUIRE);
		uint32_t park = CAPTIVE_BARRIER_PARKED_IDLE;
		if (seq != last) {
			/* Unless the engine, tired of waiting, took it back. */
			uint32_t unclaimed = seq - 1;
			bool mine = __atomic_compare_exchange_n(&b->claimed, &unclaimed, seq, false,
								__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
			last = seq;
			if (mine) {
				barrier_serve(bh, b, seq);
				spin_start = barrier_now_ns();
				continue;
			}
			/* This thread is not getting a core in time: stand aside. */
			park = CAPTIVE_BARRIER_PARKED_BEHIND;
		} else if (++spins % 64) {
			__builtin_ia32_pause();
			continue;
		} else {
			/* Spin while the guest is active; park once it idles in WFI
			 * (its next request comes after an interrupt, and the WFI
			 * exit is paid anyway) or after spin_ns without a request.
			 * A spin shares its core with whoever else wants it: on an
			 * idle core sched_yield() returns at once. */
			if (!(spins % 1024))
				sched_yield();
			if (!__atomic_load_n(&bh->env.sh->in_wfi, __ATOMIC_ACQUIRE) &&
			    barrier_now_ns() - spin_start < bh->env.spin_ns)
				continue;
		}
		__atomic_store_n(&b->parked, park, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&b->req_seq, __ATOMIC_ACQUIRE) == last &&
		    !__atomic_load_n(&bh->stop, __ATOMIC_ACQUIRE)) {
			bh->env.count(bh->env.vm, 1);
			barrier_futex(&b->req_seq, FUTEX_WAIT, last);
		}
		__atomic_store_n(&b->parked, CAPTIVE_BARRIER_RUNNING, __ATOMIC_RELEASE);
		spin_start = barrier_now_ns();
	}
	return NULL;
}

static int barrier_start(const struct io_host_env *env, void **priv)
{
	struct barrier_host *bh = calloc(1, sizeof(*bh));
	if (!bh)
		return -ENOMEM;
	bh->env = *env;
	/* Read here, not in the thread: the engine may publish its first request
	 * before the new thread is first scheduled. */
	bh->first_seq = __atomic_load_n(&env->sh->barrier.req_seq, __ATOMIC_ACQUIRE);
	int err = pthread_create(&bh->thread, NULL, barrier_thread, bh);
	if (err) {
		fprintf(stderr, "captive: io-barrier: cannot start service thread: %s\n",
			strerror(err));
		free(bh);
		return -err;
	}
	*priv = bh;
	return 0;
}

static void barrier_wake(void *priv)
{
	struct barrier_host *bh = priv;
	barrier_futex(&bh->env.sh->barrier.req_seq, FUTEX_WAKE, 1);
}

static void barrier_stop(void *priv)
{
	struct barrier_host *bh = priv;
	__atomic_store_n(&bh->stop, 1, __ATOMIC_RELEASE);
	barrier_futex(&bh->env.sh->barrier.req_seq, FUTEX_WAKE, 1);
	pthread_join(bh->thread, NULL);
	free(bh);
}

static const struct io_host_ops barrier_host_ops = {
	.start = barrier_start,
	.wake = barrier_wake,
	.stop = barrier_stop,
};

CAPTIVE_PLUGIN_EXPORT const uint32_t captive_plugin_abi = CAPTIVE_PLUGIN_ABI;
CAPTIVE_PLUGIN_EXPORT const struct captive_plugin captive_plugin = {
	.axis = CAPTIVE_AXIS_IO,
	.name = "barrier",
	.description = "device accesses go to a spinning host service thread via shared memory, no exit",
	.io_host = &barrier_host_ops,
};
