#!/usr/bin/env bash
# Installs the Debian packages whose programs the tests run, only for programs that are missing,
# so `npm test` passes on a fresh machine. Each line: program package.
# `--long` adds what only the long torture run needs (LibreOffice, to open the CSV tables).
# The Python modules the statistics tests check against (scipy, statsmodels) are tested for with
# Debian's own /usr/bin/python3: apt's python3-* packages are importable by it, and not by a python3
# that PATH may find first (pyenv, a venv), so the tests run their scipy checks with it too.
set -euo pipefail
list='python3 python3
chromium chromium
nats-server nats-server
git git
prometheus prometheus
promtool prometheus
script bsdutils'
if [ "${1:-}" = "--long" ]; then
  list="$list
soffice libreoffice-calc-nogui"
fi
needed=()
while read -r program package; do
  [ -z "$program" ] && continue
  # Debian puts some servers (nats-server) in /usr/sbin, which a non-root PATH may not hold.
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || needed+=("$package")
done <<<"$list"
modules='scipy python3-scipy
statsmodels python3-statsmodels'
while read -r module package; do
  /usr/bin/python3 -c "import $module" >/dev/null 2>&1 || needed+=("$package")
done <<<"$modules"
[ ${#needed[@]} -eq 0 ] && exit 0
echo "ensure-binaries: installing ${needed[*]} with apt-get" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-binaries: ${needed[*]} missing and not root: run 'sudo apt-get install ${needed[*]}'" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}"
