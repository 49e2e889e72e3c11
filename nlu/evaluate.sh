#!/usr/bin/env bash
# Trains on nlu/data only (own model dir) and scores Rasa and the fallback matcher on nlu/test/held_out.yml.
# The last line is `RESULT rasa_acc=.. rasa_macro_f1=.. rasa_oos_recall=.. rasa_nodiacritics_acc=.. rasa_top3=..
# rasa_answered=.. rasa_long_n=.. rasa_long_acc=.. rasa_long_top3=.. fallback_acc=.. fallback_top3=..`
# (top3: the right topic among the three the bot offers when it asks back; answered: right and at least
# NLU_CONFIDENCE_THRESHOLD sure, so answered rather than asked back; long: questions over 20 words).
set -euo pipefail
NLU_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$NLU_DIR")"
export RASA_TELEMETRY_ENABLED=false
EVAL_MODELS="${NLU_EVAL_MODELS:-$NLU_DIR/models/eval}"
bash "$NLU_DIR/install.sh"
NLU_MODELS="$EVAL_MODELS" bash "$NLU_DIR/train.sh"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m nlu.evaluate --models "$EVAL_MODELS" "$@"
