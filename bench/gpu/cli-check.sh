#!/usr/bin/env bash
# The CLI on a device, through the bundle's runtime: train the dln task with --device, then λ̂ at its checkpoints
# with --device. Usage: bench/gpu/cli-check.sh JAVA BUNDLE NATIVE_DIR DEVICE OUT
set -euo pipefail
java=$1 bundle=$2 native=$3 device=$4 out=$5
lambdahat() {
  "$java" -XX:-UseProfiledLoopPredicate --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir="$native" \
    -jar "$bundle/lambdahat.jar" "$@" 2>&1 | grep -v '^WARNING'
}
rm -rf "$out/cli-dln"
lambdahat info
lambdahat train --task dln --steps 400 --checkpoints linear --num-checkpoints 3 --device "$device" --out "$out/cli-dln" --quiet
lambdahat trajectory --run "$out/cli-dln" --device "$device" --burnin 100 --draws 100 --quiet
