"""Issue 16's table from `bench/gpu/run.sh reuse TYPE...`: per type and workload, biomedq with prefix
reuse on and off (examples/s, submitted tokens/s, computed/submitted prompt tokens, agreement of the
answers between the two), llama-batched-bench at the same token counts, and transformers fp16
(hf.json, hf-fewshot.json) where present.
  python3 bench/gpu/reuse_summary.py OUT_DIR TYPE...
"""
import json
import os
import re
import sys

out, types = sys.argv[1], sys.argv[2:]
WORKLOADS = [("ra", "A: PubMedQA zero-shot, 32 tokens", "a"), ("rf", "PubMedQA few-shot:3 (chat)", "f"),
             ("rb", "MedQA log-likelihood", None)]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def answers(path):
    by_id = {}
    try:
        with open(path) as f:
            for line in f:
                try:
                    s = json.loads(line)
                except ValueError:
                    continue
                by_id[(s.get("task"), s.get("id"))] = s.get("raw_output")
    except OSError:
        pass
    return by_id


def batched_bench(path):
    """Total tokens/s (S t/s, the last column) of the last result row."""
    try:
        rows = [l for l in open(path) if re.match(r"^\|\s*\d+", l)]
    except OSError:
        return None
    if not rows:
        return None
    return float(rows[-1].strip().strip("|").split("|")[-1])


print("| type | workload | reuse | examples/s | tokens/s (submitted) | computed/submitted | agreement with on |")
print("|---|---|---|---|---|---|---|")
for t in types:
    for key, name, bb in WORKLOADS:
        rates = {}
        for r in ("on", "off", "unified", "off-p16"):
            res = load(os.path.join(out, f"{key}-{t}-{r}.json"))
            if not res:
                if r in ("on", "off"):
                    print(f"| {t} | {name} | {r} | failed | | | |")
                continue
            sp = res.get("speed", {})
            secs = sp.get("t_eval_ms", 0) / 1000
            sub = sp.get("n_tokens_prompt", 0)
            comp = sp.get("n_tokens_prompt_computed", sub)
            toks = (sub + sp.get("n_tokens_generated", 0)) / secs if secs else 0
            rates[r] = sp.get("examples_per_s", 0)
            agree = ""
            if r != "on":  # against reuse on; off-p16 against off (the noise floor)
                a_on = answers(os.path.join(out, f"{key}-{t}-{'off' if r == 'off-p16' else 'on'}.samples.jsonl"))
                a_off = answers(os.path.join(out, f"{key}-{t}-{r}.samples.jsonl"))
                common = set(a_on) & set(a_off)
                if common:
                    same = sum(a_on[k] == a_off[k] for k in common)
                    agree = f"{same}/{len(common)} ({same / len(common):.3f})"
            print(f"| {t} | {name} | {r} | {rates[r]:.2f} | {toks:,.0f} | {comp / sub if sub else 0:.3f} | {agree} |")
        for r in ("on", "unified"):
            if r in rates and rates.get("off"):
                print(f"| {t} | {name} | {r}/off | {rates[r] / rates['off']:.2f}x | | | |")
        if bb:
            for b in ("2048", "4096"):
                v = batched_bench(os.path.join(out, f"rbb-{bb}-{t}-{b}.txt"))
                if v:
                    print(f"| {t} | {name} | llama-batched-bench -b {b} | | {v:,.0f} | 1 (recomputes) | |")
for name in ("hf.json", "hf-fewshot.json"):
    hf = load(os.path.join(out, name))
    if hf:
        best = max(hf.get("runs", []), key=lambda r: r.get("examples_per_s", 0), default=None)
        if best:
            print(f"\ntransformers fp16 ({name}): best {best.get('examples_per_s', 0):.1f} examples/s at batch "
                  f"{best.get('batch')}")
