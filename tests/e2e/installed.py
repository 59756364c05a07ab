# SPDX-License-Identifier: GPL-2.0-or-later
"""What `meson install` puts in place, as a user or a package gets it:
installed into a temporary DESTDIR from the build directory, the programs,
man pages, systemd snippets and configuration files are where the prefix
says, the installed programs run, and the installed configuration files
are read by them: each parses, each key it shows commented out is a key
the program knows with exactly that value as its default, and every key
the program has is shown there.

usage: installed.py BUILD_DIR"""

import json
import os
import pwd
import re
import shutil
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

OPEN = re.compile(r'^\s*"([a-z_]+)":\s*\{\s*$')
CLOSE = re.compile(r"^\s*\},?\s*$")
DEFAULT = re.compile(r'^\s*//\s*"([a-z_]+)":\s*(.+?),?\s*$')


def shown_defaults(path):
    """{dotted key: value} of the commented-out default lines of @path."""
    stack, shown = [], {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if m := OPEN.match(line):
                stack.append(m.group(1))
            elif CLOSE.match(line) and stack:
                stack.pop()
            elif m := DEFAULT.match(line):
                key = ".".join(stack + [m.group(1)])
                try:
                    shown[key] = json.loads(m.group(2))
                except json.JSONDecodeError:
                    raise t.Failure(f"{path}:{number}: the default of {key} is not JSON: "
                                    f"{m.group(2)!r}")
    return shown


def leaves(value, prefix=""):
    out = {}
    for k, v in value.items():
        if isinstance(v, dict):
            out.update(leaves(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def check_conf(conf_dir, programs):
    env_names = {"tlog-rec": "TLOG_REC_CONF_FILE", "tlog-rec-session":
                 "TLOG_REC_SESSION_CONF_FILE", "tlog-play": "TLOG_PLAY_CONF_FILE"}
    for name, program in programs.items():
        path = os.path.join(conf_dir, name + ".conf")
        t.check(os.path.exists(path), f"{path} is installed")
        # Read as the program reads its system file (the same parser).
        r = t.run([program, "--configuration"], env=t.test_env({env_names[name]: path}))
        t.check(r.returncode == 0, f"{name} reads {path}: {r.stderr.decode(errors='replace')}")
        defaults = leaves(json.loads(t.run([program, "--configuration"], env=t.test_env()).stdout))
        t.check(leaves(json.loads(r.stdout)) == defaults,
                f"{path} as shipped changes nothing but comments")
        shown = shown_defaults(path)
        wrong = {k: (v, defaults.get(k)) for k, v in shown.items() if defaults.get(k, v) != v}
        unknown = sorted(set(shown) - set(defaults))
        missing = sorted(set(defaults) - set(shown))
        t.check(not unknown, f"{path} shows keys {name} does not have: {unknown}")
        t.check(not wrong, f"{path} shows defaults that are not (shown, real): {wrong}")
        t.check(not missing, f"{path} does not show the keys {missing}")
        print(f"{path}: {len(shown)} keys with their defaults")


def build_options(build):
    r = t.run(["meson", "introspect", "--buildoptions", build])
    t.check(r.returncode == 0, f"meson introspect: {r.stderr!r}")
    return {o["name"]: o["value"] for o in json.loads(r.stdout)}


def main():
    t.require(len(sys.argv) == 2, __doc__)
    build = sys.argv[1]
    opts = build_options(build)
    with t.tempdir() as dest:
        r = t.run(["meson", "install", "-C", build, "--no-rebuild", "--quiet",
                   "--destdir", dest], timeout=120)
        t.check(r.returncode == 0, f"meson install: {r.stderr.decode(errors='replace')}")

        def at(*parts):
            return os.path.join(dest, *[p.lstrip("/") for p in parts])
        prefix = opts["prefix"]
        bindir = os.path.join(prefix, opts["bindir"])
        sysconfdir = os.path.join(prefix, opts["sysconfdir"])
        programs = {name: at(bindir, name) for name in ("tlog-rec", "tlog-rec-session",
                                                        "tlog-play")}
        for name, path in programs.items():
            t.check(os.access(path, os.X_OK), f"{name} is installed in {bindir}")
            st = os.stat(path)
            if name == "tlog-rec-session" and st.st_mode & 0o6000:
                # Made set-id by the install script (root, and a tlog user
                # exists): to tlog, 6755.
                owner = pwd.getpwuid(st.st_uid).pw_name
                t.check(owner == "tlog" and stat.S_IMODE(st.st_mode) == 0o6755,
                        f"installed set-id to tlog with mode 6755: {owner} "
                        f"{stat.S_IMODE(st.st_mode):o}")
                # A sanitizer's leak check cannot run set-id: run a copy.
                plain = os.path.join(dest, "tlog-rec-session.copy")
                shutil.copy(path, plain)
                path = plain
            r = t.run([path, "--version"])
            t.check(r.returncode == 0 and r.stdout.decode().startswith(name + " "),
                    f"the installed {name} runs: {r.stdout!r} {r.stderr!r}")
        if opts["man"] != "disabled":
            mandir = os.path.join(prefix, opts["mandir"])
            for page in ("tlog-rec.8", "tlog-rec-session.8", "tlog-play.8", "tlog-rec.conf.5",
                         "tlog-rec-session.conf.5", "tlog-play.conf.5"):
                path = at(mandir, "man" + page[-1], page)
                t.check(os.path.exists(path), f"man page {page} is installed in {mandir}")
        # tmpfiles.d and sysusers.d: the lock directory and the tlog user.
        units = [os.path.relpath(os.path.join(d, f), dest) for d, _, files in os.walk(dest)
                 for f in files if f == "tlog.conf" and os.path.basename(d) in
                 ("tmpfiles.d", "sysusers.d")]
        t.check(sorted(os.path.basename(os.path.dirname(u)) for u in units) ==
                ["sysusers.d", "tmpfiles.d"], f"tmpfiles.d and sysusers.d snippets: {units}")
        check_conf(at(sysconfdir, "tlog"), programs)




if __name__ == "__main__":
    t.run_main(main)
