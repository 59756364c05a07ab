# SPDX-License-Identifier: GPL-2.0-or-later
"""The man pages against the programs: every option a tool's --help
lists (long and short) is described in its man page, every configuration
key `--configuration` prints is described in the tool's configuration
page, and every page formats without a groff warning at 80 columns (a
table too wide, a bad request).

usage: man_pages.py MAN_DIR TOOL..."""

import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402


def page_text(path):
    """The page's source with man escapes for '-' taken out."""
    with open(path, encoding="utf-8") as f:
        return f.read().replace("\\-", "-").replace("\\&", "")


def help_options(tool, env):
    """Long options (without '--') and short ones (one letter) that
    `tool --help` lists at the start of its option lines."""
    r = t.run([tool, "--help"], env=env)
    t.check(r.returncode == 0, f"{tool} --help: exit {r.returncode}")
    long_opts, short_opts = set(), set()
    for line in r.stdout.decode().splitlines():
        m = re.match(r"\s+(?:-([A-Za-z0-9])\b[ ,]*)?(?:--([a-z][a-z0-9-]*))?", line)
        if not m:
            continue
        if m.group(1):
            short_opts.add(m.group(1))
        if m.group(2):
            long_opts.add(m.group(2))
    t.check(long_opts, f"{tool} --help lists no long option")
    return long_opts, short_opts


def config_keys(value, prefix=""):
    """Dotted keys of the JSON `--configuration` prints (leaves only)."""
    keys = set()
    for k, v in value.items():
        name = prefix + k
        if isinstance(v, dict):
            keys |= config_keys(v, name + ".")
        else:
            keys.add(name)
    return keys


def check_page_formats(path):
    r = t.run(["groff", "-t", "-man", "-Tutf8", "-ww", "-z", "-rLL=78n", path])
    warnings = r.stderr.decode().strip()
    t.check(r.returncode == 0 and not warnings,
            f"{os.path.basename(path)} does not format cleanly:\n{warnings}")


def main():
    man_dir = os.path.abspath(sys.argv[1])
    tools = [os.path.abspath(p) for p in sys.argv[2:]]
    t.check(tools, "no tools named")
    t.require(shutil.which("groff") is not None, "groff (apt-get install groff-base)")
    env = t.test_env()
    pages = sorted(p for p in os.listdir(man_dir) if re.search(r"\.[1-8]$", p))
    checked = 0
    for page in pages:
        check_page_formats(os.path.join(man_dir, page))
    for tool in tools:
        name = os.path.basename(tool)
        page = os.path.join(man_dir, name + ".8")
        t.check(os.path.exists(page), f"{name} has no man page ({page})")
        text = page_text(page)
        long_opts, short_opts = help_options(tool, env)
        missing = sorted("--" + o for o in long_opts if "--" + o not in text)
        missing += sorted("-" + o for o in short_opts
                          if not re.search(r"(?<![\w-])-" + re.escape(o) + r"\b", text))
        t.check(not missing, f"{name}(8) does not describe: {' '.join(missing)}")
        checked += len(long_opts) + len(short_opts)
        conf_page = os.path.join(man_dir, name + ".conf.5")
        r = t.run([tool, "--configuration"], env=env)
        t.check(r.returncode == 0, f"{name} --configuration: exit {r.returncode}")
        keys = config_keys(json.loads(r.stdout))
        conf_text = page_text(conf_page)
        # A page may take another's keys by naming it (tlog-rec-session's
        # takes tlog-rec's): those count as described.
        for other in sorted(set(re.findall(r"^\.BR ([a-z-]+\.conf) \(5\)", conf_text, re.M))):
            if other != name + ".conf":
                conf_text += page_text(os.path.join(man_dir, other + ".5"))
        # Each key is a row of the page's table or a tagged paragraph's
        # tag (".B key" or ".BR key \" (type)\"").
        missing = sorted(k for k in keys
                         if not re.search(r"^(?:\.BR? )?" + re.escape(k) + r"(?:[\t \"]|$)",
                                          conf_text, re.M))
        t.check(not missing, f"{name}.conf(5) does not describe keys: {' '.join(missing)}")
        checked += len(keys)
        print(f"ok: {name}: {len(long_opts)} long and {len(short_opts)} short options in "
              f"{name}(8), {len(keys)} keys in {name}.conf(5)")
    print(f"ok: {len(pages)} pages format without warnings; {checked} names checked")


t.run_main(main)
