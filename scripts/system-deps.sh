#!/usr/bin/env bash
# System packages the window tests need (Xvfb, xdotool) and the browser viewer's tests (Debian's
# chromium, driven by Playwright: tests/web). Installed only when running as root (CI); elsewhere
# the tests that need them skip and say why.
set -u
need=()
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xdotool >/dev/null 2>&1 || need+=(xdotool)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} for the window and browser tests"
  (apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1; }) \
    || echo "warning: could not install ${need[*]}; window or browser tests will skip"
else
  echo "note: ${need[*]} missing and not root; window or browser tests will skip"
fi
exit 0
