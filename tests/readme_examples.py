#!/usr/bin/env python3
"""Checks (or with --update, rewrites) the README's example outputs.

Each block between <!-- example:NAME --> and <!-- /example --> must be the
real output of the command named in EXAMPLES, in a ```text fence.
usage: readme_examples.py RUBDOWN SOURCE_DIR [--update]
"""
import re
import subprocess
import sys

EXAMPLES = {
    "demo": ["plan", "--profile", "examples/sam.yaml", "--plan", "examples/sam-plan.ics",
             "--busy", "examples/sam-busy.ics", "--from", "2026-11-23"],
    "explain": ["explain", "--profile", "examples/sam.yaml", "--plan", "examples/sam-plan.ics",
                "--busy", "examples/sam-busy.ics", "--from", "2026-11-23", "2026-12-04"],
}


def main():
    rubdown, src = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    path = src + "/README.md"
    text = open(path, encoding="utf-8").read()
    failed = 0
    for name, args in EXAMPLES.items():
        out = subprocess.run([rubdown] + args, cwd=src, capture_output=True, text=True, check=True).stdout
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
