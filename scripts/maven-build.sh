#!/usr/bin/env bash
# Sourced by the scripts that build before they run (launch-jar.sh, bench, fuzz): runs Maven
# quietly, so a first run's screen shows only what the script itself says, not Maven's colour
# codes or the warnings a new JDK prints about Maven's own libraries.

# lanchat_maven WHO ARGS...: runs `mvn -B -q ARGS` in the current folder with its output in a
# temporary log. On success the log is deleted; on failure its [ERROR] lines go to stderr,
# then "WHO: the build failed" with the log's path, and it returns 1.
lanchat_maven() {
  local who="$1" log
  shift
  log="$(mktemp "${TMPDIR:-/tmp}/lanchat-build.XXXXXX")"
  if mvn -B -q "$@" >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  grep -E '^\[ERROR\]' "$log" | head -20 >&2 || true
  echo "$who: the build failed (Maven's full output: $log)" >&2
  return 1
}
