#!/usr/bin/env bash
# Sourced by the LanChat launchers and CI: sets JAVA_HOME to a JDK 21 or newer, or explains
# what to install and returns 1. Looks at $JAVA_HOME, `java` on the PATH, then /usr/lib/jvm
# and the usual SDKMAN/Homebrew folders, newest first.

lanchat_java_major() { # prints the feature version of the JDK in $1, or nothing
  local java="$1/bin/java" line
  [ -x "$java" ] && [ -x "$1/bin/javac" ] || return 0
  line=$("$java" -XshowSettings:properties -version 2>&1 | grep -m1 'java.specification.version') || return 0
  line=${line##*= }
  echo "${line%%.*}"
}

lanchat_find_jdk() {
  local candidate major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in $(ls -d /usr/lib/jvm/* /opt/java/* /opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home \
      "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home 2>/dev/null | sort -rV); do
    candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    major=$(lanchat_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "LanChat needs a JDK 21 or newer, and none was found (looked at JAVA_HOME, java on the PATH and /usr/lib/jvm)." >&2
  echo "Install one (for example Temurin 21 or 25) and set JAVA_HOME to it." >&2
  return 1
}
