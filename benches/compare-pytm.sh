#!/usr/bin/env bash
# Side-by-side with OWASP pytm 1.4.0, in one run on one machine: Threatwright's
# `analyze --format json` against pytm's `--json` path (TM.process()), on models of the
# same shape and size (the synthetic API platform of ../shared/perf/pytm_bench.py).
# Prints wall time (median of RUNS) and peak RSS for both, and the ratios.
#
#   benches/compare-pytm.sh                 # N = 1000 10000 100000 (pytm 100k: ~6 min, ~5 GB)
#   SIZES="1000 10000" RUNS=3 benches/compare-pytm.sh
#
# Needs: python3 with venv (pytm 1.4.0 is installed into $PYTM_VENV from PyPI), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-3}
PYTM_VENV=${PYTM_VENV:-target/pytm-venv}
PYTM_BENCH=${PYTM_BENCH:-../shared/perf/pytm_bench.py}
OUT=${OUT:-target/compare-pytm}

[ -f "$PYTM_BENCH" ] || { echo "compare-pytm: $PYTM_BENCH not found (set PYTM_BENCH)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "compare-pytm: GNU time (/usr/bin/time) is required: apt-get install time" >&2; exit 2; }
if [ ! -x "$PYTM_VENV/bin/python" ]; then
  python3 -m venv "$PYTM_VENV"
  "$PYTM_VENV/bin/pip" install -q pytm==1.4.0
fi
"$PYTM_VENV/bin/python" -c 'import pytm, importlib.metadata as m; assert m.version("pytm") == "1.4.0"' \
  || { echo "compare-pytm: $PYTM_VENV does not hold pytm 1.4.0" >&2; exit 2; }

cargo build --release --locked -q
TW=target/release/threatwright
mkdir -p "$OUT"

# median FILE: the median of the numbers in FILE, one per line.
median() { sort -g "$1" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

printf '%-8s %-8s | %-10s %-10s %-8s | %-10s %-10s %-8s | %-8s %-8s\n' \
  N flows "tw s" "tw MB" "tw thr" "pytm s" "pytm MB" "pytm fnd" "speedup" "RSS x"
for n in $SIZES; do
  model="$OUT/model-$n.yaml"
  "$TW" gen --elements "$n" -o "$model"
  flows=$("$TW" show --format json "$model" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"counts\"][\"flows\"])")
  : >"$OUT/tw-$n.times"; : >"$OUT/tw-$n.rss"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/tw-$n.time" "$TW" analyze "$model" --format json >"$OUT/tw-$n.json"
    read -r s kb <"$OUT/tw-$n.time"
    echo "$s" >>"$OUT/tw-$n.times"; echo "$kb" >>"$OUT/tw-$n.rss"
  done
  tw_threats=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["total"])' "$OUT/tw-$n.json")
  : >"$OUT/pytm-$n.times"; : >"$OUT/pytm-$n.rss"
  pruns=$RUNS; [ "$n" -ge 50000 ] && pruns=1   # pytm takes minutes at this size
  for _ in $(seq "$pruns"); do
    /usr/bin/time -f "%e %M" -o "$OUT/pytm-$n.time" \
      "$PYTM_VENV/bin/python" "$PYTM_BENCH" --n "$n" --out "$OUT/pytm-$n" --no-report >"$OUT/pytm-$n.out"
    read -r s kb <"$OUT/pytm-$n.time"
    echo "$s" >>"$OUT/pytm-$n.times"; echo "$kb" >>"$OUT/pytm-$n.rss"
  done
  pytm_found=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print(d.get("findings", d.get("n_findings", "?")))' "$OUT/pytm-$n.out" 2>/dev/null || echo "?")
  tws=$(median "$OUT/tw-$n.times"); twk=$(median "$OUT/tw-$n.rss")
  pys=$(median "$OUT/pytm-$n.times"); pyk=$(median "$OUT/pytm-$n.rss")
  awk -v n="$n" -v fl="$flows" -v tws="$tws" -v twk="$twk" -v twt="$tw_threats" -v pys="$pys" -v pyk="$pyk" -v pyf="$pytm_found" 'BEGIN{
    printf "%-8s %-8s | %-10.3f %-10.1f %-8s | %-10.2f %-10.1f %-8s | %-8.1f %-8.1f\n",
      n, fl, tws, twk/1024, twt, pys, pyk/1024, pyf, pys/tws, pyk/twk }'
done
