# SPDX-License-Identifier: GPL-2.0-or-later
"""The program the cross-play tests record. It turns off output
post-processing on its terminal, so the bytes it writes are exactly the
bytes the recorder reads, prints awkward bytes, waits for a window resize,
prints the new size and some more, and exits 0.

Imported by the tests for expected_output(); run as a script to print."""

import os
import signal
import sys
import termios

MARKER = b"[waiting for a resize]\r\n"


def part_one():
    return (b"plain ascii\r\n"
            # invalid bytes, and a sequence cut short by a valid byte
            b"bad:\xff\xfe part:\xe2\x82 end\r\n"
            # 2-, 3- and 4-byte characters, U+1F600 among them
            b"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\r\n"
            # overlong, surrogate and beyond-U+10FFFF encodings are invalid
            b"\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80\r\n"
            # every control byte, then DEL, then the C1 range as UTF-8
            + bytes(range(0x00, 0x20)) + b"\x7f"
            + "".join(chr(c) for c in range(0x80, 0xa0)).encode() + b"\r\n"
            # all 256 byte values in a row
            + bytes(range(256)) + b"\r\n"
            + MARKER)


def part_two(cols, rows):
    return (f"size={cols}x{rows}\r\n".encode()
            + b"after resize \xf0\x9f\x98\x80\xf0\x9f\x98\x80\r\n"
            # ends with an incomplete sequence: written as binary
            + b"last:\xe2\x82")


def expected_output(cols, rows):
    return part_one() + part_two(cols, rows)


def main():
    fd = sys.stdout.fileno()
    attrs = termios.tcgetattr(fd)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGWINCH])
    os.write(fd, part_one())
    if signal.sigtimedwait([signal.SIGWINCH], 10.0) is None:
        os.write(fd, b"size=timeout\r\n")
    rows, cols = struct_winsize(fd)
    os.write(fd, part_two(cols, rows))


def struct_winsize(fd):
    size = os.get_terminal_size(fd)
    return size.lines, size.columns


if __name__ == "__main__":
    main()
