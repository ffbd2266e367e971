/*
 * The gdb remote stub: GDB's remote serial protocol over TCP (QEMU's
 * -gdb tcp::PORT), served by a thread of the hypervisor. The engine keeps
 * the breakpoints and stops itself (struct captive_debug in abi.h); this
 * side speaks the protocol and turns each request into engine commands
 * while the engine is held in its CAPTIVE_DB_DEBUG doorbell. One debugger
 * at a time; the guest runs on when it detaches or disconnects.
 */
#ifndef FRAMEWORK_GDBSTUB_H
#define FRAMEWORK_GDBSTUB_H

#include <stdbool.h>

struct vm;
struct gdbstub;

/*
 * Listen on spec ("PORT" or "HOST:PORT") and start the stub's thread. With
 * wait, the engine stops before its first instruction and stays stopped
 * until a debugger resumes it. Call after vm->sh is filled, before the
 * engine runs. 0 or -errno, reported.
 */
int gdbstub_start(struct vm *vm, const char *spec, bool wait, struct gdbstub **out);

/* The engine's CAPTIVE_DB_DEBUG doorbell (on the engine's thread): returns
 * when the debugger has put a command in sh->debug, or the run is ending. */
void gdbstub_engine_stopped(struct gdbstub *g);

/* True while the debugger holds the engine stopped (the watchdog's idle). */
bool gdbstub_holds_engine(struct gdbstub *g);

/* True when a stop was requested of the engine and it has not stopped yet
 * (a WFI wait must end for it). */
bool gdbstub_break_pending(const struct vm *vm);

/* The run is ending: let a held engine go (any thread). */
void gdbstub_release(struct gdbstub *g);

/* After the engine finished: tell an attached debugger the guest exited
 * with status, close everything, free g. NULL is allowed. */
void gdbstub_finish(struct gdbstub *g, int status);

#endif
