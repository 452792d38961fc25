# Sourced by the project's scripts: where builds go and how they link.
#
# Builds go to a target directory outside the clone (an existing CARGO_TARGET_DIR wins), so a
# fresh clone on the same machine reuses earlier builds. mold links faster when installed; the
# scripts try to install it from Debian's packages and carry on without it otherwise.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/support-portal/target}"

if ! command -v mold >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get install -y -qq mold >/dev/null 2>&1 || true
fi
if command -v mold >/dev/null 2>&1 && [ -z "${RUSTFLAGS:-}" ]; then
  export RUSTFLAGS="-C link-arg=-fuse-ld=mold"
fi
