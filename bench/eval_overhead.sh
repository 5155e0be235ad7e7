#!/usr/bin/env bash
# Measures how much of an evaluation's time is spent outside llama.cpp's decode calls (our scheduling,
# prompt building, sampling, parsing, logging) on a tiny synthetic model, where that overhead is most
# visible. Three repetitions after a warm-up; prints the median and every figure.
#   bench/eval_overhead.sh [BUILD_DIR] [LIMIT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
limit="${2:-25}"
# shellcheck source=bench/tiny_model.sh
source "$here/bench/tiny_model.sh"
tasks=bc5cdr-chem,ncbi-disease,chemprot,ddi,hoc,litcovid,medqa,pubmedqa
run() {  # $1: run dir, rest: extra flags
    local dir="$1"; shift
    "$bin" eval --model "$work/tiny.gguf" --tasks "$tasks" --limit "$limit" --ctx 2048 --parallel 8 \
        --quiet --out "$dir" "$@" >/dev/null
}
run "$work/warmup" --constrained
echo "mode,rep,examples,t_wall_ms,t_load_ms,t_eval_ms,t_decode_ms,loop_overhead,wall_overhead,examples_per_s,prompt_tok_s,gen_tok_s"
for mode in constrained free; do
    flags=()
    [[ $mode == constrained ]] && flags=(--constrained)
    for rep in 1 2 3; do
        run "$work/$mode-$rep" "${flags[@]}"
        /usr/bin/python3 - "$work/$mode-$rep/results.json" "$mode" "$rep" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["speed"]
# Wall overhead: everything that is not decode and not the one-off model load, over wall time.
wall_overhead = (s["t_wall_ms"] - s["t_decode_ms"] - s["t_load_ms"]) / s["t_wall_ms"]
print(f'{sys.argv[2]},{sys.argv[3]},{s["n_examples"]},{s["t_wall_ms"]:.0f},{s["t_load_ms"]:.0f},{s["t_eval_ms"]:.0f},'
      f'{s["t_decode_ms"]:.0f},{s["overhead_fraction"]:.4f},{wall_overhead:.4f},{s["examples_per_s"]:.2f},'
      f'{s["prompt_tokens_per_s"]:.0f},{s["generated_tokens_per_s"]:.1f}')
PY
    done
done
