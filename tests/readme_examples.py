#!/usr/bin/env python3
"""Checks (or with --update, rewrites) the README's example outputs.

Each block between <!-- example:NAME --> and <!-- /example --> must be the
real output of the command named in EXAMPLES, in a ```text fence.  The
history example reads a synthetic export that GEN_HISTORY writes first,
under build/sam-export of a scratch copy of the layout (examples/ linked).
usage: readme_examples.py RUBDOWN SOURCE_DIR GEN_HISTORY [--update]
"""
import os
import re
import subprocess
import sys
import tempfile

EXAMPLES = {
    "demo": ["plan", "--profile", "examples/sam.yaml", "--plan", "examples/sam-plan.ics",
             "--busy", "examples/sam-busy.ics", "--from", "2026-11-23"],
    "explain": ["explain", "--profile", "examples/sam.yaml", "--plan", "examples/sam-plan.ics",
                "--busy", "examples/sam-busy.ics", "--from", "2026-11-23", "2026-12-04"],
    "history": ["history", "--profile", "examples/sam.yaml", "build/sam-export/export.zip"],
}
# The README's command that makes the export, run before the history example.
GENERATE = ["--count", "20", "--days", "42", "build/sam-export"]


def outputs(rubdown, src, gen):
    """The output of every example, the history one in a scratch directory."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="rubdown-readme-") as tmp:
        os.symlink(os.path.join(src, "examples"), os.path.join(tmp, "examples"))
        os.mkdir(os.path.join(tmp, "build"))
        subprocess.run([gen] + GENERATE, cwd=tmp, check=True, capture_output=True)
        for name, args in EXAMPLES.items():
            out[name] = subprocess.run([rubdown] + args, cwd=tmp, capture_output=True,
                                       text=True, check=True).stdout
    return out


def main():
    rubdown, src, gen = (os.path.abspath(a) for a in sys.argv[1:4])
    update = "--update" in sys.argv[4:]
    path = src + "/README.md"
    text = open(path, encoding="utf-8").read()
    failed = 0
    if ("build/gen_history " + " ".join(GENERATE)) not in text:
        print("README does not show the command that makes the history example's export")
        failed += 1
    for name, out in outputs(rubdown, src, gen).items():
        block = "<!-- example:%s -->\n```text\n%s```\n<!-- /example -->" % (name, out)
        pattern = re.compile(r"<!-- example:%s -->\n.*?<!-- /example -->" % re.escape(name), re.S)
        if not pattern.search(text):
            print("README has no example block %s" % name)
            failed += 1
            continue
        if update:
            text = pattern.sub(lambda m: block, text)
        elif pattern.search(text).group(0) != block:
            print("README example %s differs from the real output: run %s --update" % (name, sys.argv[0]))
            failed += 1
    if update:
        open(path, "w", encoding="utf-8").write(text)
    print("%d passed, %d failed" % (len(EXAMPLES) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
