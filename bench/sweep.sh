#!/usr/bin/env bash
# The sweep's performance figures (issue 17), each measured against its baseline in the same run:
#   1. the local executor's wall time for a 3-seed DLN sweep (one process per core) against the sum of its cells'
#      commands run by hand one after another (target ≤ 1.15×);
#   2. one Slurm array task (a one-node cluster from bin/slurm-local) against the same command run directly: the
#      overhead from sbatch to the end of the task's command (target ≤ 2 s); skipped, saying why, when Slurm cannot start;
#   3. 'lambdahat sweep status' on a synthetic 1000-cell sweep folder, beside the launcher's start alone
#      ('lambdahat --version') (target ≤ 1 s).
# Usage: bench/sweep.sh [ROUNDS]   (default 2 rounds of 1 and 3 repeats of 2 and 3; prints the load first)
#        BENCH_PARTS="3" bench/sweep.sh   runs only the parts listed (default "1 2 3")
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
rounds=${1:-2}
[ -f target/lambdahat.jar ] || (source bin/java-home.sh && mvn -q -B -DskipTests package)
work=$(mktemp -d "${TMPDIR:-/tmp}/lambdahat-sweep-bench.XXXXXX")
slurm_dir=$work/slurm
cleanup() {
  LAMBDAHAT_SLURM_DIR=$slurm_dir bash bin/slurm-local stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
cores=$(nproc)
echo "load: $(uptime)"
echo "cores: $cores"

parts=" ${BENCH_PARTS:-1 2 3} "
part() { [[ "$parts" == *" $1 "* ]]; }

# 1. local executor against the cells by hand
if part 1; then
cat > "$work/spec.json" <<'SPEC'
{"task": "dln", "seeds": [0, 1, 2],
 "train": {"steps": 2000, "num-checkpoints": 8},
 "trajectory": {"draws": 200, "burnin": 50, "chains": 2},
 "stages": {}}
SPEC
echo
echo "1. 3-seed DLN sweep ($(tr -d '\n' < "$work/spec.json")), --jobs $cores"
# the same cells' commands, as the dry run prints them, one cell after another
./lambdahat sweep --spec "$work/spec.json" --out "$work/hand" --dry-run | tail -n +2 \
  | sed -E 's/^  [^:]+: //; s#--shard I/#--shard 1/#; s#(^|&& )lambdahat #\1./lambdahat #g' > "$work/hand.sh"
run_sweep() {
  rm -rf "$work/sweep"
  ./lambdahat sweep --spec "$work/spec.json" --out "$work/sweep" --jobs "$cores" > "$work/sweep.out" 2>&1 \
    || { cat "$work/sweep.out" >&2; echo "the sweep failed" >&2; exit 1; }
}
run_hand() {
  rm -rf "$work/hand"
  while IFS= read -r line; do
    bash -c "$line" > "$work/hand.out" 2>&1 || { cat "$work/hand.out" >&2; echo "a cell run by hand failed: $line" >&2; exit 1; }
  done < "$work/hand.sh"
}
# wall, user and system seconds of a function and its child processes
measure() { local TIMEFORMAT='%R %U %S'; { time "$1" 2>&3; } 3>&2 2>&1; }
for r in $(seq "$rounds"); do
  # the order alternates between rounds, so that a change of the shared machine's load does not favour one side
  if [ $((r % 2)) = 1 ]; then s=$(measure run_sweep); h=$(measure run_hand); else h=$(measure run_hand); s=$(measure run_sweep); fi
  read -r sw su ss <<< "$s"
  read -r hw hu hs <<< "$h"
  echo "  round $r ($([ $((r % 2)) = 1 ] && echo "sweep first" || echo "by hand first")): sweep ${sw} s wall ($(awk -v u="$su" -v s="$ss" 'BEGIN { printf "%.1f", u + s }') s CPU)," \
    "cells by hand one after another ${hw} s wall ($(awk -v u="$hu" -v s="$hs" 'BEGIN { printf "%.1f", u + s }') s CPU):" \
    "sweep/hand = $(awk -v a="$sw" -v b="$hw" 'BEGIN { printf "%.3f", a / b }') (target ≤ 1.15); load $(cut -d' ' -f1-3 /proc/loadavg)"
done
fi

# 2. one Slurm array task against the same command run directly
if part 2; then
echo
cmd="./lambdahat train --task dln --steps 200 --num-checkpoints 2 --quiet --out $work/direct"
echo "2. Slurm array task overhead, command: $cmd"
port=$(( 20000 + $$ % 20000 ))
if said=$(LAMBDAHAT_SLURM_DIR=$slurm_dir LAMBDAHAT_SLURM_PORT=$port bash bin/slurm-local start 2>&1); then
  export SLURM_CONF=$slurm_dir/slurm.conf
  direct=() overhead=()
  for r in 1 2 3; do
    rm -rf "$work/direct"
    t0=$(now)
    bash -c "$cmd" > /dev/null 2>&1
    t1=$(now)
    direct+=("$(elapsed "$t0" "$t1")")
    rm -rf "$work/direct" "$work/task.end"
    # the task writes when its command ended; waiting on that file keeps squeue/sacct polling out of the figure
    t0=$(now)
    sbatch --parsable --array=0-0 --cpus-per-task=1 --chdir="$root" --output="$work/task-%A_%a.log" \
      --wrap "$cmd && date +%s.%N > $work/task.end.tmp && mv $work/task.end.tmp $work/task.end" > /dev/null
    for _ in $(seq 1200); do [ -f "$work/task.end" ] && break; sleep 0.05; done
    [ -f "$work/task.end" ] || { cat "$work"/task-*.log 2>/dev/null; echo "the Slurm task did not finish within 60 s" >&2; exit 1; }
    t1=$(cat "$work/task.end")
    slurm_s=$(elapsed "$t0" "$t1")
    overhead+=("$(awk -v s="$slurm_s" -v d="${direct[-1]}" 'BEGIN { printf "%.2f", s - d }')")
    echo "  repeat $r: direct ${direct[-1]} s, sbatch to the end of the array task ${slurm_s} s: overhead ${overhead[-1]} s"
  done
  echo "  median overhead $(printf '%s\n' "${overhead[@]}" | median) s (target ≤ 2 s)"
  LAMBDAHAT_SLURM_DIR=$slurm_dir bash bin/slurm-local stop >/dev/null 2>&1 || true
  unset SLURM_CONF
else
  echo "  skipped: Slurm could not start: $said"
fi
fi

# 3. sweep status on 1000 cells, beside the same on one cell and the launcher's start
if part 3; then
echo
echo "3. 'lambdahat sweep status' on 1000 cells (700 done, 200 failed, 100 pending)"
one=$work/one
mkdir -p "$one/state"
echo '{"task": "dln", "seeds": [0], "train": {"steps": 100}, "stages": false}' > "$one/sweep.json"
big=$work/big
mkdir -p "$big/state"
printf '{"task": "dln", "seeds": [%s], "train": {"steps": 100}, "stages": false}\n' "$(seq -s ', ' 0 999)" > "$big/sweep.json"
for i in $(seq 0 999); do
  mkdir -p "$big/state/seed-$i"
  if [ "$i" -lt 700 ]; then echo > "$big/state/seed-$i/stages.done"
  elif [ "$i" -lt 900 ]; then echo "exit 1: made to fail" > "$big/state/seed-$i/train.failed"; fi
done
status=() single=() start=()
for r in 1 2 3; do
  t0=$(now); ./lambdahat --version > /dev/null; t1=$(now)
  start+=("$(elapsed "$t0" "$t1")")
  t0=$(now); ./lambdahat sweep status "$one" > /dev/null || true; t1=$(now)
  single+=("$(elapsed "$t0" "$t1")")
  t0=$(now); ./lambdahat sweep status "$big" > "$work/status.out" || true; t1=$(now)
  status+=("$(elapsed "$t0" "$t1")")
  echo "  repeat $r: sweep status ${status[-1]} s ($(tail -1 "$work/status.out")), on one cell ${single[-1]} s, lambdahat --version ${start[-1]} s"
done
s_med=$(printf '%s\n' "${status[@]}" | median)
o_med=$(printf '%s\n' "${single[@]}" | median)
v_med=$(printf '%s\n' "${start[@]}" | median)
echo "  median: sweep status $s_med s on 1000 cells, $o_med s on one cell, the launcher's start alone $v_med s:" \
  "1000 cells beyond the start $(awk -v a="$s_med" -v b="$v_med" 'BEGIN { printf "%.2f", a - b }') s (target ≤ 1 s), beyond one cell $(awk -v a="$s_med" -v b="$o_med" 'BEGIN { printf "%.2f", a - b }') s"
fi
echo
echo "load: $(uptime)"
