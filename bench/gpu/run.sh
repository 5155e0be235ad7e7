#!/usr/bin/env bash
# The GPU benchmark (issue 7), in phases so each fits one device call; phases reuse what earlier ones
# left while the machine stays warm. Run from the repo root with .devbin/ (bench/gpu/package.sh).
#   bench/gpu/run.sh build | models | workload-a TYPE... | workload-b TYPE... | auto | hf
#                  | big TYPE... | split TYPE | memcheck [SHAPE:TYPE...]
#                  | synth TYPE... | reuse TYPE... | hf-fewshot
# synth: random weights of the shape straight into each TYPE (no F16 file first), where models
# and the workloads look for them.
# reuse (issue 16): for each TYPE, workload A, PubMedQA few-shot:3 (chat, <=32 tokens, ctx 2048) and
# MedQA log-likelihood, each by biomedq with --prefix-reuse on and off, and llama-batched-bench at
# workload A's and the few-shot prompts' token counts (llama.cpp's default batch sizes and 4096/2048).
# BENCH_REUSE_WORKLOADS picks among ra (workload A), rf (few-shot) and rb (MedQA), default all three.
# hf-fewshot: transformers fp16 on prompts as long as the few-shot ones (it recomputes the shots).
# big: the Llama-3-70B shape synthesized straight into TYPE (default zero weights: a sparse file made in
# a second; BENCH_BIG_RANDOM=1 for random weights, minutes on 16 cores), workload A at a 4096-token
# context. split: the same on every visible GPU (a 2-GPU machine), memory per device.
# memcheck (issue 15): for each SHAPE:TYPE (default llama-3-8b:q4_k_m llama-3-70b:iq4_xs, zero-weight
# files), `info --json` (all layers on the GPU, BENCH_MC_CTX tokens, 1 sequence, flash attention auto as
# eval) under the driver's peak, then a short eval under it; memcheck_summary.py compares them.
# Figures go to $OUT (or /tmp/bench-out): one JSON/TXT file per measurement.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-/tmp/bench-out}"
work="${BENCH_WORK:-/root/biomedq-bench}"
backend="${BENCH_BACKEND:-cuda}"
shape="${BENCH_SHAPE:-llama-3-8b}"
parallel="${BENCH_PARALLEL:-64}"
ctx="${BENCH_CTX:-1024}"       # per sequence: ~400-token prompts + 32 generated tokens fit
export BIOMEDQ_CACHE="${BIOMEDQ_CACHE:-/root/.cache/biomedq}"
export PATH="/usr/local/cuda/bin:$PATH"
mkdir -p "$out" "$work/models" "$work/runs" "$BIOMEDQ_CACHE"
llama="$("$repo/scripts/build-llama.sh" --dir "$backend")"
# The machine has no network: unpack the checkout package.sh carried (same pinned commit).
if [[ -f "$repo/.devbin/llama-src.tar.xz" && ! -f "$llama/src/.biomedq-source-ok" ]]; then
    mkdir -p "$llama/src/models"
    tar -xJf "$repo/.devbin/llama-src.tar.xz" -C "$llama/src"
    xz -dc "$repo/.devbin/ggml-vocab-llama-bpe.gguf.xz" > "$llama/src/models/ggml-vocab-llama-bpe.gguf"
    touch "$llama/src/.biomedq-source-ok"
fi
export LD_LIBRARY_PATH="$llama/build/bin:$repo/.devbin/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bq="${BIOMEDQ_BIN:-$repo/.devbin/biomedq}"
data="${BENCH_DATA:-$repo/.devbin/data}"
src="$work/models/$shape-F16.gguf"
model_of() { if [[ "$1" == f16 ]]; then echo "$src"; else echo "$work/models/$shape-F16-${1^^}.gguf"; fi; }

