# Sourced by ./dispatchlab, ./run-tests and the benchmark script: finds a JDK 25 or newer and exports
# JAVA_HOME and JAVA. Order: $JAVA_HOME if new enough, else the newest JDK under /usr/lib/jvm,
# else a message saying what to install. The machines' default java is 17, too old for this project.

dl_java_major() {
  # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release"
  if [ -r "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel" | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

dl_find_jdk() {
  local need=25 best="" bestv=0 v d
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(dl_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] && [ ! -L "$d" ] && [ -x "$d/bin/javac" ] || continue
    v=$(dl_java_major "$d")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$need" ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  return 1
}

if ! DL_JDK=$(dl_find_jdk); then
  echo "dispatchlab needs a JDK 25 or newer (found none: JAVA_HOME=${JAVA_HOME:-unset}, nothing new enough under /usr/lib/jvm)." >&2
  echo "Install one, e.g. Temurin 25 (https://adoptium.net) or Debian's openjdk-25-jdk, or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$DL_JDK"
export JAVA="$JAVA_HOME/bin/java"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries call sun.misc.Unsafe; JDK 25 warns about it on every build.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
