"""Run growth.py, field.py and peer.py --runs times, interleaved (growth, field, peer, growth, ...), and print every
ratio they report as min / median / max over the runs: the figures of the README's results section.

Each script already measures its two sides side by side in one process; repeating whole runs shows how much a
ratio moves on this shared machine. Lighthouse (lcp.py) interleaves its own rounds.
"""
import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {"growth.py": ["-n", "15"], "field.py": ["-n", "1000"], "peer.py": ["-n", "1000"]}
GROWTH = re.compile(r"^(/.*?)\s+[\d.]+ ms\s+[\d.]+ ms\s+([\d.]+)×")  # url (may hold a space), a ms, b ms, ratio×
EQUALS = re.compile(r"^(.*?) = ([\d.]+)×")  # "save contact 5000 µs ÷ floor 4000 µs = 1.25×"
COLON = re.compile(r"^([^:=]*?): ([\d.]+)×")  # "save ÷ floor: 1.25× (...)"
BYTES = re.compile(r"^contact form bytes: .*\(([+-][\d,]+) bytes\)")


def ratios(script, out):
    """{name: ratio} of one run's output."""
    found = {}
    for line in out.splitlines():
        if m := GROWTH.match(line):
            found[f"growth {m[1]}"] = float(m[2])
        elif m := BYTES.match(line):
            found["contact form bytes at 1,000 − at 12 spots"] = float(m[1].replace(",", ""))
        elif m := EQUALS.match(line) or COLON.match(line):
            name = re.sub(r" [\d.]+ µs", "", m[1]).removeprefix("floor: ")
            found[f"{script[:-3]}: {name}"] = float(m[2])
    return found


def main():
    """Run, collect, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    got = {}
    for run in range(args.runs):
        for script, extra in SCRIPTS.items():
            out = subprocess.run([sys.executable, str(HERE / script), *extra], capture_output=True, text=True,
                                 check=True).stdout
            print(f"--- run {run + 1}: {script}\n{out}", flush=True)
            for name, value in ratios(script, out).items():
                got.setdefault(name, []).append(value)
    print(f"{'figure':60} min / median / max over {args.runs} runs")
    for name, values in got.items():
        print(f"{name:60} {min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}")


if __name__ == "__main__":
    main()
