# Shared settings of the scripts (sourced, not run).
# The cargo target dir lives outside the clone so a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vidmsg/target}"
VIDMSG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VIDMSG_ROOT
VIDMSG_BIN="$CARGO_TARGET_DIR/debug"
export VIDMSG_BIN
