#!/usr/bin/env bash
# Sourced by scripts/chat-server and scripts/chat-client (after find-jdk.sh): builds the jars
# when the one asked for is missing, from the repository root whatever the caller's folder,
# then replaces the shell with `java -jar`. The build's output goes to a log that is shown only
# when it fails (maven-build.sh), so a piped client's stdout carries only chat events.

# shellcheck source=maven-build.sh
. "$(dirname "${BASH_SOURCE[0]}")/maven-build.sh"

lanchat_launch() { # lanchat_launch MODULE ARGS...: runs MODULE/target/MODULE.jar with ARGS
  local module="$1" root jar
  shift
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  jar="$root/$module/target/$module.jar"
  lanchat_find_jdk || exit 1
  if [ ! -f "$jar" ]; then
    if ! command -v mvn >/dev/null 2>&1; then
      echo "$module: $jar is not built yet and Maven (mvn) is not on the PATH; install Maven 3.8+ or build the jar elsewhere." >&2
      exit 1
    fi
    echo "$module: building the LanChat jars (first run; takes a minute)..." >&2
    if ! (cd "$root" && lanchat_maven "$module" -DskipTests package); then
      exit 1
    fi
    if [ ! -f "$jar" ]; then
      echo "$module: the build finished but $jar is missing." >&2
      exit 1
    fi
  fi
  exec "$JAVA_HOME/bin/java" -jar "$jar" "$@"
}