# Peak GPU memory from the driver (nvidia-smi), polled while a command runs.
with_gpu_peak() {  # $1: name for the peak file; rest: command
    local name="$1"; shift
    local poll="$work/poll-$name.txt"
    : > "$poll"
    if command -v nvidia-smi >/dev/null; then
        (while true; do nvidia-smi --query-gpu=index,memory.used --format=csv,noheader,nounits >> "$poll"; sleep 0.2; done) \
            > /dev/null 2>&1 &
        local poller=$!
        local rc=0
        timeout "${BENCH_STEP_TIMEOUT:-240}" "$@" || rc=$?
        kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null || true
        # Per GPU: the largest reading of each index; peak-NAME.mib keeps the largest of them all.
        awk -F', *' '{ if ($2 > m[$1]) m[$1] = $2 } END { for (i in m) print i, m[i] }' "$poll" | sort -n \
            > "$out/peak-$name.per-gpu"
        awk '{ if ($2 > m) m = $2 } END { print m + 0 }' "$out/peak-$name.per-gpu" > "$out/peak-$name.mib"
        [[ $rc -eq 0 ]] || echo "$name: exit $rc" >&2
        return 0
    fi
    "$@"
}

phase="${1:?phase}"; shift || true
case "$phase" in
build)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/device.csv" || true
    time BIOMEDQ_JOBS="$(nproc)" "$repo/scripts/build-llama.sh" "$backend" llama-batched-bench > "$out/build.txt" 2>&1
    "$bq" --version | tee "$out/version.txt"
    ;;
models)
    [[ -f "$src" ]] || { time "$bq" synth --shape "$shape" --vocab "$llama/src/models/ggml-vocab-llama-bpe.gguf" \
        --type f16 -o "$src" --threads "$(nproc)"; } 2>&1 | tee "$out/synth.txt"
    types="${BENCH_TYPES:-q8_0,q6_k,q4_k_m,iq4_xs,q3_k_m}"
    "$bq" quantize "$src" --types "$types" -o "$work/models" --threads "$(nproc)" --force 2>&1 | tee "$out/quantize.txt"
    ls -la "$work/models" | tee "$out/models.txt"
    ;;
synth)
    for t in "$@"; do
        m="$(model_of "$t")"
        [[ -f "$m" ]] || { time "$bq" synth --shape "$shape" --vocab "$llama/src/models/ggml-vocab-llama-bpe.gguf" \
            --type "$t" -o "$m" --threads "$(nproc)"; } 2>&1 | tee "$out/synth-$t.txt"
    done
    ;;
workload-a)  # PubMedQA test prompts (500, ~400 tokens), 32 generated tokens; peer: llama-batched-bench
    for t in "$@"; do
        m="$(model_of "$t")"
        rm -rf "$work/runs/a-$t"
        with_gpu_peak "a-$t" "$bq" eval --model "$m" --tasks pubmedqa --subset all --no-chat --max-tokens 32 \
            --ctx "$ctx" --parallel "$parallel" --data-dir "$data" --tasks-dir "$repo/tasks" --limit "${BENCH_LIMIT:-0}" --quiet --bootstrap 100 --out "$work/runs/a-$t" > "$out/a-$t.log" 2>&1
        cp "$work/runs/a-$t/results.json" "$out/a-$t.json" || echo "workload A failed for $t" >&2
        with_gpu_peak "bb-$t" "$llama/build/bin/llama-batched-bench" -m "$m" -c $((parallel * ctx)) -b 2048 -ub 512 \
            -npp 400 -ntg 32 -npl "$parallel" -ngl 99 -fa on > "$out/bb-$t.txt" 2>&1 || true
    done
    ;;
workload-b)  # MedQA test (1273 questions), 4-option log-likelihood scoring
    for t in "$@"; do
        m="$(model_of "$t")"
        rm -rf "$work/runs/b-$t"
        with_gpu_peak "b-$t" "$bq" eval --model "$m" --tasks medqa --subset all --no-chat --mc-mode loglik \
            --ctx "$ctx" --parallel "$parallel" --data-dir "$data" --tasks-dir "$repo/tasks" --limit "${BENCH_LIMIT:-0}" --quiet --bootstrap 100 --out "$work/runs/b-$t" > /dev/null
        cp "$work/runs/b-$t/results.json" "$out/b-$t.json" || echo "workload B failed for $t" >&2
    done
    ;;
