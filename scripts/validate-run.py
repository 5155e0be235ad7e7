#!/usr/bin/python3
"""Validates a run directory's results.json and every samples.jsonl line against schemas/.

Usage: scripts/validate-run.py RUN_DIR   (exit 0 when valid; prints the first violation otherwise)
Uses Debian's python3-jsonschema (scripts/install-deps.sh installs it).
"""
import json
import pathlib
import sys

import jsonschema

root = pathlib.Path(__file__).resolve().parent.parent / "schemas"
run = pathlib.Path(sys.argv[1])
validator = jsonschema.Draft202012Validator
results_schema = json.loads((root / "results.schema.json").read_text())
sample_schema = json.loads((root / "sample.schema.json").read_text())
try:
    validator(results_schema).validate(json.loads((run / "results.json").read_text()))
    for n, line in enumerate((run / "samples.jsonl").read_text().splitlines(), 1):
        try:
            validator(sample_schema).validate(json.loads(line))
        except jsonschema.ValidationError as e:
            raise SystemExit(f"{run}/samples.jsonl: line {n}: {e.message} at {list(e.absolute_path)}")
except jsonschema.ValidationError as e:
    raise SystemExit(f"{run}/results.json: {e.message} at {list(e.absolute_path)}")
print(f"{run}: valid")
