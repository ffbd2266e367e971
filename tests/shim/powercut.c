/*
 * LD_PRELOAD shim that models a power cut for one file: writes to it are
 * held in the process's own memory and reach the file only when the
 * process makes them durable (fdatasync or fsync on a writable descriptor
 * of it, a descriptor opened O_SYNC/O_DSYNC, pwritev2 with RWF_DSYNC). A process killed with SIGKILL - which
 * nothing can intercept - therefore leaves in the file exactly what it had
 * made durable, as a power cut would: the kernel's page cache, which
 * survives a mere process death, is not in the picture.
 *
 * Environment:
 *   POWERCUT_FILE          the file to watch (by device and inode, so any
 *                          path or descriptor naming it counts). Unset:
 *                          the shim does nothing.
 *   POWERCUT_IGNORE_SYNC=1 a disk that lies: syncs succeed but make nothing
 *                          durable (the failure mode the tests demonstrate).
 *   POWERCUT_SYNC_MS=N     a slow disk: each sync of the file takes N ms more.
 *
 * What is held is per file, not per descriptor: a sync through any
 * descriptor of the file makes every held write durable, as the page cache
 * would. Reads through the shim see the held writes, so the process itself
 * reads back what it wrote. Covered calls: write, pwrite, pwritev,
 * pwritev2 (and their 64 variants), read, pread, preadv; anything else
 * (mmap, sendfile, ftruncate, sync, syncfs) on the watched file is not
 * modelled - sync and syncfs leave held writes held, so a process relying
 * on them fails the durability test - and the test must not rely on it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PC_EXPORT __attribute__((visibility("default")))

/* One held write: [off, off + len) of the file. Newer entries win. */
struct pc_write {
	struct pc_write *next;
	off_t off;
	size_t len;
	unsigned char data[];
};

static struct {
	pthread_once_t once;
	pthread_mutex_t lock;
	bool active;
	bool ignore_sync;
	unsigned sync_ms;
	dev_t dev;
	ino_t ino;
	struct pc_write *head, *tail;	/* oldest first */
	ssize_t (*pwrite)(int, const void *, size_t, off_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	int (*fdatasync)(int);
	int (*fsync)(int);
} pc = { .once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER };

static void pc_init(void)
{
	pc.pwrite = dlsym(RTLD_NEXT, "pwrite64");
	pc.pread = dlsym(RTLD_NEXT, "pread64");
	pc.read = dlsym(RTLD_NEXT, "read");
	pc.write = dlsym(RTLD_NEXT, "write");
	pc.fdatasync = dlsym(RTLD_NEXT, "fdatasync");
	pc.fsync = dlsym(RTLD_NEXT, "fsync");
	const char *file = getenv("POWERCUT_FILE");
	const char *ignore = getenv("POWERCUT_IGNORE_SYNC");
	struct stat st;
	if (!file || !*file)
		return;
	if (stat(file, &st)) {
		/* Not stdio: it would come back through write() into pthread_once. */
		static const char msg[] = "powercut: cannot stat POWERCUT_FILE; shim inactive\n";
		pc.write(2, msg, sizeof(msg) - 1);
		return;
	}
	pc.dev = st.st_dev;
	pc.ino = st.st_ino;
	pc.ignore_sync = ignore && !strcmp(ignore, "1");
	const char *ms = getenv("POWERCUT_SYNC_MS");
	pc.sync_ms = ms ? (unsigned)strtoul(ms, NULL, 10) : 0;
	pc.active = true;
}

/* Is fd the watched file, written through the shim's buffer? */
static bool pc_watched(int fd)
{
	pthread_once(&pc.once, pc_init);
	if (!pc.active)
		return false;
	struct stat st;
	if (fstat(fd, &st) || st.st_dev != pc.dev || st.st_ino != pc.ino)
		return false;
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && !(fl & (O_SYNC | O_DSYNC));
}

static bool pc_is_file(int fd)
{
	pthread_once(&pc.once, pc_init);
	struct stat st;
	return pc.active && !fstat(fd, &st) && st.st_dev == pc.dev && st.st_ino == pc.ino;
}

/* Hold a copy of buf as a write at off. Called with the lock held. */
static int pc_hold(const void *buf, size_t len, off_t off)
{
	struct pc_write *w = malloc(sizeof(*w) + len);
	if (!w)
		return -1;
	w->next = NULL;
	w->off = off;
	w->len = len;
	memcpy(w->data, buf, len);
	if (pc.tail)
		pc.tail->next = w;
	else
		pc.head = w;
	pc.tail = w;
	return 0;
}

/* Lay the held writes over buf, which holds the file's bytes at off. */
static void pc_overlay(void *buf, size_t len, off_t off)
{
	for (struct pc_write *w = pc.head; w; w = w->next) {
		off_t lo = w->off > off ? w->off : off;
		off_t hi = w->off + (off_t)w->len < off + (off_t)len ? w->off + (off_t)w->len
									 : off + (off_t)len;
		if (lo < hi)
			memcpy((unsigned char *)buf + (lo - off), w->data + (lo - w->off),
			       (size_t)(hi - lo));
	}
}

/* The file's length as the process sees it: the real one or the end of a
 * held write past it. */
static off_t pc_size(int fd)
{
	struct stat st;
	off_t end = fstat(fd, &st) ? 0 : st.st_size;
	for (struct pc_write *w = pc.head; w; w = w->next)
		if (w->off + (off_t)w->len > end)
			end = w->off + (off_t)w->len;
	return end;
}

/* Make every held write durable through fd. Lock held. */
static int pc_apply(int fd)
{
	if (pc.ignore_sync)
		return 0;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
		return 0;	/* a read-only descriptor: nothing it could have written */
	while (pc.head) {
		struct pc_write *w = pc.head;
		for (size_t done = 0; done < w->len;) {
			ssize_t r = pc.pwrite(fd, w->data + done, w->len - done, w->off + (off_t)done);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			done += (size_t)r;
		}
		pc.head = w->next;
		free(w);
	}
	pc.tail = NULL;
	return 0;
}

static ssize_t pc_pwrite(const void *buf, size_t len, off_t off)
{
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&pc.lock);
	int rc = pc_hold(buf, len, off);
	pthread_mutex_unlock(&pc.lock);
	if (rc) {
		errno = ENOMEM;
		return -1;
	}
	return (ssize_t)len;
}

