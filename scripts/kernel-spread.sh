#!/usr/bin/env bash
# Measures how far float rounding moves a trained result across kernel choices on this machine: runs
# one preset (default: the tests' tiny preset) once per kernel choice of scripts/kernel-variants.sh,
# then prints each method's final metrics per choice and the largest difference from the default.
#   scripts/kernel-spread.sh [PRESET] [OUT_DIR] [extra bin/swa run options, e.g. --seeds 1]
# Runs one training process at a time (never run two on the same cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-$root/swa-experiments/src/test/resources/presets/tiny.json}"
out="${2:-$(mktemp -d -t swa4j-spread-XXXX)}"
shift $(( $# < 2 ? $# : 2 ))
mkdir -p "$out"
while read -r variant; do
  name=$(echo "$variant" | tr ' =' '_-' | sed 's/^-u_/unset_/; s/_-u_/_unset_/g')
  settings=(); [[ "$variant" != default ]] && read -r -a settings <<< "$variant"
  echo "== $variant" >&2
  rm -rf "${out:?}/$name"
  env "${settings[@]}" "$root/bin/swa" run --preset "$preset" --out "$out/$name" "$@" < /dev/null > "$out/$name.log" 2>&1 \
    || { echo "failed: $variant (see $out/$name.log)" >&2; exit 1; }
done < <("$root/scripts/kernel-variants.sh")
python3 - "$out" <<'PY'
import csv, os, sys
out = sys.argv[1]
runs = {}
for name in sorted(os.listdir(out)):
    f = os.path.join(out, name, "summary.csv")
    if os.path.isfile(f):
        runs[name] = {(r["method"], r["budget"]): r for r in csv.DictReader(open(f))}
base = runs.pop("default")
print(f"{'method@budget':16} {'variant':58} {'acc':>8} {'nll':>9} {'ece':>7}")
worst = {"acc_mean": 0.0, "nll_mean": 0.0, "ece_mean": 0.0}
for key, b in base.items():
    print(f"{key[0] + '@' + key[1]:16} {'default':58} {float(b['acc_mean']):8.2f} {float(b['nll_mean']):9.5f} {float(b['ece_mean']):7.3f}")
    for name, rows in runs.items():
        r = rows[key]
        print(f"{'':16} {name:58} {float(r['acc_mean']):8.2f} {float(r['nll_mean']):9.5f} {float(r['ece_mean']):7.3f}")
        for m in worst:
            worst[m] = max(worst[m], abs(float(r[m]) - float(b[m])))
print(f"largest difference from the default over {len(runs)} other kernel choices: "
      f"accuracy {worst['acc_mean']:.2f} points, NLL {worst['nll_mean']:.5f}, ECE {worst['ece_mean']:.3f} points")
PY
