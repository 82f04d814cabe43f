# Sourced by ./run-tests and .ci/run: installs from Debian what the tests need on a fresh machine
# (scapy, for the interoperability tests; tshark and tcpdump, for capture tests; chromium, in which a
# test opens the HTML report headless; maven), only what is missing.
need=()
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import scapy.layers.ipsec' 2>/dev/null || need+=(python3-scapy)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ "${#need[@]}" -gt 0 ]; then
  echo "test set-up: installing ${need[*]} ..." >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