static ssize_t pc_pread(int fd, void *buf, size_t len, off_t off)
{
	pthread_mutex_lock(&pc.lock);
	off_t size = pc_size(fd);
	size_t n = off >= size ? 0 : (size_t)(size - off) < len ? (size_t)(size - off) : len;
	ssize_t r = 0;
	memset(buf, 0, n);
	while ((size_t)r < n) {
		ssize_t got = pc.pread(fd, (char *)buf + r, n - (size_t)r, off + r);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			pthread_mutex_unlock(&pc.lock);
			return -1;
		}
		if (got == 0)
			break;	/* past the real end: the held writes fill it */
		r += got;
	}
	pc_overlay(buf, n, off);
	pthread_mutex_unlock(&pc.lock);
	return (ssize_t)n;
}

/* Gather an iovec into one buffer (held writes are contiguous). */
static void *pc_gather(const struct iovec *iov, int cnt, size_t *len)
{
	size_t n = 0;
	for (int i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	unsigned char *buf = malloc(n ? n : 1);
	if (!buf)
		return NULL;
	size_t at = 0;
	for (int i = 0; i < cnt; i++) {
		memcpy(buf + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	*len = n;
	return buf;
}

static ssize_t pc_pwritev(const struct iovec *iov, int cnt, off_t off)
{
	size_t len;
	void *buf = pc_gather(iov, cnt, &len);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	ssize_t r = pc_pwrite(buf, len, off);
	free(buf);
	return r;
}

static ssize_t pc_preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	ssize_t total = 0;
	for (int i = 0; i < cnt; i++) {
		ssize_t r = pc_pread(fd, iov[i].iov_base, iov[i].iov_len, off + total);
		if (r < 0)
			return total ? total : -1;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return total;
}

/* ---- the interposed calls --------------------------------------------- */

PC_EXPORT ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return pc_watched(fd) ? pc_pwrite(buf, len, off) : pc.pwrite(fd, buf, len, off);
}

PC_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

PC_EXPORT ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return pc_is_file(fd) ? pc_pread(fd, buf, len, off) : pc.pread(fd, buf, len, off);
}

PC_EXPORT ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off);
}

PC_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	if (!pc_watched(fd))
		return pc.write(fd, buf, len);
	off_t pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0)
		return -1;
	if (fcntl(fd, F_GETFL) & O_APPEND) {
		pthread_mutex_lock(&pc.lock);
		pos = pc_size(fd);
		pthread_mutex_unlock(&pc.lock);
	}
	ssize_t r = pc_pwrite(buf, len, pos);
	if (r > 0)
		lseek(fd, pos + r, SEEK_SET);
	return r;
}

PC_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	if (!pc_is_file(fd))
		return pc.read(fd, buf, len);
	off_t pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0)
		return -1;
	ssize_t r = pc_pread(fd, buf, len, pos);
	if (r > 0)
		lseek(fd, pos + r, SEEK_SET);
	return r;
}

PC_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	if (pc_watched(fd))
		return pc_pwritev(iov, cnt, off);
	ssize_t (*real)(int, const struct iovec *, int, off_t) = dlsym(RTLD_NEXT, "pwritev64");
	return real(fd, iov, cnt, off);
}

PC_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return pwritev(fd, iov, cnt, off);
}

PC_EXPORT ssize_t pwritev2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	/* RWF_DSYNC/RWF_SYNC make this one write durable at once. */
	if (pc_watched(fd) && off >= 0 && !(flags & (RWF_DSYNC | RWF_SYNC)))
		return pc_pwritev(iov, cnt, off);
	ssize_t (*real)(int, const struct iovec *, int, off_t, int) =
		dlsym(RTLD_NEXT, "pwritev64v2");
	return real(fd, iov, cnt, off, flags);
}

PC_EXPORT ssize_t pwritev64v2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	return pwritev2(fd, iov, cnt, off, flags);
}

PC_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	if (pc_is_file(fd))
		return pc_preadv(fd, iov, cnt, off);
	ssize_t (*real)(int, const struct iovec *, int, off_t) = dlsym(RTLD_NEXT, "preadv64");
	return real(fd, iov, cnt, off);
}

PC_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return preadv(fd, iov, cnt, off);
}

/* A sync through a descriptor of the watched file makes its writes durable
 * first; the real call then does what it always does. */
static int pc_sync_fd(int fd, int (*real)(int))
{
	if (pc_is_file(fd)) {
		pthread_mutex_lock(&pc.lock);
		int rc = pc_apply(fd);
		pthread_mutex_unlock(&pc.lock);
		if (rc)
			return -1;
		struct timespec slow = { pc.sync_ms / 1000, (long)(pc.sync_ms % 1000) * 1000000 };
		while (pc.sync_ms && nanosleep(&slow, &slow) && errno == EINTR)
			;
	}
	return real(fd);
}

PC_EXPORT int fdatasync(int fd)
{
	pthread_once(&pc.once, pc_init);
	return pc_sync_fd(fd, pc.fdatasync);
}

PC_EXPORT int fsync(int fd)
{
	pthread_once(&pc.once, pc_init);
	return pc_sync_fd(fd, pc.fsync);
}
