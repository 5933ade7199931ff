#!/usr/bin/env bash
# Builds target/gpu-bundle/ here (JDK 25 and Maven needed), for bench/gpu/run.sh on a GPU machine that has Python
# with pip torch (CUDA), cmake and a C++ compiler but no Java and no network:
#   runtime/   a jlinked Java runtime with only the modules the jar and tests use (jdeps), plus jdk.incubator.vector
#   lambdahat.jar, lib/   the library and its runtime dependencies (JFreeChart left out: the GPU path draws no charts)
#   test/      the test classes as one jar, and the JUnit console launcher of the pom's JUnit version
# The shim is not in the bundle: run.sh builds it there against the torch it finds. Carry the folder to the device
# (one ignored path, under 64 MiB) with the git working tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bin/java-home.sh
bundle=target/gpu-bundle
started=$(date +%s)

mvn -q -B -Dstyle.color=never -DskipTests package 2>&1 | grep -v '^WARNING' || true
test -f target/lambdahat.jar && test -d target/test-classes/io/lambdahat/gpu || { echo "bundle: the build failed" >&2; exit 1; }
# JUnit 5.x.y ships platform 1.x.y
junit_platform=$(sed -n 's:.*<junit.version>5\.\(.*\)</junit.version>.*:1.\1:p' pom.xml)
console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$junit_platform/junit-platform-console-standalone-$junit_platform.jar"
if [ ! -f "$console" ]; then
  mvn -q -B -Dstyle.color=never dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform" >/dev/null
fi

rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/test"
cp target/lambdahat.jar "$bundle/"
for j in target/lib/*.jar; do
  case "$(basename "$j")" in jfreechart-*) ;; *) cp "$j" "$bundle/lib/" ;; esac
done
"$JAVA_HOME/bin/jar" --create --file "$bundle/test/lambdahat-tests.jar" -C target/test-classes .
cp "$console" "$bundle/test/junit-platform-console-standalone.jar"

# The modules the library, its dependencies and the tests need (jdeps), less java.desktop and java.sql: only the
# report's charts (JFreeChart, java.awt) use java.desktop and the GPU path draws none; Jackson declares both
# "requires static" (optional) and loads neither unless asked for such types.
# The jar is a named module (io.lambdahat): jdeps resolves its requires on the module path, every dependency of the
# build included (the bundle leaves JFreeChart out, but the descriptor names it); the test jar goes on the class path.
cp=$(ls "$bundle"/lib/*.jar | tr '\n' ':')
mp=$(ls target/lib/*.jar | tr '\n' ':')
needed=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 --module-path "$mp" \
  "$bundle/lambdahat.jar"),$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
  --class-path "$cp" "$bundle/test/lambdahat-tests.jar")
# java.xml and jdk.zipfs: the JUnit console launcher writes XML reports and scans the test jar with them (jdeps does
# not look inside that jar)
modules=$(echo "$needed,java.logging,java.xml,jdk.zipfs,jdk.incubator.vector" | tr ',' '\n' | grep -E '^(java|jdk)\.' \
  | grep -Ev '^java.(desktop|sql)$' | sort -u | paste -sd, -)
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$bundle/runtime" --strip-debug --no-header-files --no-man-pages \
  --compress zip-9
echo "$modules" > "$bundle/modules.txt"
# functorch's headers need nlohmann/json (header-only, MIT), which torch's wheels lack and the GPU machine cannot fetch
mkdir -p "$bundle/include"
cp -r /usr/include/nlohmann "$bundle/include/" || { echo "bundle: no /usr/include/nlohmann (apt-get install nlohmann-json3-dev)" >&2; exit 1; }
git rev-parse HEAD > "$bundle/commit.txt" 2>/dev/null || true
"$bundle/runtime/bin/java" --add-modules jdk.incubator.vector -version 2>&1 | grep -v WARNING | head -1
echo "bundle: $bundle ($(du -sh "$bundle" | cut -f1), modules $modules) in $(( $(date +%s) - started )) s"
