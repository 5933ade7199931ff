# Sourced by the project's scripts: points JAVA_HOME at a JDK 25 (the machine's default java may be 17).
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
    if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
  echo "lambdahat needs JDK 25 (Temurin 25 under /usr/lib/jvm); set JAVA_HOME to it." >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
