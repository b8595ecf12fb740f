#!/usr/bin/env python3
"""Per-file and overall mutation score from Stryker's JSON report (mutation-report.json).

Score = (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's own definition;
compile errors and ignored (excluded) mutants do not count. Files with no counted mutant are left
out. Files under 70% are marked with '<'.
"""
import json
import os
import sys

report = json.load(open(sys.argv[1]))
rows = []
totals = dict(killed=0, survived=0, nocov=0)
for path, entry in sorted(report["files"].items()):
    counts = dict(killed=0, survived=0, nocov=0)
    for mutant in entry["mutants"]:
        status = mutant["status"]
        if status in ("Killed", "Timeout"):
            counts["killed"] += 1
        elif status == "Survived":
            counts["survived"] += 1
        elif status == "NoCoverage":
            counts["nocov"] += 1
    valid = sum(counts.values())
    if valid == 0:
        continue
    for key in totals:
        totals[key] += counts[key]
    name = path.split("Vigil.Core" + os.sep, 1)[-1]
    rows.append((name, counts, 100.0 * counts["killed"] / valid))

print(f"{'file':<44} {'score':>6} {'killed':>7} {'survived':>9} {'no cover':>9}")
for name, counts, score in rows:
    mark = " <" if score < 70 else ""
    print(f"{name:<44} {score:5.1f}% {counts['killed']:7} {counts['survived']:9} {counts['nocov']:9}{mark}")
valid = sum(totals.values())
overall = 100.0 * totals["killed"] / valid if valid else 0.0
print(f"{'overall':<44} {overall:5.1f}% {totals['killed']:7} {totals['survived']:9} {totals['nocov']:9}")