auto)  # --parallel auto against fixed choices, Q4_K_M, workload A
    m="$(model_of q4_k_m)"
    for p in auto 16 32 128; do
        rm -rf "$work/runs/p-$p"
        with_gpu_peak "p-$p" "$bq" eval --model "$m" --tasks pubmedqa --subset all --no-chat --max-tokens 32 \
            --ctx "$ctx" --parallel "$p" --data-dir "$data" --tasks-dir "$repo/tasks" --limit "${BENCH_LIMIT:-0}" --quiet --bootstrap 100 --out "$work/runs/p-$p" > /dev/null
        cp "$work/runs/p-$p/results.json" "$out/p-$p.json" || echo "parallel $p failed" >&2
    done
    ;;
big|split)  # 70B shape at a 4096-token context, workload A (BENCH_LIMIT prompts, default 64)
    big_ctx="${BENCH_BIG_CTX:-4096}"
    big_parallel="${BENCH_BIG_PARALLEL:-1}"
    zero=(--zero-weights)
    [[ "${BENCH_BIG_RANDOM:-0}" == 1 ]] && zero=()
    for t in "${@:-q3_k_m}"; do
        m="$work/models/llama-3-70b-${t^^}.gguf"
        [[ -f "$m" ]] || { time "$bq" synth --shape llama-3-70b --vocab "$llama/src/models/ggml-vocab-llama-bpe.gguf" \
            --type "$t" "${zero[@]}" -o "$m" --threads "$(nproc)"; } 2>&1 | tee "$out/$phase-synth-$t.txt"
        "$bq" info "$m" --ctx "$big_ctx" --parallel "$big_parallel" --gpu-layers -1 > "$out/$phase-info-$t.txt" 2>&1
        rm -rf "$work/runs/$phase-$t"
        with_gpu_peak "$phase-$t" "$bq" eval --model "$m" --tasks pubmedqa --subset all --no-chat --max-tokens 32 \
            --ctx "$big_ctx" --parallel "$big_parallel" --prefix-reuse off --data-dir "$data" --tasks-dir "$repo/tasks" \
            --limit "${BENCH_LIMIT:-64}" --quiet --bootstrap 100 --out "$work/runs/$phase-$t" > "$out/$phase-$t.log" 2>&1
        cp "$work/runs/$phase-$t/results.json" "$out/$phase-$t.json" || echo "$phase failed for $t" >&2
        nvidia-smi --query-gpu=index,name,memory.total --format=csv > "$out/$phase-gpus.csv" || true
    done
    ;;
