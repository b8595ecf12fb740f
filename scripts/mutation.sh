#!/usr/bin/env bash
# scripts/mutation.sh [stryker options] — mutation testing of Vigil.Core with its own tests
# (tests/Vigil.Core.Tests): Stryker.NET, a local tool pinned in .config/dotnet-tools.json, mutates
# Vigil.Core at the Standard level (stryker-config.json) and runs the tests against every mutant.
# Prints the score per file and overall; the HTML report is in artifacts/mutation/reports/. Slow
# (tens of minutes on two cores), so not part of ./test. Extra options go to Stryker, e.g.
#   scripts/mutation.sh --mutate '**/Metrics/LatencySketch.cs'   one file while writing its tests
#   scripts/mutation.sh --concurrency 1                          on a busy machine
#   scripts/mutation.sh --break-at 80                            exit non-zero under 80% overall
# See docs/mutation.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
root=$PWD
out="$root/artifacts/mutation"

dotnet tool restore >/dev/null
rm -rf "$out"
# VigilMutation=true turns TreatWarningsAsErrors off (Directory.Build.props) for this build only: a
# mutant that leaves a value unused must be tested, not refused as a compile error.
(cd tests/Vigil.Core.Tests && VigilMutation=true dotnet dotnet-stryker -f "$root/stryker-config.json" \
  -O "$out" --skip-version-check "$@")

scripts/mutation-score.py "$out/reports/mutation-report.json"
