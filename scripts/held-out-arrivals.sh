#!/bin/bash
# What the evidence model does on news the rules had never seen, reproducibly:
# each group of corpora is scored with the rules as they were when the group arrived
# (before anyone read its errors), once alone and once with a model trained by today's
# rules on all the other corpora. Needs the git history and a release build:
#   swift build -c release --product tracker && bash scripts/held-out-arrivals.sh [THRESHOLD]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TRACKER:-.build/release/tracker}
THRESHOLD=${1:-0.5}
MIN_CONFIDENCE=${MIN_CONFIDENCE:-0}   # score only events an alert threshold would let through
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# commit whose Rules/ scored the group on arrival : the group's corpora
GROUPS_=(
  "737ee7b:$(seq -s' ' 19 23)"
  "b74fc78:$(seq -s' ' 24 31)"
  "2f2928c:$(seq -s' ' 32 36)"
  "102f6b9:$(seq -s' ' 37 45)"
  "9690d59:$(seq -s' ' 46 57)"
)
for group in "${GROUPS_[@]}"; do
  commit=${group%%:*}
  test=" $(for n in ${group#*:}; do echo -n "fresh$n "; done)"
  mkdir -p "$WORK/$commit"
  git archive "$commit" Rules | tar -x -C "$WORK/$commit"
  rules="$WORK/$commit/Rules"
  rm -rf "$rules/model"
  train=()
  for d in Tests/Corpus/*/; do
    name=$(basename "$d")
    [[ "$test" == *" $name "* ]] || train+=(--corpora "$d")
  done
  "$BIN" train --rules Rules "${train[@]}" --folds 0 --threshold "$THRESHOLD" --out "$WORK/$commit/model.tsv" > /dev/null
  for name in $test; do
    d=Tests/Corpus/$name
    "$BIN" eval --rules "$rules" --articles "$d/articles" --labels "$d/labels.yaml" --format json > "$WORK/$commit/$name.alone.json"
    mkdir -p "$rules/model" && cp "$WORK/$commit/model.tsv" "$rules/model/evidence.tsv"
    "$BIN" eval --rules "$rules" --articles "$d/articles" --labels "$d/labels.yaml" --format json --min-confidence "$MIN_CONFIDENCE" > "$WORK/$commit/$name.model.json"
    rm -rf "$rules/model"
  done
  echo "$commit:$test" >> "$WORK/groups.txt"
done
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
def pooled(files):
    tp = fp = fn = 0
    for f in files:
        m = json.load(open(f))["micro"]; tp += m["tp"]; fp += m["fp"]; fn += m["fn"]
    p, r = tp / (tp + fp), tp / (tp + fn)
    return "tp %4d fp %3d fn %3d  P %.3f R %.3f F1 %.3f" % (tp, fp, fn, p, r, 2 * p * r / (p + r))
every = {"alone": [], "model": []}
for line in open(f"{work}/groups.txt"):
    commit, names = line.split(":"); names = names.split()
    for kind in every:
        files = [f"{work}/{commit}/{n}.{kind}.json" for n in names]
        every[kind] += files
        print(f"{commit} ({names[0]}–{names[-1]}) {kind:5}  {pooled(files)}")
def per_type(files):
    counts = {}
    for f in files:
        for t, c in json.load(open(f))["perType"].items():
            a = counts.setdefault(t, [0, 0, 0]); a[0] += c["tp"]; a[1] += c["fp"]; a[2] += c["fn"]
    out = {}
    for t, (tp, fp, fn) in counts.items():
        out[t] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out
alone, model = per_type(every["alone"]), per_type(every["model"])
for t in sorted(alone):
    print(f"  {t:18} F1 alone {alone[t]:.3f}  model {model[t]:.3f}")
for kind, files in every.items():
    print(f"all {len(files)} corpora  {kind:5}  {pooled(files)}")
PY
