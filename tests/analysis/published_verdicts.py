#!/usr/bin/env python3
"""Published curves: `sweep analyze --csv` on real per-size results (tests/analysis/published/)
against the verdict each source states.

    published_verdicts.py SWEEP PUBLISHED_DIR README [--update]

Checks that
- every curve's verdict (axis params) is the one recorded in expected_verdicts.csv's
  `sweep_verdict` column (a change in the classifier shows up here, to be reviewed);
- every curve whose stated verdict differs has its reason in the `disagreement` column;
- the agreement tables and the list of disagreements by reason printed below appear
  verbatim in README (analysis/README.md).
--update rewrites `sweep_verdict` and `sweep_reason` from the current classifier (keeping
`disagreement`) and prints the tables, for a reviewed change.
"""
import collections
import csv
import json
import subprocess
import sys

FILES = ["lmeval_pythia.csv", "lmeval_opt.csv", "obsscaling.csv"]
STATED = ["this_family", "this_family_other_metric", "this_family_other_prompt", "task_other_families"]


def verdicts(sweep, path):
    out = subprocess.run([sweep, "analyze", "--csv", path, "--json", "--bootstrap", "0"], check=True,
                         capture_output=True, text=True).stdout
    got = {}
    for v in json.loads(out)["verdicts"]:
        if v["axis"] == "params":
            got[(v["family"], v["task"], v["prompt"], v["metric"])] = (v["verdict"], v["reason"])
    return got


def tables(rows):
    by_stated = collections.OrderedDict((s, [0, 0]) for s in STATED)
    by_expected = collections.OrderedDict()
    for r in rows:
        if not r["expected"]:
            continue
        agree = r["expected"] == r["sweep_verdict"]
        by_stated[r["stated_by"]][0] += agree
        by_stated[r["stated_by"]][1] += 1
        e = by_expected.setdefault(r["expected"], [0, 0])
        e[0] += agree
        e[1] += 1
    lines = ["| stated by | curves | sweep agrees |", "|---|---|---|"]
    for s, (a, n) in by_stated.items():
        lines.append(f"| {s} | {n} | {a} |")
    tot = [sum(v[0] for v in by_stated.values()), sum(v[1] for v in by_stated.values())]
    lines.append(f"| all stated | {tot[1]} | {tot[0]} |")
    lines.append(f"| none stated | {sum(1 for r in rows if not r['expected'])} | - |")
    lines += ["", "| stated verdict | curves | sweep agrees |", "|---|---|---|"]
    for e, (a, n) in sorted(by_expected.items()):
        lines.append(f"| {e} | {n} | {a} |")
    return "\n".join(lines)


CATEGORY_TITLES = {
    "range": "The family's sizes lie below or past the scale where the source saw the change",
    "few sizes": "Too few sizes to tell a jump from a climb",
    "gradual at these sizes": "A gradual climb at this family's sizes",
    "climbs from its second size": "Only the smallest size near chance",
    "no net change": "No net change between the smallest and largest size",
    "not monotone": "Not monotone",
    "the data rise": "The data rise where the source (for other models) saw a fall",
}


def disagreements(rows):
    """The README's list: every curve whose stated verdict sweep does not give, by reason."""
    groups = collections.OrderedDict((k, []) for k in CATEGORY_TITLES)
    for r in rows:
        if r["expected"] and r["expected"] != r["sweep_verdict"]:
            cat = r["disagreement"].split(":")[0]
            groups.setdefault(cat, []).append(r)
    lines = []
    for cat, members in groups.items():
        if not members:
            continue
        lines += ["", f"**{CATEGORY_TITLES.get(cat, cat)}** ({len(members)}):", ""]
        for r in members:
            why = r["disagreement"].split(": ", 1)[1] if ": " in r["disagreement"] else r["disagreement"]
            lines.append(f"- {r['family']} {r['task']} ({r['prompt']}, {r['metric']}; {r['file']}): stated "
                         f"{r['expected']}, sweep {r['sweep_verdict']}: {why}")
    return "\n".join(lines)


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv
    sweep, folder, readme = args
    got = {}
    for f in FILES:
        for key, v in verdicts(sweep, f"{folder}/{f}").items():
            got[(f,) + key] = v
    path = f"{folder}/expected_verdicts.csv"
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames)
        rows = list(reader)
    for col in ("sweep_verdict", "sweep_reason", "disagreement"):
        if col not in fields:
            fields.append(col)
    errors = []
    for r in rows:
        key = (r["file"], r["family"], r["task"], r["prompt"], r["metric"])
        if key not in got:
            errors.append(f"{key}: no verdict from sweep analyze")
            continue
        verdict, reason = got[key]
        if update:
            r["sweep_verdict"], r["sweep_reason"] = verdict, reason
            r.setdefault("disagreement", "")
        elif r.get("sweep_verdict") != verdict:
            errors.append(f"{key}: sweep now says {verdict} ({reason}), expected_verdicts.csv records "
                          f"{r.get('sweep_verdict')}: review, then rerun with --update and fix README")
        if r["expected"] and r["expected"] != verdict and not r.get("disagreement") and not update:
            errors.append(f"{key}: stated {r['expected']}, sweep says {verdict}: no reason in 'disagreement'")
    if len(got) != len(rows):
        errors.append(f"{len(got)} curves from sweep, {len(rows)} rows in expected_verdicts.csv")
    text = tables(rows) + "\n" + disagreements(rows)
    print(text)
    if update:
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        missing = [r for r in rows if r["expected"] and r["expected"] != r["sweep_verdict"] and not r["disagreement"]]
        print(f"\n{len(missing)} disagreements without a reason")
        return 0
    if text not in open(readme).read():
        errors.append(f"{readme} does not hold the agreement tables and disagreements above")
    for e in errors:
        print("FAIL:", e)
    print(f"{len(rows)} curves, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
