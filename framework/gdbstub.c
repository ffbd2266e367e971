/*
 * The gdb remote stub (see gdbstub.h). Threads: the stub's own thread owns
 * the sockets and speaks the protocol; the engine's thread enters
 * gdbstub_engine_stopped() from its CAPTIVE_DB_DEBUG doorbell and waits
 * there for a command. A one-byte pipe tells the stub's thread that the
 * engine is held (a stop, or the end of a command), so that its poll() sees
 * sockets and engine alike.
 *
 * Registers as gdb's ARM target description (sent as target.xml) numbers
 * them: r0-r15 (0-15), cpsr (16), d0-d31 (17-48), fpscr (49).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub.h"
#include "vm.h"

#define GDB_PACKET_MAX 4096	/* PacketSize we announce; longer ones get E01 */
#define GDB_NREGS 50
#define GDB_REG_CPSR 16
#define GDB_REG_D0 17
#define GDB_REG_FPSCR 49
#define GDB_POLL_MS 100

struct gdbstub {
	struct vm *vm;
	struct captive_shared *sh;
	int listen_fd, client_fd;
	int pipe_r, pipe_w;
	pthread_t thread;
	bool thread_started;
	atomic_bool finished;

	/* shared with the engine's thread, under lock */
	pthread_mutex_t lock;
	pthread_cond_t engine_cv;
	bool held;
	bool cmd_ready;
	bool released;

	/* the stub thread's own */
	bool stopped;		/* the engine is held and the guest stopped */
	bool resume_pending;	/* a c/s/Ctrl-C awaits its stop reply */
	bool break_asked;	/* a break was requested and its stop not yet seen
				 * (the engine clears debug.break_request when it
				 * stops, possibly before this thread reads the pipe) */
	bool wait_first;	/* --gdb-wait: hold until a debugger resumes */
	bool swbreak;		/* the client understands swbreak stop replies */
	bool in_packet, oversize;
	int csum_chars;
	size_t rxlen;
	char csum[2];
	char rx[GDB_PACKET_MAX + 1];
	char last[GDB_PACKET_MAX + 8];	/* last packet sent, for a '-' */
	size_t last_len;
	char xml[8192];
	size_t xml_len;
};

/* ---- the engine's side ---------------------------------------------------- */

void gdbstub_engine_stopped(struct gdbstub *g)
{
	pthread_mutex_lock(&g->lock);
	if (!g->released) {
		g->held = true;
		g->cmd_ready = false;
		pthread_mutex_unlock(&g->lock);
		char b = 's';
		while (write(g->pipe_w, &b, 1) < 0 && errno == EINTR)
			;
		pthread_mutex_lock(&g->lock);
		while (!g->cmd_ready && !g->released)
			pthread_cond_wait(&g->engine_cv, &g->lock);
		g->held = false;
	}
	if (g->released && !g->cmd_ready) {
		__atomic_store_n(&g->sh->debug.armed, 0, __ATOMIC_RELEASE);
		g->sh->debug.cmd = CAPTIVE_DBG_CONTINUE;
	}
	g->cmd_ready = false;
	pthread_mutex_unlock(&g->lock);
}

bool gdbstub_holds_engine(struct gdbstub *g)
{
	pthread_mutex_lock(&g->lock);
	bool held = g->held;
	pthread_mutex_unlock(&g->lock);
	return held;
}

bool gdbstub_break_pending(const struct vm *vm)
{
	return vm->gdb && __atomic_load_n(&vm->sh->debug.break_request, __ATOMIC_ACQUIRE);
}

void gdbstub_release(struct gdbstub *g)
{
	pthread_mutex_lock(&g->lock);
	g->released = true;
	pthread_cond_broadcast(&g->engine_cv);
	pthread_mutex_unlock(&g->lock);
}

/* ---- commands to the held engine ----------------------------------------- */

static void gdb_post(struct gdbstub *g, uint32_t cmd)
{
	pthread_mutex_lock(&g->lock);
	g->sh->debug.cmd = cmd;
	g->cmd_ready = true;
	pthread_cond_signal(&g->engine_cv);
	pthread_mutex_unlock(&g->lock);
}

/* Wait until the engine is held again (its doorbell wrote the pipe).
 * 0, or -1 when the run ended first. */
