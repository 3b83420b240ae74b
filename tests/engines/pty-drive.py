#!/usr/bin/python3
"""Run a command on a new pseudo-terminal and talk to it as a user would.

usage: pty-drive.py [--timeout SECONDS] STEP... -- COMMAND [ARG...]

STEP is one of
  expect=REGEX   wait until the output since the last match matches REGEX
                 (Python syntax, searched in the output decoded as UTF-8)
  send=TEXT      type TEXT; \\r, \\n, \\t, \\xNN are escapes (Enter is \\r)

COMMAND runs as the leader of a new session whose controlling terminal is
the pty (80x24), so `docker run -it`, `ctr run -t` and `podman run -it`
see a terminal on stdin and stdout, as under a user's shell. After the last
step the driver keeps reading until COMMAND exits, then prints everything
it read to stdout and exits with COMMAND's status (128+N if a signal N
killed it). If a step or the exit takes longer than the timeout (default
30 s), it kills COMMAND, says on stderr what it waited for and what it had
read, and exits 124.
"""
import codecs
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time


def usage(msg):
    sys.stderr.write("pty-drive: %s\n" % msg)
    sys.exit(2)


def parse(argv):
    timeout = 30.0
    steps = []
    i = 0
    while i < len(argv) and argv[i] != "--":
        a = argv[i]
        if a == "--timeout" and i + 1 < len(argv):
            timeout = float(argv[i + 1])
            i += 2
            continue
        kind, sep, val = a.partition("=")
        if not sep or kind not in ("expect", "send"):
            usage("bad step %r (expect=REGEX or send=TEXT)" % a)
        if kind == "send":
            val = codecs.decode(val, "unicode_escape").encode("latin-1")
        steps.append((kind, val))
        i += 1
    if i + 1 >= len(argv):
        usage("no command after --")
    return timeout, steps, argv[i + 1:]


class Session:
    def __init__(self, cmd, timeout):
        self.timeout = timeout
        self.text = ""  # everything read, decoded
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.mark = 0  # where the next expect starts looking in text
        self.eof = False
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvp(cmd[0], cmd)
            except OSError as e:
                sys.stderr.write("pty-drive: %s: %s\n" % (cmd[0], e.strerror))
            os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def read_some(self, deadline):
        """Read what is there (waiting until deadline); False at the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([self.fd], [], [], left)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: no process holds the pty's other side any more
            data = b""
        if not data:
            self.eof = True
        self.text += self.decoder.decode(data, final=not data)
        return True

    def expect(self, regex):
        deadline = time.monotonic() + self.timeout
        pat = re.compile(regex)
        while True:
            m = pat.search(self.text, self.mark)
            if m:
                self.mark = m.end()
                return True
            if self.eof or not self.read_some(deadline):
                return False

    def send(self, data):
        os.write(self.fd, data)

    def finish(self):
        """Read until EOF, reap; the exit status, or None on a timeout."""
        deadline = time.monotonic() + self.timeout
        while not self.eof and self.read_some(deadline):
            pass
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        return None

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def main():
    timeout, steps, cmd = parse(sys.argv[1:])
    s = Session(cmd, timeout)
    for kind, val in steps:
        if kind == "send":
            s.send(val)
        elif not s.expect(val):
            s.kill()
            sys.stderr.write("pty-drive: %s: no %r after %g s; output: %r\n"
                             % (" ".join(cmd), val, timeout, s.text))
            sys.stdout.write(s.text)
            sys.exit(124)
    code = s.finish()
    sys.stdout.write(s.text)
    if code is None:
        s.kill()
        sys.stderr.write("pty-drive: %s did not exit within %g s\n" % (" ".join(cmd), timeout))
        sys.exit(124)
    sys.exit(128 - code if code < 0 else code)


if __name__ == "__main__":
    main()
