#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs a real systemd-journald for the test suite where none runs (no
systemd as PID 1), the way systemd would: a small holder process owns the
journal's sockets and hands them to journald by socket activation
(LISTEN_FDS). So, as under systemd, journald can be stopped and started
again while datagrams already sent wait in the socket for the next one.

usage: journald_harness.py start PIDFILE   start (only if no journald socket exists);
                                           prints "started" or "already running"
       journald_harness.py stop PIDFILE    stop what start started, by pid
       journald_harness.py down PIDFILE    stop journald, keep its sockets (as
                                           "systemctl restart" does under systemd)
       journald_harness.py vanish PIDFILE  stop journald and remove its native socket,
                                           so senders get errors (a host without
                                           socket activation)
       journald_harness.py up PIDFILE      start journald again, on new sockets where
                                           they were removed
PIDFILE holds the holder's pid; PIDFILE.journald journald's."""

import os
import signal
import socket
import subprocess
import sys
import time

JOURNALD = "/lib/systemd/systemd-journald"
RUN = "/run/systemd/journal"
SOCKETS = [  # path, type: the ones systemd-journald.socket and -dev-log.socket create
    (f"{RUN}/socket", socket.SOCK_DGRAM),
    (f"{RUN}/stdout", socket.SOCK_STREAM),
    (f"{RUN}/dev-log", socket.SOCK_DGRAM),
]


def wait_gone(pid, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


class Holder:
    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.fds = []
        self.made = []  # paths we created, removed at the end
        self.journald = None
        os.makedirs(RUN, exist_ok=True)
        for path, kind in SOCKETS:
            self.fds.append(self.make_socket(path, kind))
            self.made.append(path)
        if not os.path.lexists("/dev/log"):
            os.symlink(f"{RUN}/dev-log", "/dev/log")
            self.made.append("/dev/log")

    @staticmethod
    def make_socket(path, kind):
        s = socket.socket(socket.AF_UNIX, kind)
        if os.path.exists(path):
            os.unlink(path)
        # As systemd-journald.socket's PassCredentials=yes: datagrams queued
        # before journald (re)starts carry the sender's credentials too,
        # which become the entry's _PID, _UID and _GID.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        s.bind(path)
        os.chmod(path, 0o666)
        if kind == socket.SOCK_STREAM:
            s.listen(64)
        else:
            # Room for what a recorder sends while journald restarts (the
            # kernel also bounds the queue by datagram count).
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        return s

    def vanish(self):
        """journald and its native socket go away; nothing queued is lost:
        journald is stopped only once it has read everything sent."""
        import fcntl
        import struct
        import termios
        native = self.fds[0]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pending = struct.unpack("i", fcntl.ioctl(native.fileno(), termios.FIONREAD,
                                                     b"\0\0\0\0"))[0]
            if pending == 0:
                break
            time.sleep(0.01)
        os.unlink(SOCKETS[0][0])
        self.stop_journald()
        native.close()
        self.fds[0] = None

    def start_journald(self):
        if self.journald and self.journald.poll() is None:
            return
        for i, (path, kind) in enumerate(SOCKETS):
            if self.fds[i] is None:
                self.fds[i] = self.make_socket(path, kind)
        fds = [s.fileno() for s in self.fds]

        def hand_over():
            # Socket activation: the fds at 3.., LISTEN_PID our own pid.
            for i, fd in enumerate(fds):
                os.dup2(fd, 3 + i)
            os.environ["LISTEN_PID"] = str(os.getpid())
            os.environ["LISTEN_FDS"] = str(len(fds))

        # os.environ changes in the child reach exec through execvpe's env
        # only if we pass None: use a shell-free exec with the child's env.
        self.journald = subprocess.Popen(
            [sys.executable, "-c",
             "import os,sys; os.execv(sys.argv[1], sys.argv[1:])", JOURNALD],
            preexec_fn=hand_over, pass_fds=(), close_fds=False,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(self.pidfile + ".journald", "w") as f:
            f.write(str(self.journald.pid))

    def stop_journald(self):
        if self.journald and self.journald.poll() is None:
            self.journald.terminate()
            try:
                self.journald.wait(10)
            except subprocess.TimeoutExpired:
                self.journald.kill()
                self.journald.wait()
        self.journald = None

    def run(self):
        stop = False

        def on_signal(sig, frame):
            nonlocal stop
            if sig == signal.SIGUSR1:
                self.stop_journald()
            elif sig == signal.SIGHUP:
                self.vanish()
            elif sig == signal.SIGUSR2:
                self.start_journald()
            else:
                stop = True

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1,
                    signal.SIGUSR2):
            signal.signal(sig, on_signal)
        self.start_journald()
        while not stop:
            signal.pause()
        self.stop_journald()
        for path in self.made:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        for name in (self.pidfile, self.pidfile + ".journald"):
            try:
                os.unlink(name)
            except FileNotFoundError:
                pass


def holder_pid(pidfile):
    with open(pidfile) as f:
        return int(f.read())


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    command, pidfile = sys.argv[1], os.path.abspath(sys.argv[2])
    if command == "start":
        if os.path.exists(SOCKETS[0][0]):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                probe.connect(SOCKETS[0][0])
                print("already running")
                return
            except OSError:
                pass  # a stale socket file: nobody listens
            finally:
                probe.close()
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            os.setsid()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            holder = Holder(pidfile)
            with open(pidfile, "w") as f:
                f.write(str(os.getpid()))
            holder.start_journald()
            os.write(ready_w, b"1")
            os.close(ready_w)
            holder.run()
            os._exit(0)
        os.close(ready_w)
        ok = os.read(ready_r, 1)
        if not ok:
            print("journald harness failed to start", file=sys.stderr)
            sys.exit(1)
        # Wait until journald takes messages.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open(pidfile + ".journald") as f:
                    jpid = int(f.read())
                with open(f"/proc/{jpid}/comm") as f:
                    if f.read().strip().startswith("systemd-journal"):
                        break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        print("started")
    elif command == "stop":
        if not os.path.exists(pidfile):
            return
        pid = holder_pid(pidfile)
        os.kill(pid, signal.SIGTERM)
        if not wait_gone(pid):
            os.kill(pid, signal.SIGKILL)
    elif command in ("down", "up", "vanish"):
        sig = {"down": signal.SIGUSR1, "up": signal.SIGUSR2, "vanish": signal.SIGHUP}[command]
        os.kill(holder_pid(pidfile), sig)
        time.sleep(0.3)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
