# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs one benchmark command under /usr/bin/time on a fresh pty, like a
terminal that throws away what it gets; prints one line:
  wall_s user_s sys_s max_rss_kb bytes_received exit_status

usage: ptydrive.py CMD [ARG...]"""

import fcntl
import os
import select
import struct
import subprocess
import sys
import tempfile
import termios


def main():
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    with tempfile.NamedTemporaryFile("r") as times:
        proc = subprocess.Popen(
            ["/usr/bin/time", "-f", "%e %U %S %M", "-o", times.name] + sys.argv[1:],
            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        received = 0
        while True:
            select.select([master], [], [])
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # EIO: everything on the pty has exited
                break
            if not data:
                break
            received += len(data)
        status = proc.wait()
        fields = times.read().split()
    # time(1) writes "Command exited with non-zero status N" first on failure.
    print(" ".join(fields[-4:]), received, status)


if __name__ == "__main__":
    main()
