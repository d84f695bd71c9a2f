# Sourced by ./arbor and bench/run-jmh: find_java prints a JDK 25+ java binary (JAVA_HOME first, then
# /usr/lib/jvm, then the PATH) or fails with a message saying where it looked.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for d in /usr/lib/jvm/*; do candidates+=("$d/bin/java"); done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for j in "${candidates[@]}"; do
    if [ -x "$j" ]; then
      local v; v="$(java_major "$j")"
      if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$j"; return 0; fi
    fi
  done
  echo "arbor: no JDK 25 or newer found (looked at JAVA_HOME and /usr/lib/jvm); install Temurin 25" >&2
  return 1
}