memcheck)
    mc_ctx="${BENCH_MC_CTX:-4096}"
    specs=("$@")
    [[ ${#specs[@]} -gt 0 ]] || specs=(llama-3-8b:q4_k_m llama-3-70b:iq4_xs)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/mc-device.csv" || true
    for spec in "${specs[@]}"; do
        mshape="${spec%%:*}"; t="${spec#*:}"; name="mc-$mshape-$t"
        m="$work/models/$mshape-${t^^}-zero.gguf"
        [[ -f "$m" ]] || "$bq" synth --shape "$mshape" --vocab "$llama/src/models/ggml-vocab-llama-bpe.gguf" \
            --type "$t" --zero-weights -o "$m" --threads "$(nproc)" > "$out/$name-synth.txt" 2>&1
        # What the driver shows before this process: the baseline every peak below includes.
        nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -n1 > "$out/$name-idle.mib" || true
        with_gpu_peak "$name-info" "$bq" info "$m" --json --ctx "$mc_ctx" --parallel 1 --gpu-layers -1 \
            > "$out/$name-info.json" 2> "$out/$name-info.err"
        rm -rf "$work/runs/$name"
        with_gpu_peak "$name-eval" "$bq" eval --model "$m" --tasks pubmedqa --subset all --no-chat --max-tokens 32 \
            --ctx "$mc_ctx" --parallel 1 --gpu-layers -1 --prefix-reuse off --data-dir "$data" --tasks-dir "$repo/tasks" \
            --limit "${BENCH_LIMIT:-8}" --quiet --bootstrap 100 --out "$work/runs/$name" > "$out/$name-eval.log" 2>&1
        cp "$work/runs/$name/results.json" "$out/$name-results.json" || echo "memcheck eval failed for $spec" >&2
    done
    python3 "$repo/bench/gpu/memcheck_summary.py" "$out" "${specs[@]}" | tee "$out/memcheck-summary.md"
    ;;
hf)
    with_gpu_peak hf python3 "$repo/bench/gpu/hf_baseline.py" --out "$out/hf.json" 2>&1 | tail -20
    ;;
hf-fewshot)
    with_gpu_peak hf-fewshot python3 "$repo/bench/gpu/hf_baseline.py" --out "$out/hf-fewshot.json" \
        --prompts 256 --prompt-tokens "${BENCH_FEWSHOT_TOKENS:-1233}" --new-tokens 32 \
        --batch-sizes 16,32,64 2>&1 | tail -20
    ;;
reuse)
    common=(--data-dir "$data" --tasks-dir "$repo/tasks" --limit "${BENCH_LIMIT:-0}" --quiet --bootstrap 100)
    modes=(${BENCH_REUSE_MODES:-on off unified})
    for t in "$@"; do
        m="$(model_of "$t")"
        for r in "${modes[@]}"; do
            flags=(--prefix-reuse "$r" --parallel "$parallel")
            # unified: one KV buffer; off-p16: the noise floor, reuse off at another batch shape
            [[ "$r" == unified ]] && flags=(--prefix-reuse on --kv-unified --parallel "$parallel")
            [[ "$r" == off-p16 ]] && flags=(--prefix-reuse off --parallel 16)
            for w in ${BENCH_REUSE_WORKLOADS:-ra rf rb}; do
                rm -rf "$work/runs/$w-$t-$r"
                case "$w" in
                ra) args=(--tasks pubmedqa --no-chat --max-tokens 32 --ctx "$ctx") ;;
                rf) args=(--tasks pubmedqa --prompt few-shot:3 --max-tokens 32 --ctx 2048) ;;
                rb) args=(--tasks medqa --no-chat --mc-mode loglik --ctx "$ctx") ;;
                esac
                with_gpu_peak "$w-$t-$r" "$bq" eval --model "$m" --subset all "${args[@]}" \
                    "${flags[@]}" "${common[@]}" --out "$work/runs/$w-$t-$r" > "$out/$w-$t-$r.log" 2>&1
                cp "$work/runs/$w-$t-$r/results.json" "$out/$w-$t-$r.json" || echo "$w $t $r failed" >&2
                cp "$work/runs/$w-$t-$r/samples.jsonl" "$out/$w-$t-$r.samples.jsonl" 2>/dev/null || true
            done
        done
        for sizes in "${BENCH_BB_SIZES-2048 512}" "4096 2048"; do
            [[ -n "$sizes" ]] || continue
            read -r nb nub <<< "$sizes"
            "$llama/build/bin/llama-batched-bench" -m "$m" -c $((parallel * ctx)) -b "$nb" -ub "$nub" \
                -npp 400 -ntg 32 -npl "$parallel" -ngl 99 -fa on > "$out/rbb-a-$t-$nb.txt" 2>&1 || true
            "$llama/build/bin/llama-batched-bench" -m "$m" -c $((parallel * 2048)) -b "$nb" -ub "$nub" \
                -npp 1233 -ntg 32 -npl "$parallel" -ngl 99 -fa on > "$out/rbb-f-$t-$nb.txt" 2>&1 || true
        done
    done
    python3 "$repo/bench/gpu/reuse_summary.py" "$out" "$@" | tee "$out/reuse-summary.md"
    ;;
*) echo "unknown phase $phase" >&2; exit 2 ;;
esac
