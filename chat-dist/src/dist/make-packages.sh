#!/usr/bin/env bash
# Builds the LanChat distribution from the shaded jars (run by `mvn -B -Pdist -DskipTests
# package`, in chat-dist's package phase):
#   runtime/PROGRAM       a jlink runtime holding only the modules jdeps finds in PROGRAM.jar
#   app-image/PROGRAM     a jpackage app image: bin/PROGRAM, the jar and that runtime (no JDK needed)
#   PROGRAM-VERSION-linux-x64.tar.gz   that app image, packed
#   lanchat-server_VERSION_ARCH.deb, lanchat-client_VERSION_ARCH.deb
# The .debs are put together with dpkg-deb rather than `jpackage --type deb`: jpackage's package
# owns only its /opt folder, and the launcher on PATH, the man page, the completion scripts and
# the systemd unit would have to be copied by a postinst script, unknown to dpkg and left behind
# by `apt remove`.
# Usage: make-packages.sh REPO_ROOT VERSION GENERATED_DOCS OUTPUT
set -euo pipefail
root=$1 version=$2 docs=$3 out=$4

die() { echo "make-packages: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is needed to build the packages ($2)"; }
need asciidoctor "Debian: apt-get install asciidoctor"
need dpkg-deb "Debian: apt-get install dpkg"
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
for tool in jdeps jlink jpackage; do
  [ -x "$java_home/bin/$tool" ] || die "$java_home/bin/$tool is missing: set JAVA_HOME to a full JDK 21+"
done

rm -rf "$out"
mkdir -p "$out/man" "$out/app-image" "$out/runtime"
# dpkg versions sort "~" before anything, so 1.0.0~SNAPSHOT comes before 1.0.0
deb_version=${version//-/\~}
arch=$(dpkg --print-architecture)
asciidoctor -b manpage -D "$out/man" "$docs"/man/*.adoc

# app_image PROGRAM: the jlink runtime and the jpackage app image of PROGRAM
app_image() {
  local program=$1 jar="$root/$1/target/$1.jar" modules input="$out/input/$1"
  [ -f "$jar" ] || die "$jar is missing: build with mvn -B -Pdist -DskipTests package"
  modules=$("$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 21 "$jar")
  echo "make-packages: $program needs $modules"
  "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --output "$out/runtime/$program"
  mkdir -p "$input" && cp "$jar" "$input/"
  # the client's JLine loads a native helper: allowing it up front avoids a JDK warning
  "$java_home/bin/jpackage" --type app-image --name "$program" --input "$input" \
    --main-jar "$program.jar" --runtime-image "$out/runtime/$program" \
    --app-version "${version%%-*}" --java-options --enable-native-access=ALL-UNNAMED \
    --dest "$out/app-image"
  tar -czf "$out/$program-$version-linux-x64.tar.gz" -C "$out/app-image" "$program"
}

# deb PACKAGE PROGRAM SUMMARY: a Debian package of PROGRAM's app image under /opt/PACKAGE
deb() {
  local package=$1 program=$2 summary=$3 stage="$out/deb/$1"
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/man/man1" \
    "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions"
  cp -a "$out/app-image/$program" "$stage/opt/$package"
  ln -s "/opt/$package/bin/$program" "$stage/usr/bin/$program"
  local page
  for page in "$out/man/$program".1 "$out/man/$program"-*.1; do
    if [ -f "$page" ]; then
      gzip -9n -c "$page" > "$stage/usr/share/man/man1/$(basename "$page").gz"
    fi
  done
  cp "$docs/bash/$program" "$stage/usr/share/bash-completion/completions/$program"
  cp "$docs/zsh/_$program" "$stage/usr/share/zsh/vendor-completions/_$program"
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: $package
Version: $deb_version
Architecture: $arch
Maintainer: LanChat developers <lanchat@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: libc6, zlib1g
Section: net
Priority: optional
Description: $summary
 LanChat is a secure terminal chat for a local network. This package carries
 its own Java runtime: no JDK is needed.
CONTROL
}

app_image chat-server
app_image chat-client

deb lanchat-client chat-client "LanChat client: join an encrypted chat room on your LAN"

deb lanchat-server chat-server "LanChat server: an encrypted chat room for your LAN"
server="$out/deb/lanchat-server"
mkdir -p "$server/lib/systemd/system"
cp "$root/scripts/lanchat-server.service" "$server/lib/systemd/system/"
# the unit is installed but not enabled: the admin decides (systemctl enable --now lanchat-server)
cat > "$server/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
SCRIPT
cat > "$server/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl disable --now lanchat-server.service >/dev/null 2>&1 || true
fi
SCRIPT
cat > "$server/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
SCRIPT
chmod 0755 "$server/DEBIAN/postinst" "$server/DEBIAN/prerm" "$server/DEBIAN/postrm"

for package in lanchat-server lanchat-client; do
  dpkg-deb --root-owner-group -Zxz --build "$out/deb/$package" \
    "$out/${package}_${deb_version}_${arch}.deb" >/dev/null
done
rm -rf "$out/input" "$out/deb"
echo "make-packages: built in $out:"
(cd "$out" && du -sh runtime/* app-image/* ./*.tar.gz ./*.deb)
