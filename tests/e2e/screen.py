# SPDX-License-Identifier: GPL-2.0-or-later
"""Screen dumps through tmux: a program that draws with cursor movement,
colours and wide characters is recorded by our tlog-rec in one tmux
window; the recording is played by our tlog-play and by the reference's
in two more. All three screens (text and attributes, from capture-pane)
must be the same.

usage: screen.py TLOG_REC TLOG_PLAY"""

import os
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

DRAW = r"""
printf '\033[2J\033[H'
printf 'top-left \033[1;31mred bold\033[0m normal\n'
printf '\033[10;20Hat 10,20: \342\202\254 \360\237\230\200 wide'
printf '\033[5;1H\033[7mreverse\033[0m and \033[4munderline\033[0m\033[K'
sleep 0.2
printf '\033[12;1Hline A\rline B overwrites\n'
printf 'tab\tstop\tagain\n'
printf '\033[3;5Hlate write\033[2;1H\033[32mgreen\033[0m'
printf '\033[15;1H'
"""


class Tmux:
    def __init__(self, tmp):
        self.socket = os.path.join(tmp, "tmux.sock")
        self.env = t.test_env({"TMUX": ""})

    def run(self, *args, timeout=30):
        res = t.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args], env=self.env,
                    timeout=timeout)
        t.check(res.returncode == 0, f"tmux {' '.join(args)}: "
                f"{res.stderr.decode(errors='replace')}")
        return res.stdout

    def screen_after(self, name, command):
        """Runs @command in a new 80x24 window and returns the screen once
        it has finished (text with attributes)."""
        channel = f"done-{name}"
        shell = (f"{command}; tmux -S {shlex.quote(self.socket)} wait-for -S {channel};"
                 f" sleep 600")
        self.run("new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell)
        try:
            self.run("wait-for", channel, timeout=60)
        except t.Failure:
            screen = self.run("capture-pane", "-p", "-t", name).decode(errors="replace")
            raise t.Failure(f"{name}: {command!r} did not finish; screen:\n{screen}")
        return self.run("capture-pane", "-p", "-e", "-t", name).decode(errors="replace")

    def kill(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], env=self.env,
                       stderr=subprocess.DEVNULL)


def main():
    our_rec, our_play = map(os.path.abspath, sys.argv[1:3])
    t.require(shutil.which("tmux") is not None, "tmux (apt-get install tmux)")
    t.require_reference()
    with t.tempdir() as tmp:
        draw = os.path.join(tmp, "draw.sh")
        with open(draw, "w") as f:
            f.write(DRAW)
        log = os.path.join(tmp, "screen.log")
        tmux = Tmux(tmp)
        try:
            live = tmux.screen_after(
                "live", f"{shlex.quote(our_rec)} -o {shlex.quote(log)} sh {shlex.quote(draw)}")
            ours = tmux.screen_after(
                "ours", f"{shlex.quote(our_play)} -r file -i {shlex.quote(log)}")
            ref = tmux.screen_after(
                "ref", f"{t.REF_PLAY} -r file -i {shlex.quote(log)}")
        finally:
            tmux.kill()
        t.check("red bold" in live and "late write" in live and "\u20ac \U0001F600 wide" in live,
                f"the live screen lacks the drawing:\n{live}")
        t.check(ours == live, f"our player's screen differs from the live one:\n--- live\n"
                f"{live!r}\n--- ours\n{ours!r}")
        t.check(ref == live, f"the reference player's screen differs from the live one:\n"
                f"--- live\n{live!r}\n--- reference\n{ref!r}")


if __name__ == "__main__":
    t.run_main(main)
