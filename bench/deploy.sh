#!/usr/bin/env bash
# Deploy time and memory at scale: a fresh SQLite data dir, a bot with N synthetic items
# (bench/gen-knowledge.py, default 10,000), then `vigie deploy` timed (building and
# training the matcher included) with its peak resident memory: once with the shipped
# model, once with a 4-token model2vec model (VIGIE_MODEL_DIR) — the difference is the
# memory the model adds.
# Usage: bench/deploy.sh [items]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
[ -x target/release/vigie ] || cargo build --release -q --bin vigie
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export VIGIE_DATA_DIR="$dir" VIGIE_LOG=warn
python3 bench/gen-knowledge.py "$n" >"$dir/kb.json"
mkdir "$dir/tiny"
python3 - "$dir/tiny" <<'PY'
import json, struct, sys
d = sys.argv[1]
data = struct.pack("<12f", 0, 0, 1, 1, 0, 0, 0.9, 0.1, 0, 0, 1, 0)
header = json.dumps({"embeddings": {"dtype": "F32", "shape": [4, 3], "data_offsets": [0, len(data)]}}).encode()
open(f"{d}/model.safetensors", "wb").write(struct.pack("<Q", len(header)) + header + data)
json.dump({"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
           "vocab": {"[UNK]": 0, "a": 1, "##b": 2, "c": 3}}}, open(f"{d}/tokenizer.json", "w"))
PY
target/release/vigie migrate >/dev/null
target/release/vigie bot create --slug big --name Big --lang fr >/dev/null
target/release/vigie knowledge import --bot big "$dir/kb.json"
echo "== shipped model"
/usr/bin/time -f 'deploy: %e s wall, %M KB peak resident memory' target/release/vigie deploy --bot big
echo "== 4-token model (VIGIE_MODEL_DIR): the same deploy without the model's memory"
VIGIE_MODEL_DIR="$dir/tiny" /usr/bin/time -f 'deploy: %e s wall, %M KB peak resident memory' target/release/vigie deploy --bot big
