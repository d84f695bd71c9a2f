#!/usr/bin/env bash
# Training speed, the trainer of a baseline commit against this checkout's, back to back with the same options:
#   etc/training-speed.sh              baseline bd90a8c (before the GEMM training engine)
#   BASE=<commit> etc/training-speed.sh
# Runs TrainingStepBenchmark (one optimiser step on ml-1m samples, see its comment) on both. The baseline gets
# the same benchmark source with its imports mapped to the packages of that time (before the restructuring),
# in a worktree at work/training-speed/baseline; it has no multiply-add count, so its flops counter reads 0 and
# its GFLOPS follow from its pairs/s and the current count per pair. Results go to work/training-speed/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/etc/find-java.sh"
java_bin="$(find_java)"
cd "$here"
base="${BASE:-bd90a8c}"
out=work/training-speed
mkdir -p "$out"
if [ ! -d "$out/baseline" ]; then
  git worktree add --detach "$out/baseline" "$base"
fi
git -C "$out/baseline" checkout -q --detach "$base"
sed -e 's/dev\.arbor\.dataset\./dev.arbor.train.data./' \
    -e 's/dev\.arbor\.nn\.MinibatchTrainer/dev.arbor.train.model.Trainer/' \
    -e 's/dev\.arbor\.nn\./dev.arbor.train.model./' \
    -e 's/dev\.arbor\.treebuild\./dev.arbor.train.tree./' \
    -e 's/dev\.arbor\.treetrain\./dev.arbor.train.tdm./' \
    -e 's/MinibatchTrainer\.multiplyAdds([^)]*)/0L/' \
    -e 's/MinibatchTrainer/Trainer/g' \
    bench/src/main/java/dev/arbor/bench/TrainingStepBenchmark.java \
    > "$out/baseline/bench/src/main/java/dev/arbor/bench/TrainingStepBenchmark.java"
(cd "$out/baseline" && mvn -B -q -o package -DskipTests -pl bench -am)
mvn -B -q -o package -DskipTests -pl bench -am
args=(TrainingStepBenchmark -wi 3 -w 5 -i 5 -r 5 -f 1 "$@")
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for side in baseline current; do
  jar=bench/target/arbor-benchmarks.jar
  [ "$side" = baseline ] && jar="$out/baseline/bench/target/arbor-benchmarks.jar"
  echo "== $side ($( [ "$side" = baseline ] && echo "$base" || git rev-parse --short HEAD))"
  "$java_bin" @jvm.options -jar "$jar" "${args[@]}" -rf json -rff "$out/$side.json" \
    | tee "$out/$side.txt" | grep -E '^(Benchmark|TrainingStepBenchmark)' || true
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
