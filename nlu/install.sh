#!/usr/bin/env bash
# Builds nlu/.venv with Rasa 3.6.21 (see shared/docs/rasa.md). A no-op when the pins have not changed.
set -euo pipefail
NLU_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$NLU_DIR/.venv"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.installed"
export RASA_TELEMETRY_ENABLED=false
export PIP_DISABLE_PIP_VERSION_CHECK=1

# The stamp holds a hash of everything that decides what gets installed.
want="$(cat "$NLU_DIR/requirements-rasa.txt" "$NLU_DIR/constraints.txt" "$NLU_DIR/mplsetup.cfg" "$NLU_DIR/install.sh" | sha256sum | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/rasa" ]; then
    exit 0
fi

# matplotlib 3.5.3 has no cp311 wheel: it builds against Debian's freetype and qhull.
missing=()
for pkg in libfreetype-dev libqhull-dev pkg-config g++; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "nlu/install.sh: apt-get install ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "nlu/install.sh: building $VENV (takes a few minutes)" >&2
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
export MPLSETUPCFG="$NLU_DIR/mplsetup.cfg"
"$VENV/bin/pip" install -q "pip==24.0" "setuptools<70" wheel
"$VENV/bin/pip" install -q --ignore-requires-python \
    -c "$NLU_DIR/constraints.txt" -r "$NLU_DIR/requirements-rasa.txt"
"$VENV/bin/python" -c "import rasa, dask, sklearn, numpy; print('rasa', rasa.__version__)" >&2
echo "$want" > "$STAMP"
