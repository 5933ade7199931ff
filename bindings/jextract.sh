#!/usr/bin/env bash
# Regenerates the FFM bindings in bindings/java from the shim's header with jextract (JDK 22+ jextract).
# No --library flag: io.lambdahat.torch.NativeLibrary loads the shim from an explicit path first, and the
# generated lookup (loaderLookup) then finds its symbols.
# Where jextract is not installed, generate.py writes the same layout from the same header.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jextract \
  --output "$root/bindings/java" \
  --target-package io.lambdahat.bindings \
  --header-class-name lambdahat_h \
  @"$root/bindings/includes.txt" \
  "$root/native-build/include/lambdahat.h"
