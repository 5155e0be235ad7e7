"""Hugging Face transformers fp16 peer for workload A: the Llama-3-8B shape with random weights (no
download), SDPA attention, 512 prompts of 400 tokens, exactly 32 generated tokens each (min_new_tokens
= max_new_tokens, so end-of-sequence never stops a sequence early). Tries several batch sizes, each
after a warm-up batch, and reports the best examples/s.
"""
import argparse
import json
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

parser = argparse.ArgumentParser()
parser.add_argument("--out", required=True)
parser.add_argument("--prompts", type=int, default=512)
parser.add_argument("--prompt-tokens", type=int, default=400)
parser.add_argument("--new-tokens", type=int, default=32)
parser.add_argument("--batch-sizes", default="32,64,128")
args = parser.parse_args()

config = LlamaConfig(vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                     num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=8192,
                     rope_theta=500000.0, rms_norm_eps=1e-5, tie_word_embeddings=False)
config._attn_implementation = "sdpa"
torch.manual_seed(0)
with torch.device("cuda"):
    model = LlamaForCausalLM(config).to(torch.float16).eval()
prompts = torch.randint(0, 128000, (args.prompts, args.prompt_tokens), device="cuda")
results = {"torch": torch.__version__, "device": torch.cuda.get_device_name(), "runs": []}
import transformers
results["transformers"] = transformers.__version__
for batch in [int(b) for b in args.batch_sizes.split(",")]:
    try:
        gen = dict(max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens, do_sample=False, pad_token_id=0)
        with torch.no_grad():
            model.generate(input_ids=prompts[:batch], attention_mask=torch.ones_like(prompts[:batch]), **gen)  # warm-up
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            start = time.perf_counter()
            for i in range(0, args.prompts, batch):
                ids = prompts[i:i + batch]
                model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **gen)
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        run = {"batch": batch, "seconds": seconds, "examples_per_s": args.prompts / seconds,
               "generated_tokens_per_s": args.prompts * args.new_tokens / seconds,
               "prompt_tokens_per_s": args.prompts * args.prompt_tokens / seconds,
               "peak_allocated_bytes": torch.cuda.max_memory_allocated()}
    except torch.cuda.OutOfMemoryError as e:
        run = {"batch": batch, "error": "out of memory"}
        torch.cuda.empty_cache()
    print(run, flush=True)
    results["runs"].append(run)
ok = [r for r in results["runs"] if "examples_per_s" in r]
results["best"] = max(ok, key=lambda r: r["examples_per_s"]) if ok else None
json.dump(results, open(args.out, "w"), indent=1)
