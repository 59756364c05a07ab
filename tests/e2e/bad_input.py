# SPDX-License-Identifier: GPL-2.0-or-later
"""Bad input to tlog-play and tlog-rec: each case must exit non-zero with
the documented status (2 for usage errors, 1 otherwise), never die by a
signal, and name the place (FILE:LINE, the key or the option).

usage: bad_input.py TLOG_REC TLOG_PLAY"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402


def message(n, text, **changes):
    m = {"ver": "2.3", "host": "e2e.example", "rec": "0123456789abcdef0123456789abcdef-1-2",
         "user": "tester", "term": "xterm", "session": 1, "id": n, "pos": (n - 1) * 10,
         "time": 1700000000.0 + n / 100, "timing": f">{len(text)}", "in_txt": "",
         "in_bin": [], "out_txt": text, "out_bin": []}
    m.update(changes)
    return json.dumps(m, ensure_ascii=False, separators=(",", ":"))


def write(path, lines, final_newline=True):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + ("\n" if final_newline else ""))


def expect_failure(res, what, codes, names):
    """@codes: accepted exit statuses; @names: strings stderr must hold."""
    err = res.stderr.decode(errors="replace")
    t.check(res.returncode >= 0 and res.returncode < 128,
            f"{what}: died: {t.describe_status(res.returncode)}; stderr: {err!r}")
    t.check(res.returncode in codes,
            f"{what}: exit {res.returncode}, expected one of {codes}; stderr: {err!r}")
    for name in names:
        t.check(name in err, f"{what}: stderr does not name {name!r}: {err!r}")


class Cases:
    def __init__(self, rec, play, tmp):
        self.rec, self.play, self.tmp = rec, play, tmp
        self.env = t.test_env()
        self.failures = []

    def path(self, name):
        return os.path.join(self.tmp, name)

    def play_file(self, path, *extra, env=None):
        return t.run([self.play, "-r", "file", "-i", path, *extra], env=env or self.env,
                     timeout=30)

    def run(self, name, fn):
        try:
            fn()
            print(f"ok   {name}")
        except t.Failure as e:
            print(f"FAIL {name}: {e}")
            self.failures.append(name)

    # --- tlog-play ---------------------------------------------------------
    def malformed_json(self):
        p = self.path("malformed.log")
        write(p, [message(1, "one\r\n"), '{"ver":"2.3","host":', message(3, "three\r\n")])
        expect_failure(self.play_file(p), "malformed JSON", (1,), [f"{p}:2"])

    def truncated_last_line(self):
        p = self.path("truncated.log")
        second = message(2, "two\r\n")
        write(p, [message(1, "one\r\n"), second[:len(second) // 2]], final_newline=False)
        expect_failure(self.play_file(p), "truncated last line", (1,), [f"{p}:2"])

    def wrong_types(self):
        cases = {"id": "1", "pos": "0", "timing": 5, "out_txt": ["x"], "out_bin": "x",
                 "ver": True}
        for key, bad in cases.items():
            p = self.path(f"type-{key}.log")
            write(p, [message(1, "one\r\n"), message(2, "two\r\n", **{key: bad})])
            expect_failure(self.play_file(p), f"wrong type for {key!r}", (1,), [f"{p}:2"])

    def id_gap(self):
        p = self.path("gap.log")
        write(p, [message(1, "one\r\n"), message(3, "three\r\n")])
        res = self.play_file(p)
        expect_failure(res, "id gap without --lax", (1,), [f"{p}:2"])
        res = self.play_file(p, "--lax")
        err = res.stderr.decode(errors="replace")
        t.check(res.returncode == 0, f"id gap with --lax: {t.describe_status(res.returncode)}; "
                f"stderr: {err!r}")
        t.check(res.stdout == b"one\r\nthree\r\n", f"id gap with --lax played {res.stdout!r}")
        t.check("missing" in err, f"id gap with --lax: no report of the 'missing' "
                f"messages on stderr: {err!r}")

    def unknown_config_key(self):
        p = self.path("good.log")
        write(p, [message(1, "one\r\n")])
        env = t.test_env({"TLOG_PLAY_CONF_TEXT": '{"no_such_key_e2e": 1}'})
        expect_failure(self.play_file(p, env=env), "unknown key in TLOG_PLAY_CONF_TEXT", (1, 2),
                       ["no_such_key_e2e"])

    def missing_file(self):
        p = self.path("does-not-exist.log")
        expect_failure(self.play_file(p), "missing file", (1,), [p])

    def read_error(self):
        # A file whose read fails with EIO (as a failing disk does): an
        # error naming it, not an empty recording played to its "end".
        expect_failure(self.play_file("/proc/self/mem"), "read error", (1,),
                       ["reading /proc/self/mem", "Input/output error"])

    def play_unknown_option(self):
        res = t.run([self.play, "--no-such-option-e2e"], env=self.env)
        expect_failure(res, "tlog-play unknown option", (2,), ["no-such-option-e2e"])

    # --- tlog-rec ----------------------------------------------------------
    def rec_case(self, what, argv, names, codes=(1, 2), env=None):
        """The recorded command must not run when the set-up is bad."""
        marker = self.path("ran-" + what.replace(" ", "-"))
        log = self.path("rec-" + what.replace(" ", "-") + ".log")
        res = t.run([self.rec, *argv, "-o", log, "touch", marker], env=env or self.env)
        expect_failure(res, what, codes, names)
        t.check(not os.path.exists(marker), f"{what}: the command ran anyway")

    def rec_unknown_option(self):
        self.rec_case("tlog-rec unknown option", ["--no-such-option-e2e"],
                      ["no-such-option-e2e"], codes=(2,))

    def rec_unknown_writer(self):
        self.rec_case("tlog-rec unknown writer", ["-w", "nowhere-e2e"], ["nowhere-e2e"])

    def rec_bad_config_key(self):
        env = t.test_env({"TLOG_REC_CONF_TEXT": '{"no_such_key_e2e": 1}'})
        self.rec_case("tlog-rec bad config key", [], ["no_such_key_e2e"], env=env)

    def rec_payload_too_small(self):
        self.rec_case("tlog-rec payload below minimum", ["--payload=16"], ["payload"])


def main():
    our_rec, our_play = map(os.path.abspath, sys.argv[1:3])
    with t.tempdir() as tmp:
        c = Cases(our_rec, our_play, tmp)
        for name in ("malformed_json", "truncated_last_line", "wrong_types", "id_gap",
                     "unknown_config_key", "missing_file", "read_error", "play_unknown_option",
                     "rec_unknown_option", "rec_unknown_writer", "rec_bad_config_key",
                     "rec_payload_too_small"):
            c.run(name, getattr(c, name))
        t.check(not c.failures, f"{len(c.failures)} case(s) failed: {', '.join(c.failures)}")


if __name__ == "__main__":
    t.run_main(main)
