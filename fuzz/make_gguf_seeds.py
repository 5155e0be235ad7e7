#!/usr/bin/env python3
"""Writes the GGUF seed inputs of fuzz_gguf_info (small invented models: a header, a few metadata
keys, one or two tiny F32 tensors). Run once; the outputs are checked in under corpus/."""
import struct
import sys
from pathlib import Path

def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b

def kv(key, vtype, payload):
    return gguf_string(key) + struct.pack("<I", vtype) + payload

U32, F32, STRING, ARRAY = 4, 6, 8, 9

def model(arch, tensors, extra_kv=()):
    kvs = [kv("general.architecture", STRING, gguf_string(arch)),
           kv("general.name", STRING, gguf_string("fuzz-seed")),
           kv(f"{arch}.block_count", U32, struct.pack("<I", 1)),
           kv(f"{arch}.context_length", U32, struct.pack("<I", 64)),
           kv(f"{arch}.embedding_length", U32, struct.pack("<I", 4)),
           kv(f"{arch}.attention.head_count", U32, struct.pack("<I", 1)),
           kv(f"{arch}.attention.head_count_kv", U32, struct.pack("<I", 1)),
           kv("tokenizer.ggml.tokens", ARRAY,
              struct.pack("<IQ", STRING, 2) + gguf_string("a") + gguf_string("b")),
           *extra_kv]
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)) + b"".join(kvs)
    offset = 0
    for name, dims in tensors:
        out += gguf_string(name) + struct.pack("<I", len(dims))
        out += b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", 0, offset)  # type F32
        n = 1
        for d in dims:
            n *= d
        offset += (n * 4 + 31) // 32 * 32
    out += b"\0" * (-len(out) % 32)
    return out + b"\0" * offset

def main(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    good = model("llama", [("token_embd.weight", [4, 2]), ("output_norm.weight", [4])])
    (folder / "llama_tiny.gguf").write_bytes(good)
    (folder / "qwen2_tiny.gguf").write_bytes(model("qwen2", [("token_embd.weight", [4, 2])]))
    (folder / "unknown_arch.gguf").write_bytes(model("zorbnet", [("w", [2])]))
    (folder / "cut_data.gguf").write_bytes(good[: len(good) - 20])
    (folder / "cut_header.gguf").write_bytes(good[:60])

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "corpus" / "fuzz_gguf_info")
