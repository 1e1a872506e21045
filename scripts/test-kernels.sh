#!/usr/bin/env bash
# Runs the tests whose values come from training (golden values, kill -9/SIGTERM resume, end to end)
# once under each kernel choice of scripts/kernel-variants.sh other than the default. A failure names
# the settings. Run after `mvn -B test` (it reuses the compiled classes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tests="${SWA4J_KERNEL_TESTS:-GoldenValuesTest,ResumeTest,EndToEndTest}"
ran=0
while read -r variant; do
  [[ "$variant" == default ]] && continue
  read -r -a settings <<< "$variant"
  echo "== $tests under $variant"
  # stdin from /dev/null: Maven reads standard input, which here is the list of variants, and would
  # swallow every line after the first
  env "${settings[@]}" mvn -B -q -f "$root/pom.xml" -pl swa-experiments -am test -Dtest="$tests" \
      -Dsurefire.failIfNoSpecifiedTests=false < /dev/null \
    || { echo "FAILED under $variant" >&2; exit 1; }
  ran=$((ran + 1))
done < <("$root/scripts/kernel-variants.sh")
echo "trained-result tests passed under every kernel choice of this CPU ($ran besides the default)"
