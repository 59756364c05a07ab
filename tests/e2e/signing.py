# SPDX-License-Identifier: GPL-2.0-or-later
"""Signed recordings in a file: `tlog-rec --sign-key` adds "tlog_sig" (and
"tlog_end" on the last line) to the v2.3 messages; the reference tlog-play
plays the signed file as it plays the same file without them;
`tlog-play --verify` says intact, and NOT INTACT (exit 1) for each kind of
tampering: an edited message, a dropped, swapped or replayed one, a cut
end, another key. A key others can read, or a link, is refused before the
program runs.

usage: signing.py TLOG_REC TLOG_PLAY"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

MARKS = re.compile(r',"tlog_sig":"[^"]*"|,"tlog_end":true')


def record(tlog_rec, path, key, command, env):
    r = t.run([tlog_rec, "--payload=200", f"--sign-key={key}", "-o", path, "sh", "-c", command],
              env=env)
    t.check(r.returncode == 0, f"tlog-rec: {r.returncode} {r.stderr!r}")
    with open(path) as f:
        return f.read().splitlines()


def write(path, lines):
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return path


def verify(tlog_play, path, pub, env):
    r = t.run([tlog_play, "-r", "file", "-i", path, f"--verify={pub}"], env=env)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def reference_plays(path, env):
    with t.tempfile.TemporaryFile() as err:
        proc = t.PtyProcess([t.REF_PLAY, "-r", "file", "-i", path], env=env, stderr=err)
        code = proc.finish(timeout=30)
        err.seek(0)
        return code, bytes(proc.output), err.read()


def main():
    tlog_rec, tlog_play = (os.path.abspath(p) for p in sys.argv[1:3])
    t.require_reference()
    env = t.test_env()
    with t.tempdir() as tmp:
        key, pub = t.make_keys(tmp)
        path = os.path.join(tmp, "signed.log")
        lines = record(tlog_rec, path, key, "for i in $(seq 1 300); do echo signed-line-$i; done",
                       env)
        t.check(len(lines) > 8, f"only {len(lines)} messages")
        t.check('"tlog_sig":' in lines[0] and lines[-1].endswith(',"tlog_end":true}'),
                f"first or last line unmarked: {lines[0][-120:]} / {lines[-1][-160:]}")
        code, out, err = verify(tlog_play, path, pub, env)
        t.check(code == 0 and f": intact: messages 1-{len(lines)}," in out,
                f"untouched: {code} {out!r} {err!r}")

        # The reference plays it, as it plays the same messages unmarked.
        plain = write(os.path.join(tmp, "plain.log"), [MARKS.sub("", line) for line in lines])
        signed_play, plain_play = reference_plays(path, env), reference_plays(plain, env)
        t.check(signed_play[0] == 0 and b"signed-line-300" in signed_play[1],
                f"the reference on the signed file: {signed_play}")
        t.check_equal(signed_play[1], plain_play[1], "the reference's output, signed vs plain")

        def tampered(name, changed, expected):
            code, out, err = verify(tlog_play, write(os.path.join(tmp, name), changed), pub, env)
            t.check(code == 1 and "NOT INTACT: " + expected in out,
                    f"{name}: exit {code}, {out!r} (expected {expected!r}) {err!r}")
            print(f"{name}: {out.strip()}")

        edited = list(lines)
        edited[3] = edited[3].replace("signed-line", "signed-lime", 1)
        t.check(edited[3] != lines[3], "nothing edited")
        tampered("edited.log", edited, "message ")
        t.check("does not match" in verify(tlog_play, os.path.join(tmp, "edited.log"), pub,
                                           env)[1], "an edit is not a signature mismatch")
        tampered("dropped.log", lines[:3] + lines[4:], "message 4 is missing")
        tampered("swapped.log", lines[:3] + [lines[4], lines[3]] + lines[5:],
                 "message 4 is missing")
        tampered("truncated.log", lines[:-1], "")
        tampered("unmarked.log", lines[:-1] + [MARKS.sub("", lines[-1])], "")

        other = record(tlog_rec, os.path.join(tmp, "other.log"), key,
                       "for i in $(seq 1 300); do echo other-line-$i; done", env)
        rec = json.loads(lines[0])["rec"]
        copied = json.loads(other[3])
        copied["rec"] = rec
        tampered("replayed.log", lines[:3] + [json.dumps(copied, separators=(",", ":"))] +
                 lines[4:], "message ")

        _, other_pub = t.make_keys(tmp, "other")
        code, out, _ = verify(tlog_play, path, other_pub, env)
        t.check(code == 1 and "NOT INTACT: message 1: the signature does not match" in out,
                f"another key: {code} {out!r}")

        # Keys that others could read or swap are refused; the program
        # does not run.
        marker = os.path.join(tmp, "ran")
        os.chmod(key, 0o644)
        r = t.run([tlog_rec, f"--sign-key={key}", "-o", os.path.join(tmp, "x.log"),
                   "touch", marker], env=env)
        t.check(r.returncode != 0 and b"mode 0644" in r.stderr and key.encode() in r.stderr
                and not os.path.exists(marker), f"0644 key: {r.returncode} {r.stderr!r}")
        os.chmod(key, 0o600)
        link = os.path.join(tmp, "link.key")
        os.symlink(key, link)
        r = t.run([tlog_rec, f"--sign-key={link}", "-o", os.path.join(tmp, "y.log"),
                   "touch", marker], env=env)
        t.check(r.returncode != 0 and link.encode() in r.stderr and not os.path.exists(marker),
                f"linked key: {r.returncode} {r.stderr!r}")


if __name__ == "__main__":
    t.run_main(main)
