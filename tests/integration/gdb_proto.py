#!/usr/bin/env python3
"""Protocol-level checks of captive's gdb stub, with bad input a debugger
would never send. Usage: gdb_proto.py PORT MAIN_START MAIN_END RELEASE
(the spin guest's main, to check where Ctrl-C stops it, and the word that
lets it finish). Prints PASS:/FAIL:
lines; the caller checks that the guest then runs on to its normal end."""
import socket
import sys
import time

port, main_lo, main_hi = int(sys.argv[1]), int(sys.argv[2], 16), int(sys.argv[3], 16)
release = int(sys.argv[4], 16)


def result(ok, what):
    print(("PASS: " if ok else "FAIL: ") + what)


def packet(body):
    return b"$" + body + b"#%02x" % (sum(body) & 0xFF)


class Client:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, raw):
        self.s.sendall(raw)

    def read_until(self, pred):
        deadline = time.time() + 10
        while not pred(self.buf):
            if time.time() > deadline:
                raise TimeoutError(repr(self.buf[-80:]))
            chunk = self.s.recv(4096)
            if not chunk:
                raise ConnectionError("stub closed the connection")
            self.buf += chunk

    def ack(self):
        """The next ack character, '+' or '-'."""
        self.read_until(lambda b: b[:1] in (b"+", b"-"))
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def reply(self):
        """The next packet's body (acks before it skipped), acknowledged."""
        self.read_until(lambda b: b"$" in b and b"#" in b[b.index(b"$"):] and
                        len(b) >= b.index(b"#", b.index(b"$")) + 3)
        start = self.buf.index(b"$")
        end = self.buf.index(b"#", start)
        body, self.buf = self.buf[start + 1:end], self.buf[end + 3:]
        self.send(b"+")
        return body

    def ask(self, body):
        self.send(packet(body))
        return self.reply()


c = Client()
stop = c.ask(b"?")
result(stop == b"S02", "attaching stops the running guest (? -> %r)" % stop)

c.send(b"$g#00")
result(c.ack() == b"-", "bad checksum is refused with '-'")
c.send(b"$" + b"m" * 6000 + b"#00")
result(c.reply() == b"E01", "oversized packet gets an error reply")
result(c.ask(b"qNoSuchThing") == b"", "unknown packet gets the empty reply")
result(c.ask(b"mzz,4") == b"E01", "malformed m arguments get E01")
result(c.ask(b"m10009000,4") == b"E14", "reading a device address is refused")
result(c.ask(b"Z0,0,4") == b"E14", "breakpoint on an unmapped address is refused")
result(c.ask(b"p999") == b"E01", "unknown register number is refused")
regs = c.ask(b"g")
result(len(regs) == (16 * 4 + 4 + 32 * 8 + 4) * 2, "g returns r0-r15, cpsr, d0-d31, fpscr")

second = socket.create_connection(("127.0.0.1", port), timeout=10)
try:
    closed = second.recv(16) == b""
except OSError:
    closed = True
result(closed, "a second debugger is refused while one is attached")
second.close()

c.send(packet(b"c"))
c.ack()
time.sleep(0.5)
c.send(b"\x03")
stop = c.reply()
result(stop == b"S02", "Ctrl-C stops the running guest (%r)" % stop)
regs = c.ask(b"g")
pc = int.from_bytes(bytes.fromhex(regs[15 * 8:16 * 8].decode()), "little")
result(main_lo <= pc < main_hi, "stopped inside the guest's loop (pc 0x%08x)" % pc)
result(c.ask(b"M%x,4:01000000" % release) == b"OK", "memory write releases the guest's loop")

c.send(packet(b"c"))
c.ack()
time.sleep(0.2)
c.s.close()
print("disconnected mid-run")
