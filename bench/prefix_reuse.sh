#!/usr/bin/env bash
# Prefix reuse on the CPU (issue 16): the tiny synthetic model on PubMedQA few-shot:3 (chat; every
# prompt shares the instruction, chat header and the three shots) and MedQA by log-likelihood (the
# options of a question share it), each with --prefix-reuse on and off in the same invocation of
# this script. Prints computed/submitted prompt tokens, examples/s and whether the answers agree.
#   bench/prefix_reuse.sh [BUILD_DIR] [LIMIT] [PARALLEL]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
limit="${2:-64}"
parallel="${3:-8}"
# shellcheck source=bench/tiny_model.sh
source "$here/bench/tiny_model.sh"
declare -A flags=(
    [pubmedqa-few-shot-3]="--tasks pubmedqa --prompt few-shot:3 --max-tokens 32 --ctx 2048"
    [medqa-loglik]="--tasks medqa --no-chat --mc-mode loglik --ctx 1024")
echo "workload,reuse,examples,submitted,computed,computed/submitted,t_eval_ms,examples_per_s,agreement"
for workload in pubmedqa-few-shot-3 medqa-loglik; do
    for reuse in on off; do
        # shellcheck disable=SC2086
        "$bin" eval --model "$work/tiny.gguf" ${flags[$workload]} --limit "$limit" \
            --parallel "$parallel" --prefix-reuse "$reuse" --quiet --out "$work/$workload-$reuse" \
            >/dev/null
    done
    /usr/bin/python3 - "$work/$workload" "$workload" <<'PY'
import json, sys
base, name = sys.argv[1], sys.argv[2]
def outputs(reuse):
    return {(s["task"], s["id"]): s.get("raw_output") for s in map(json.loads, open(f"{base}-{reuse}/samples.jsonl"))}
on, off = outputs("on"), outputs("off")
same = sum(on[k] == off.get(k) for k in on)
for reuse in ("on", "off"):
    s = json.load(open(f"{base}-{reuse}/results.json"))["speed"]
    sub, comp = s["n_tokens_prompt"], s.get("n_tokens_prompt_computed", s["n_tokens_prompt"])
    print(f'{name},{reuse},{s["n_examples"]},{sub},{comp},{comp / sub:.3f},{s["t_eval_ms"]:.0f},'
          f'{s["examples_per_s"]:.2f},{same}/{len(on)}')
PY
done
