"""Print each not-killed mutant of the given modules with its diff and whether equivalent.txt lists it.

Usage: python mutation/survivors.py [--all] module ...   (--all: also those listed as equivalent)
"""
import subprocess
import sys
from pathlib import Path

from run import WORK, equivalents, results


def main():
    """For each module: every mutant not killed, its status, its listing and `mutmut show` diff."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    listed = equivalents()
    mutmut = Path(sys.executable).with_name("mutmut")
    for module in args:
        folder = WORK / module
        for name, status in sorted(results(folder, module).items()):
            if status in ("killed", "not checked") or (name in listed and "--all" not in sys.argv):
                continue
            note = f"LISTED: {listed[name]}" if name in listed else "not listed"
            print(f"=== {name} ({status}) {note}")
            shown = subprocess.run([str(mutmut), "show", name], cwd=folder, capture_output=True, text=True)
            print("\n".join(l for l in shown.stdout.splitlines() if l.startswith(("+", "-", "@")) and
                            not l.startswith(("+++", "---"))))


if __name__ == "__main__":
    main()
