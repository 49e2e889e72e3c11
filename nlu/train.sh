#!/usr/bin/env bash
# Trains the Rasa NLU model into nlu/models/ when the data, config, domain or normaliser changed.
# Env: NLU_DATA (training data dir or file, default nlu/data), NLU_MODELS (output dir, default nlu/models).
set -euo pipefail
NLU_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$NLU_DIR")"
DATA="${NLU_DATA:-$NLU_DIR/data}"
MODELS="${NLU_MODELS:-$NLU_DIR/models}"
PY="$NLU_DIR/.venv/bin/python"
export RASA_TELEMETRY_ENABLED=false
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"  # config.yml names nlu.components.* by module path

[ -x "$NLU_DIR/.venv/bin/rasa" ] || { echo "nlu/train.sh: run bash nlu/install.sh first" >&2; exit 1; }
"$PY" "$NLU_DIR/make_domain.py"

# The model's name carries a hash of everything that shapes it: same inputs, no retraining.
inputs=("$NLU_DIR/config.yml" "$NLU_DIR/domain.yml" "$NLU_DIR/normalize.py" "$NLU_DIR/focus.py" "$NLU_DIR"/components/*.py
        "$NLU_DIR/requirements-rasa.txt")
if [ -d "$DATA" ]; then mapfile -t data_files < <(find "$DATA" -maxdepth 1 -name '*.yml' | sort); else data_files=("$DATA"); fi
[ "${#data_files[@]}" -gt 0 ] || { echo "nlu/train.sh: no training data in $DATA" >&2; exit 1; }
hash="$( (for f in "${inputs[@]}" "${data_files[@]}"; do basename "$f"; cat "$f"; done) | sha256sum | cut -c1-12)"
name="loa-nlu-$hash"
if [ -f "$MODELS/$name.tar.gz" ]; then
    exit 0
fi
mkdir -p "$MODELS"
# The same inputs were already trained elsewhere (the evaluation's own dir vs nlu/models): reuse that model.
for other in "$NLU_DIR/models" "$NLU_DIR/models/eval"; do
    if [ -f "$other/$name.tar.gz" ]; then
        cp "$other/$name.tar.gz" "$MODELS/$name.tar.gz"
        echo "nlu/train.sh: reused $other/$name.tar.gz" >&2
        exit 0
    fi
done

echo "nlu/train.sh: training $name from ${#data_files[@]} file(s)" >&2
start=$(date +%s)
cd "$NLU_DIR"
"$NLU_DIR/.venv/bin/rasa" train nlu --config "$NLU_DIR/config.yml" --domain "$NLU_DIR/domain.yml" \
    --nlu "$DATA" --out "$MODELS" --fixed-model-name "$name" --quiet
echo "nlu/train.sh: trained $MODELS/$name.tar.gz in $(( $(date +%s) - start )) s" >&2
# Keep the three newest models: enough to roll back, not enough to fill the disk.
ls -1t "$MODELS"/loa-nlu-*.tar.gz 2>/dev/null | tail -n +4 | xargs -r rm -f
