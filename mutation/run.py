"""`make mutate`: mutmut over the guard modules, each against its own fast tests, and a table killed ÷ checked.

Each module runs in its own work folder (.mutation/<module>/, links to the project plus a setup.cfg whose
[mutmut] section names that module and its tests), so a mutant only ever runs the few test files that are
about its module, and a second run re-tests only what changed. Mutants listed in mutation/equivalent.txt
(no change in behaviour) are left out of the score, and said so.

Usage: python mutation/run.py [--survivors] [--fresh] [--table] [module ...]   (default: every module below)
"""
import argparse
import configparser
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = ROOT / ".mutation"
# Module → the test files that are about it (their other tests only slow each mutant down).
MODULES = {
    "access": ["tests/test_access.py", "tests/test_headers.py", "tests/test_oidc_session.py"],
    "protect": ["tests/test_protect.py"],
    "throttle": ["tests/test_auth.py"],
    "idempotency": ["tests/test_idempotency.py"],
    "crypto": ["tests/test_crypto.py", "tests/test_start_keys.py"],
    "rotation": ["tests/test_rotation.py", "tests/test_crypto.py"],
    "retention": ["tests/test_retention.py"],
    "otp": ["tests/test_twofactor.py"],
    "accounts": ["tests/test_accounts.py", "tests/test_twofactor.py", "tests/test_admin.py", "tests/test_auth.py"],
}
# Module → its file under outreach/ (the package it lives in).
PATHS = {"access": "core/access", "protect": "report/protect", "throttle": "auth/throttle",
         "idempotency": "core/idempotency", "crypto": "core/crypto", "rotation": "core/rotation",
         "retention": "admin/retention", "otp": "auth/otp", "accounts": "core/accounts"}
LINKED = ["outreach", "tests", "templates", "static", "pyproject.toml"]
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 36: "timeout",
          24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def equivalents():
    """Mutant name → its one-line reason from equivalent.txt ("[killed] ..." marks one a test kills by hand)."""
    listed = {}
    for line in (HERE / "equivalent.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            listed[name] = reason.strip()
    return listed


def prepare(module, fresh):
    """The module's work folder: links to the project and a setup.cfg with its own [mutmut] selection."""
    folder = WORK / module
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "setup.cfg")
    config["mutmut"]["only_mutate"] = f"outreach/{PATHS[module]}.py"
    config["mutmut"]["pytest_add_cli_args_test_selection"] = "\n" + "\n".join(MODULES[module])
    with open(folder / "setup.cfg", "w") as f:
        config.write(f)
    return folder


def results(folder, module):
    """Mutant name → status from mutmut's record of the module."""
    meta = folder / "mutants" / "outreach" / f"{PATHS[module]}.py.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: STATUS.get(code, "suspicious") for name, code in codes.items()}


def run(module, jobs, survivors, fresh):
    """Run mutmut for one module in its folder (output to mutmut.log there); returns {mutant: status}."""
    folder = prepare(module, fresh)
    names = []
    if survivors:
        # Listed equivalents survive by definition: re-testing them would only cost time.
        names = [n for n, s in results(folder, module).items() if s != "killed" and n not in equivalents()]
        if not names and results(folder, module):
            return results(folder, module)
    env = {**os.environ, "PYTHONPATH": str(HERE)}  # For the fast_hash plugin named in setup.cfg.
    mutmut = Path(sys.executable).with_name("mutmut")
    with open(folder / "mutmut.log", "w") as log:
        done = subprocess.run([str(mutmut), "run", "--max-children", str(jobs), *names], cwd=folder, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    if done.returncode:
        print(f"{module}: mutmut stopped with {done.returncode}; see {folder / 'mutmut.log'}")
    return results(folder, module)


def table(found, listed):
    """Print one line per module: mutants, killed, survived, timed out, no tests, killed by hand, equivalent, score."""
    head = f"{'module':12} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} {'no test':>7} " \
           f"{'by hand':>7} {'equiv.':>6} {'score':>6}"
    print(head + "\n" + "-" * len(head))
    worst = 100.0
    for module, statuses in found.items():
        count = {s: sum(1 for v in statuses.values() if v == s)
                 for s in ("killed", "survived", "timeout", "no tests", "not checked", "suspicious")}
        # A timeout is not a kill: a worker that hangs (e.g. on a lock) says nothing about the tests.
        left = ("survived", "timeout")
        by_hand = sum(1 for n, s in statuses.items() if s in left and listed.get(n, "").startswith("[killed]"))
        equivalent = sum(1 for n, s in statuses.items() if n in listed and s in left) - by_hand
        checked = len(statuses) - count["not checked"] - equivalent
        score = 100 * (count["killed"] + by_hand) / checked if checked else 0.0
        worst = min(worst, score)
        print(f"{module:12} {len(statuses):7} {count['killed']:6} {count['survived']:8} {count['timeout']:7} "
              f"{count['no tests']:7} {by_hand:7} {equivalent:6} {score:5.1f}%")
    print("score = (killed + killed by hand) ÷ (checked − equivalent); a timeout counts as not killed; "
          "both lists: mutation/equivalent.txt")
    for module, statuses in found.items():
        left = [n for n, s in statuses.items() if s in ("survived", "timeout", "no tests", "suspicious")
                and n not in listed]
        if left:
            print(f"\n{module}: not killed and not listed as equivalent (see: cd .mutation/{module} && "
                  f"{Path(sys.executable).with_name('mutmut')} show NAME)")
            print("\n".join(f"  {n} ({statuses[n]})" for n in sorted(left)))
    return worst


def main():
    """Run the chosen modules one after the other and print the table; exit 1 below 90%."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=[], choices=[[], *MODULES], metavar="module")  # none: all
    parser.add_argument("--survivors", action="store_true",
                        help="re-test only the previous run's survivors that are not listed as equivalent")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results and start over")
    parser.add_argument("--table", action="store_true", help="only print the table of the last results")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATE_JOBS", 2)))
    args = parser.parse_args()
    started, found = time.monotonic(), {}
    for module in args.modules or list(MODULES):
        begun = time.monotonic()
        if args.table:
            found[module] = results(WORK / module, module)
            continue
        found[module] = run(module, args.jobs, args.survivors, args.fresh)
        print(f"{module}: {len(found[module])} mutants in {time.monotonic() - begun:.0f} s", flush=True)
    print()
    worst = table(found, equivalents())
    print(f"\nmake mutate took {(time.monotonic() - started) / 60:.1f} minutes")
    sys.exit(0 if worst >= 90 else 1)


if __name__ == "__main__":
    main()
