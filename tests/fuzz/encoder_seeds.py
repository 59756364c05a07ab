#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed corpus of fuzz_encoder (corpus/encoder/) in the input
layout that fuzz_encoder.cpp reads: a payload, the envelope and the start
times, then operations. Run it from anywhere; it replaces the seeds."""
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus', 'encoder')


class Seed:
    def __init__(self, payload=2048, host=b'vm', user=b'root', term=b'xterm',
                 session=0xFFFFFFFF, start_us=1000, realtime_ms=0):
        self.data = bytearray(self.payload_bytes(payload))
        for text in (host, user, term):
            self.data += bytes([len(text)]) + text
        self.data += struct.pack('<III', session, start_us, realtime_ms)

    @staticmethod
    def payload_bytes(payload):
        n = payload - 32
        if n < 0x80:
            return bytes([n])
        return bytes([0x80 | n >> 8, n & 0xFF])

    def io(self, output, data):
        # op % 8 in 0..3: op % 2 is the direction, op // 8 + 1 the length.
        for i in range(0, len(data), 32):
            chunk = data[i:i + 32]
            self.data += bytes([8 * (len(chunk) - 1) + (1 if output else 0)]) + chunk
        return self

    def out(self, data):
        return self.io(True, data)

    def inp(self, data):
        return self.io(False, data)

    def window(self, cols, rows):
        self.data += bytes([4]) + struct.pack('<HH', cols, rows)
        return self

    def step(self, kind, n):
        # kind: 0 ns, 1 us, 3 ms (n % 2000), 5 s, 6 back 100 ns units, 7 back ms
        self.data += bytes([5, kind]) + struct.pack('<H', n)
        return self

    def flush(self):
        self.data += bytes([6])
        return self

    def set_payload(self, payload):
        self.data += bytes([7]) + self.payload_bytes(payload)
        return self


def seeds():
    s = {}
    s['session'] = (Seed().window(80, 24).out(b'$ ').step(3, 539).inp(b'echo h\xc3\xa9llo\r')
                    .out(b'echo h\xc3\xa9llo\r\nh\xc3\xa9llo\r\n$ ').step(3, 350).window(100, 40)
                    .inp(b'exit\r').out(b'exit\r\n'))
    s['control-bytes'] = Seed().out(bytes(range(0, 32)) + b'\x7f"\\/')
    s['invalid-utf8'] = Seed().out(b'bad:\xff\xfe part:\xe2\x82 end\n\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80')
    s['wide-chars'] = Seed().out('€😀中文\U0010FFFF\uFFFD'.encode())
    split = Seed()
    for b in '😀'.encode():
        split.out(bytes([b])).step(3, 100)
    s['split-char'] = split
    s['split-char-cut'] = Seed().out(b'\xf0\x9f').step(3, 10).out(b'\x98x').step(3, 5).out(b'\xe2')
    s['held-both'] = Seed().inp(b'\xe2\x82').step(3, 1).out(b'\xf0').step(7, 3)
    s['payload-64'] = Seed(payload=64).out(b'0123456789' * 20)
    s['payload-40'] = Seed(payload=40).window(80, 24).out(('é' * 30).encode())
    s['payload-32'] = Seed(payload=32).window(65535, 65535).out(b'\xff' * 40 + b'\x01' * 10)
    s['clock-back'] = (Seed().out(b'a').step(3, 1000).out(b'b').step(7, 2000).out(b'c')
                       .step(6, 50000).inp(b'd').step(0, 999).out(b'e'))
    s['before-start'] = Seed(start_us=4000000).step(7, 4999).out(b'early').step(5, 1).out(b'late')
    s['big-steps'] = Seed().out(b'x').step(5, 65535).out(b'y').step(5, 3600).window(1, 1)
    s['latency-flush'] = Seed().out(b'one').flush().out(b'two').step(5, 10).flush().flush()
    s['payload-change'] = (Seed(payload=2048).out(b'z' * 100).set_payload(32)
                           .out(b'y' * 64).set_payload(300).out(b'x' * 64))
    s['interleaved'] = Seed()
    for i in range(20):
        s['interleaved'].inp(bytes([0x61 + i])).out(bytes([0x41 + i]))
    s['windows-only'] = Seed().window(80, 24).window(80, 24).step(3, 5).window(0, 0).window(132, 50)
    s['envelope'] = Seed(host=b'h\xffst"\\', user=b'\x01user', term=b'', session=7,
                         realtime_ms=123456789)
    s['sub-ms'] = Seed()
    for i in range(30):
        s['sub-ms'].out(b'.').step(1, 300)
    rng = random.Random(7)
    for n in range(5):
        r = Seed(payload=rng.choice([32, 48, 64, 200, 2048]))
        for _ in range(60):
            k = rng.randrange(7)
            if k < 3:
                r.io(k == 0, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))))
            elif k == 3:
                r.window(rng.randrange(1, 300), rng.randrange(1, 100))
            elif k == 4:
                r.step(rng.choice([0, 1, 3, 3, 5, 6, 7]), rng.randrange(0, 3000))
            elif k == 5:
                r.flush()
            else:
                r.out('é€😀a\n'.encode())
        s['random-%d' % n] = r
    return s


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    for name, seed in seeds().items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(seed.data)


if __name__ == '__main__':
    main()