static int gdb_wait_held(struct gdbstub *g)
{
	for (;;) {
		struct pollfd p = { .fd = g->pipe_r, .events = POLLIN };
		if (atomic_load(&g->finished) || atomic_load(&g->vm->stop))
			return -1;
		if (poll(&p, 1, GDB_POLL_MS) > 0) {
			char b;
			if (read(g->pipe_r, &b, 1) == 1)
				return 0;
		}
	}
}

/* A command that the engine answers at once (memory, state): 0 or -1. */
static int gdb_engine_call(struct gdbstub *g, uint32_t cmd)
{
	gdb_post(g, cmd);
	if (gdb_wait_held(g))
		return -1;
	return g->sh->debug.status ? -1 : 0;
}

static void gdb_request_break(struct gdbstub *g)
{
	struct vm *vm = g->vm;
	g->break_asked = true;
	__atomic_store_n(&g->sh->debug.break_request, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&g->sh->debug.armed, 1, __ATOMIC_RELEASE);
	/* an idle guest waits in WFI on the engine's thread: end the wait */
	pthread_mutex_lock(&vm->wfi_lock);
	pthread_cond_broadcast(&vm->wfi_cond);
	pthread_mutex_unlock(&vm->wfi_lock);
}

/* The guest stopped; 0, or -1 if it cannot be (the run is ending). A stop
 * already asked for (a new debugger, --gdb-wait) is waited for. */
static int gdb_ensure_stopped(struct gdbstub *g)
{
	if (g->stopped)
		return 0;
	if (!g->break_asked)
		return -1;
	if (gdb_wait_held(g))
		return -1;
	g->break_asked = false;
	g->stopped = true;
	g->resume_pending = false;
	return 0;
}

static void gdb_resume(struct gdbstub *g, uint32_t cmd)
{
	g->stopped = false;
	g->wait_first = false;
	gdb_post(g, cmd);
}

/* Forget every breakpoint and let the guest run on unwatched. */
static void gdb_disarm(struct gdbstub *g)
{
	__atomic_store_n(&g->sh->debug.armed, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&g->sh->debug.break_request, 0, __ATOMIC_RELEASE);
	g->break_asked = false;
	g->sh->debug.nbps = 0;
	g->wait_first = false;
	if (g->stopped) {
		g->resume_pending = false;
		gdb_resume(g, CAPTIVE_DBG_CONTINUE);
	}
}

/* ---- wire format ------------------------------------------------------------ */

static const char gdb_hex[] = "0123456789abcdef";

static int gdb_unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse hex digits up to a character not in the set; *pp moves past them.
 * -1 when there are none or the value passes 32 bits. */
static int gdb_parse_u32(const char **pp, uint32_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int d;
	while ((d = gdb_unhex(*p)) >= 0) {
		v = v << 4 | (unsigned)d;
		if (v > UINT32_MAX)
			return -1;
		p++;
	}
	if (p == *pp)
		return -1;
	*pp = p;
	*out = (uint32_t)v;
	return 0;
}

/* "ADDR,LEN" followed by end (or the character `end`). */
static int gdb_parse_addr_len(const char **pp, uint32_t *addr, uint32_t *len, char end)
{
	if (gdb_parse_u32(pp, addr) || **pp != ',')
		return -1;
	(*pp)++;
	if (gdb_parse_u32(pp, len) || **pp != end)
		return -1;
	return 0;
}

static void gdb_put_bytes(char **o, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		*(*o)++ = gdb_hex[b[i] >> 4];
		*(*o)++ = gdb_hex[b[i] & 15];
	}
}

static int gdb_get_bytes(const char **pp, void *out, size_t n)
{
	uint8_t *b = out;
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_unhex((*pp)[0]), lo = hi < 0 ? -1 : gdb_unhex((*pp)[1]);
		if (lo < 0)
			return -1;
		b[i] = (uint8_t)(hi << 4 | lo);
		*pp += 2;
	}
	return 0;
}

static void gdb_client_gone(struct gdbstub *g);

