#!/usr/bin/env bash
# Serves the newest trained model over HTTP (POST /model/parse) on NLU_PORT, else the port of NLU_URL
# (the address the app calls), else 5005.
# Env: NLU_MODELS (model dir, default nlu/models), NLU_MODEL (a model file, overrides NLU_MODELS).
set -euo pipefail
NLU_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$NLU_DIR")"
export RASA_TELEMETRY_ENABLED=false
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"  # the model names nlu.components.* by module path
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
model="${NLU_MODEL:-$(ls -1t "${NLU_MODELS:-$NLU_DIR/models}"/loa-nlu-*.tar.gz 2>/dev/null | head -1 || true)}"
if [ -z "$model" ]; then
    echo "nlu/serve.sh: no trained model in ${NLU_MODELS:-$NLU_DIR/models}: run bash nlu/train.sh" >&2
    exit 1
fi
cd "$NLU_DIR"
url_port="$(printf '%s' "${NLU_URL:-}" | sed -nE 's#^https?://[^/:]+:([0-9]+).*#\1#p')"
exec "$NLU_DIR/.venv/bin/rasa" run --enable-api -m "$model" --port "${NLU_PORT:-${url_port:-5005}}" \
    --interface "${NLU_HOST:-127.0.0.1}" "$@"
