#!/bin/sh
# Run tests against one mutant by hand, in a scratch copy of a module's mutants folder with the current tests.
# Usage: mutation/try_mutant.sh MODULE MUTANT_NAME pytest-args...   (from the project root)
set -e
module=$1; mutant=$2; shift 2
root=$(pwd)
scratch=/tmp/mscratch-$(id -u)-$module
rm -rf "$scratch" && mkdir -p "$scratch"
cp -r "$root/.mutation/$module/mutants/outreach" "$root/.mutation/$module/mutants/setup.cfg" \
      "$root/.mutation/$module/mutants/pyproject.toml" "$root/templates" "$root/static" "$root/tests" "$scratch/"
cd "$scratch" && MUTANT_UNDER_TEST="$mutant" PYTHONPATH="$root/mutation" \
    nice -n 10 "$root/.venv/bin/python" -m pytest -p fast_hash -p no:cacheprovider -q -x "$@"