static void gdb_write_all(struct gdbstub *g, const char *p, size_t n)
{
	while (n && g->client_fd >= 0) {
		ssize_t w = send(g->client_fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			gdb_client_gone(g);
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void gdb_send(struct gdbstub *g, const char *data)
{
	size_t n = strlen(data);
	unsigned sum = 0;
	if (n > GDB_PACKET_MAX)
		n = GDB_PACKET_MAX;
	g->last[0] = '$';
	memcpy(g->last + 1, data, n);
	for (size_t i = 0; i < n; i++)
		sum += (uint8_t)data[i];
	snprintf(g->last + 1 + n, 4, "#%02x", sum & 0xff);
	g->last_len = n + 4;
	gdb_write_all(g, g->last, g->last_len);
}

/* ---- registers -------------------------------------------------------------- */

/* Register n of the published state: its bytes and size. */
static void *gdb_reg(struct captive_arm_state *st, unsigned n, size_t *size)
{
	*size = 4;
	if (n < 16)
		return &st->r[n];
	if (n == GDB_REG_CPSR)
		return &st->cpsr;
	if (n == GDB_REG_FPSCR)
		return &st->fpscr;
	*size = 8;
	return &st->d[n - GDB_REG_D0];
}

static void gdb_build_xml(struct gdbstub *g)
{
	char *o = g->xml, *end = g->xml + sizeof(g->xml);
	o += snprintf(o, (size_t)(end - o),
		      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		      "<target version=\"1.0\"><architecture>arm</architecture>\n"
		      "<feature name=\"org.gnu.gdb.arm.core\">\n");
	for (unsigned n = 0; n < 13; n++)
		o += snprintf(o, (size_t)(end - o), "<reg name=\"r%u\" bitsize=\"32\"/>\n", n);
	o += snprintf(o, (size_t)(end - o),
		      "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
		      "<reg name=\"lr\" bitsize=\"32\"/>\n"
		      "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n"
		      "<reg name=\"cpsr\" bitsize=\"32\"/>\n</feature>\n"
		      "<feature name=\"org.gnu.gdb.arm.vfp\">\n");
	for (unsigned n = 0; n < 32; n++)
		o += snprintf(o, (size_t)(end - o),
			      "<reg name=\"d%u\" bitsize=\"64\" type=\"ieee_double\"/>\n", n);
	o += snprintf(o, (size_t)(end - o),
		      "<reg name=\"fpscr\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
		      "</feature>\n</target>\n");
	g->xml_len = (size_t)(o - g->xml);
}

static void gdb_read_regs(struct gdbstub *g, char *out)
{
	for (unsigned n = 0; n < GDB_NREGS; n++) {
		size_t size;
		void *p = gdb_reg(&g->sh->state, n, &size);
		gdb_put_bytes(&out, p, size);
	}
	*out = '\0';
}

/* G and P: the new values go through the engine, which applies them. */
static const char *gdb_write_regs(struct gdbstub *g, const char *args, int only)
{
	struct captive_arm_state st = g->sh->state;
	for (unsigned n = only < 0 ? 0 : (unsigned)only; n < (only < 0 ? GDB_NREGS : (unsigned)only + 1); n++) {
		size_t size;
		void *p = gdb_reg(&st, n, &size);
		if (gdb_get_bytes(&args, p, size))
			return "E01";
	}
	if (*args)
		return "E01";
	g->sh->state = st;
	return gdb_engine_call(g, CAPTIVE_DBG_WRITE_STATE) ? "E01" : "OK";
}

/* ---- memory ---------------------------------------------------------------- */

/* One transfer that stays inside a 4 KiB page (so one failing page never
 * hides the bytes of the one before). Returns its length, or 0. */
static uint32_t gdb_chunk(uint32_t addr, uint32_t len)
{
	uint32_t n = 4096 - (addr & 4095);
	n = n < len ? n : len;
	return n < CAPTIVE_DEBUG_BUF ? n : CAPTIVE_DEBUG_BUF;
}

static int gdb_mem(struct gdbstub *g, uint32_t addr, uint8_t *buf, uint32_t len, bool write)
{
	struct captive_debug *d = &g->sh->debug;
	uint32_t done = 0;
	while (done < len) {
		uint32_t n = gdb_chunk(addr + done, len - done);
		d->addr = addr + done;
		d->len = n;
		if (write)
			memcpy(d->buf, buf + done, n);
		if (gdb_engine_call(g, write ? CAPTIVE_DBG_WRITE_MEM : CAPTIVE_DBG_READ_MEM))
			break;
		if (!write)
			memcpy(buf + done, d->buf, n);
		done += n;
	}
	return (int)done;
}

static void gdb_cmd_read_mem(struct gdbstub *g, const char *args, char *reply)
{
	static uint8_t buf[GDB_PACKET_MAX / 2];
	uint32_t addr, len;
	if (gdb_parse_addr_len(&args, &addr, &len, '\0')) {
		strcpy(reply, "E01");
		return;
	}
	if (len > sizeof(buf))
		len = sizeof(buf); /* a short read, as the protocol allows */
	int got = len ? gdb_mem(g, addr, buf, len, false) : 0;
	if (len && !got) {
		strcpy(reply, "E14"); /* EFAULT: not RAM through the current translation */
		return;
	}
	gdb_put_bytes(&reply, buf, (size_t)got);
	*reply = '\0';
}

static const char *gdb_cmd_write_mem(struct gdbstub *g, const char *args)
{
	static uint8_t buf[GDB_PACKET_MAX / 2], probe[GDB_PACKET_MAX / 2];
	uint32_t addr, len;
	if (gdb_parse_addr_len(&args, &addr, &len, ':') || len > sizeof(buf))
		return "E01";
	args++;
	if (gdb_get_bytes(&args, buf, len) || *args)
		return "E01";
	/* all of it reachable first, so that a failure writes nothing */
	if (gdb_mem(g, addr, probe, len, false) != (int)len)
		return "E14";
	return gdb_mem(g, addr, buf, len, true) == (int)len ? "OK" : "E14";
}

/* ---- breakpoints ------------------------------------------------------------- */

static const char *gdb_cmd_breakpoint(struct gdbstub *g, const char *args, bool insert)
{
	struct captive_debug *d = &g->sh->debug;
	uint32_t addr, kind;
	uint8_t probe[4];
	if (args[0] != '0' && args[0] != '1')
		return ""; /* watchpoints: not supported */
	args += 1;
	if (*args++ != ',' || gdb_parse_addr_len(&args, &addr, &kind, '\0'))
		return "E01";
	if (!insert) {
		for (uint32_t k = 0; k < d->nbps;)
			if (d->bps[k] == addr)
				d->bps[k] = d->bps[--d->nbps];
			else
				k++;
		return "OK";
	}
	kind = kind == 2 || kind == 3 ? 2 : 4;
	if (gdb_mem(g, addr, probe, kind, false) != (int)kind)
		return "E14"; /* not code we could ever fetch: refuse it now */
	for (uint32_t k = 0; k < d->nbps; k++)
		if (d->bps[k] == addr)
			return "OK";
	if (d->nbps == CAPTIVE_DEBUG_MAX_BPS)
		return "E0E";
	d->bps[d->nbps++] = addr;
	return "OK";
}

/* ---- packets ------------------------------------------------------------------ */

static void gdb_stop_reply(struct gdbstub *g, char *reply)
{
	switch (g->sh->debug.stop_why) {
	case CAPTIVE_DBG_WHY_REQUEST:
		strcpy(reply, "S02");
		break;
	case CAPTIVE_DBG_WHY_BREAKPOINT:
		strcpy(reply, g->swbreak ? "T05swbreak:;" : "S05");
		break;
	default:
		strcpy(reply, "S05");
		break;
	}
}

static void gdb_cmd_xfer(struct gdbstub *g, const char *args, char *reply)
{
	static const char annex[] = "qXfer:features:read:target.xml:";
	uint32_t off, len;
	if (strncmp(args, annex, sizeof(annex) - 1)) {
		strcpy(reply, "E00");
		return;
	}
	args += sizeof(annex) - 1;
	if (gdb_parse_addr_len(&args, &off, &len, '\0')) {
		strcpy(reply, "E01");
		return;
	}
	if (off >= g->xml_len) {
		strcpy(reply, "l");
		return;
	}
	size_t n = g->xml_len - off;
	if (n > len)
		n = len;
	if (n > GDB_PACKET_MAX - 2)
		n = GDB_PACKET_MAX - 2;
	reply[0] = off + n < g->xml_len ? 'm' : 'l';
	memcpy(reply + 1, g->xml + off, n);
	reply[1 + n] = '\0';
}

/* Packets that need the guest stopped (everything touching the engine). */
static bool gdb_needs_stop(char c)
{
	return strchr("gGpPmMcCsSZz?", c) != NULL;
}

static void gdb_handle(struct gdbstub *g, char *pkt)
{
	static char reply[GDB_PACKET_MAX + 1];
	const char *args = pkt + 1;
	uint32_t v;

	reply[0] = '\0';
	if (gdb_needs_stop(pkt[0]) && gdb_ensure_stopped(g)) {
		gdb_send(g, "E01");
		return;
	}
	switch (pkt[0]) {
	case '?':
		gdb_stop_reply(g, reply);
		break;
	case 'g':
		gdb_read_regs(g, reply);
		break;
	case 'G':
		strcpy(reply, gdb_write_regs(g, args, -1));
		break;
	case 'p':
		if (gdb_parse_u32(&args, &v) || *args || v >= GDB_NREGS) {
			strcpy(reply, "E01");
		} else {
			size_t size = 0;
			char *o = reply;
			gdb_put_bytes(&o, gdb_reg(&g->sh->state, v, &size), size);
			*o = '\0';
		}
		break;
	case 'P':
		if (gdb_parse_u32(&args, &v) || *args++ != '=' || v >= GDB_NREGS)
			strcpy(reply, "E01");
		else
			strcpy(reply, gdb_write_regs(g, args, (int)v));
		break;
	case 'm':
		gdb_cmd_read_mem(g, args, reply);
		break;
	case 'M':
		strcpy(reply, gdb_cmd_write_mem(g, args));
		break;
	case 'C':
	case 'S': /* with a signal to deliver: the guest has none, so resume */
		g->resume_pending = true;
		gdb_resume(g, pkt[0] == 'S' ? CAPTIVE_DBG_STEP : CAPTIVE_DBG_CONTINUE);
		return;
	case 'c':
	case 's':
		if (*args) { /* resume at an address */
			struct captive_arm_state *st = &g->sh->state;
			if (gdb_parse_u32(&args, &v) || *args) {
				gdb_send(g, "E01");
				return;
			}
			st->r[15] = v;
			if (gdb_engine_call(g, CAPTIVE_DBG_WRITE_STATE)) {
				gdb_send(g, "E01");
				return;
			}
		}
		g->resume_pending = true;
		gdb_resume(g, pkt[0] == 's' ? CAPTIVE_DBG_STEP : CAPTIVE_DBG_CONTINUE);
		return; /* the reply is the stop */
	case 'Z':
	case 'z':
		strcpy(reply, gdb_cmd_breakpoint(g, args, pkt[0] == 'Z'));
		break;
	case 'D':
		gdb_disarm(g);
		gdb_send(g, "OK");
		gdb_client_gone(g);
		return;
	case 'k':
		gdb_client_gone(g);
		vm_request_stop(g->vm, VM_STOP_QUIT);
		return;
	case 'H':
	case 'T':
		strcpy(reply, "OK");
		break;
	case 'q':
		if (!strncmp(pkt, "qSupported", 10)) {
			g->swbreak = strstr(pkt, "swbreak+") != NULL;
			snprintf(reply, sizeof(reply), "PacketSize=%x;qXfer:features:read+;swbreak+;vContSupported+",
				 GDB_PACKET_MAX);
		} else if (!strncmp(pkt, "qXfer:", 6)) {
			gdb_cmd_xfer(g, pkt, reply);
		} else if (!strcmp(pkt, "qAttached")) {
			strcpy(reply, "1");
		} else if (!strcmp(pkt, "qC")) {
			strcpy(reply, "QC1");
		} else if (!strcmp(pkt, "qfThreadInfo")) {
			strcpy(reply, "m1");
		} else if (!strcmp(pkt, "qsThreadInfo")) {
			strcpy(reply, "l");
		} else if (!strncmp(pkt, "qSymbol", 7)) {
			strcpy(reply, "OK");
		}
		break;
	case 'v':
		if (!strcmp(pkt, "vCont?")) {
			/* with s here gdb steps with 's' rather than breakpoints it
			 * computes itself, so the engine's own step is what runs */
			strcpy(reply, "vCont;c;C;s;S");
			break;
		}
		if (!strncmp(pkt, "vCont;", 6)) {
			/* one thread: the first action is the one for it */
			char a = pkt[6];
			if (a != 'c' && a != 'C' && a != 's' && a != 'S') {
				gdb_send(g, "E01");
				return;
			}
			if (gdb_ensure_stopped(g)) {
				gdb_send(g, "E01");
				return;
			}
			g->resume_pending = true;
			gdb_resume(g, a == 's' || a == 'S' ? CAPTIVE_DBG_STEP : CAPTIVE_DBG_CONTINUE);
			return;
		}
		if (!strncmp(pkt, "vKill", 5)) {
			gdb_send(g, "OK");
			gdb_client_gone(g);
			vm_request_stop(g->vm, VM_STOP_QUIT);
			return;
		}
		break; /* vCont and the rest: unsupported, gdb falls back to c/s */
	default:
		break;
	}
	gdb_send(g, reply);
}

/* ---- the connection ----------------------------------------------------------- */

static void gdb_client_gone(struct gdbstub *g)
{
	if (g->client_fd < 0)
		return;
	close(g->client_fd);
	g->client_fd = -1;
	g->in_packet = false;
	gdb_disarm(g);
	fprintf(stderr, "captive: gdb: debugger detached; the guest runs on\n");
}

static void gdb_accept(struct gdbstub *g)
{
	int fd = accept(g->listen_fd, NULL, NULL);
	if (fd < 0)
		return;
	if (g->client_fd >= 0) {
		fprintf(stderr, "captive: gdb: refused a second debugger (one is attached)\n");
		close(fd);
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	g->client_fd = fd;
	g->swbreak = false;
	g->last_len = 0;
	/* as QEMU does, a debugger that attaches finds the guest stopped */
	if (!g->stopped)
		gdb_request_break(g);
	fprintf(stderr, "captive: gdb: debugger attached\n");
}

static void gdb_packet_done(struct gdbstub *g)
{
	unsigned sum = 0, want;
	int hi = gdb_unhex(g->csum[0]), lo = gdb_unhex(g->csum[1]);
	for (size_t i = 0; i < g->rxlen; i++)
		sum += (uint8_t)g->rx[i];
	want = hi < 0 || lo < 0 ? 0x100 : (unsigned)(hi << 4 | lo);
	if (!g->oversize && (sum & 0xff) != want) {
		gdb_write_all(g, "-", 1);
		return;
	}
	gdb_write_all(g, "+", 1);
	if (g->oversize) {
		gdb_send(g, "E01");
		return;
	}
	g->rx[g->rxlen] = '\0';
	if (g->rxlen)
		gdb_handle(g, g->rx);
	else
		gdb_send(g, "");
}

static void gdb_client_input(struct gdbstub *g)
{
	char buf[1024];
	ssize_t n = recv(g->client_fd, buf, sizeof(buf), 0);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		gdb_client_gone(g);
		return;
	}
	for (ssize_t i = 0; i < n && g->client_fd >= 0; i++) {
		char c = buf[i];
		if (g->csum_chars) {
			g->csum[2 - g->csum_chars] = c;
			if (--g->csum_chars == 0)
				gdb_packet_done(g);
		} else if (g->in_packet) {
			if (c == '#') {
				g->in_packet = false;
				g->csum_chars = 2;
			} else if (g->rxlen < GDB_PACKET_MAX) {
				g->rx[g->rxlen++] = c;
			} else {
				g->oversize = true;
			}
		} else if (c == '$') {
			g->in_packet = true;
			g->oversize = false;
			g->rxlen = 0;
		} else if (c == 0x03) {
			if (!g->stopped) {
				g->resume_pending = true;
				gdb_request_break(g);
			}
		} else if (c == '-' && g->last_len) {
			gdb_write_all(g, g->last, g->last_len);
		}
	}
}

/* The engine stopped on its own (breakpoint, step, requested break). */
static void gdb_engine_held(struct gdbstub *g)
{
	char reply[32];
	g->stopped = true;
	g->break_asked = false;
	if (g->client_fd < 0 && !g->wait_first) {
		gdb_disarm(g); /* a stop that crossed a disconnect */
		return;
	}
	if (g->client_fd >= 0 && g->resume_pending) {
		g->resume_pending = false;
		gdb_stop_reply(g, reply);
		gdb_send(g, reply);
	}
}

static void *gdb_thread(void *arg)
{
	struct gdbstub *g = arg;
	while (!atomic_load(&g->finished)) {
		struct pollfd p[3] = {
			{ .fd = g->listen_fd, .events = POLLIN },
			{ .fd = g->client_fd, .events = POLLIN },
			{ .fd = g->pipe_r, .events = POLLIN },
		};
		if (poll(p, 3, GDB_POLL_MS) <= 0)
			continue;
		if (p[2].revents & POLLIN) {
			char b;
			if (read(g->pipe_r, &b, 1) == 1)
				gdb_engine_held(g);
		}
		if (p[0].revents & POLLIN)
			gdb_accept(g);
		if (g->client_fd >= 0 && p[1].fd == g->client_fd &&
		    (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			gdb_client_input(g);
	}
	return NULL;
}

/* ---- life cycle ---------------------------------------------------------------- */

static int gdb_listen(struct gdbstub *g, const char *spec)
{
	char host[256] = "127.0.0.1", port[32];
	const char *colon;
	if (!strncmp(spec, "tcp:", 4)) /* QEMU's spelling: tcp::1234, tcp:HOST:1234 */
		spec += 4;
	colon = strrchr(spec, ':');
	if (colon && colon != spec)
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
	snprintf(port, sizeof(port), "%s", colon ? colon + 1 : spec);
	char *end;
	unsigned long pn = strtoul(port, &end, 10);
	if (!port[0] || *end || pn > 65535 || (colon && (size_t)(colon - spec) >= sizeof(host))) {
		vm_error("debug.gdb = '%s' is not valid; expected [HOST:]PORT, PORT 0-65535", spec);
		return -EINVAL;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		vm_error("gdb: cannot resolve '%s': %s", host, gai_strerror(rc));
		return -EINVAL;
	}
	int err = -EADDRNOTAVAIL;
	for (struct addrinfo *a = ai; a && g->listen_fd < 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol), one = 1;
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, a->ai_addr, a->ai_addrlen) || listen(fd, 2)) {
			err = -errno;
			close(fd);
			continue;
		}
		g->listen_fd = fd;
	}
	freeaddrinfo(ai);
	if (g->listen_fd < 0) {
		vm_error("gdb: cannot listen on %s:%s: %s", host, port, strerror(-err));
		return err;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char h[128] = "?", s[16] = "?";
	if (!getsockname(g->listen_fd, (struct sockaddr *)&ss, &sl))
		getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), s, sizeof(s),
			    NI_NUMERICHOST | NI_NUMERICSERV);
	fprintf(stderr, "captive: gdb: listening on %s:%s%s (gdb-multiarch: target remote %s:%s)\n",
		h, s, g->wait_first ? ", the guest waits for the debugger" : "", h, s);
	return 0;
}

int gdbstub_start(struct vm *vm, const char *spec, bool wait, struct gdbstub **out)
{
	struct gdbstub *g = calloc(1, sizeof(*g));
	int fds[2], err;
	if (!g)
		return -ENOMEM;
	g->vm = vm;
	g->sh = vm->sh;
	g->listen_fd = g->client_fd = g->pipe_r = g->pipe_w = -1;
	g->wait_first = wait;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->engine_cv, NULL);
	gdb_build_xml(g);
	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		vm_error("gdb: pipe: %s", strerror(errno));
		goto fail;
	}
	g->pipe_r = fds[0];
	g->pipe_w = fds[1];
	err = gdb_listen(g, spec);
	if (err)
		goto fail;
	if (wait)
		gdb_request_break(g);
	err = -pthread_create(&g->thread, NULL, gdb_thread, g);
	if (err) {
		vm_error("gdb: cannot start the stub's thread: %s", strerror(-err));
		goto fail;
	}
	g->thread_started = true;
	*out = g;
	return 0;
fail:
	gdbstub_finish(g, 0);
	return err;
}

void gdbstub_finish(struct gdbstub *g, int status)
{
	if (!g)
		return;
	atomic_store(&g->finished, true);
	gdbstub_release(g);
	if (g->thread_started)
		pthread_join(g->thread, NULL);
	if (g->client_fd >= 0) {
		char w[8];
		snprintf(w, sizeof(w), "W%02x", status & 0xff);
		gdb_send(g, w);
		close(g->client_fd);
	}
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->pipe_r >= 0)
		close(g->pipe_r);
	if (g->pipe_w >= 0)
		close(g->pipe_w);
	pthread_cond_destroy(&g->engine_cv);
	pthread_mutex_destroy(&g->lock);
	free(g);
}
