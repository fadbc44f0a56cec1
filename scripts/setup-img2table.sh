#!/usr/bin/env bash
# A venv of its own for the img2table baseline of benchmarks/bench_ocr.py (run by it when missing).
#
# img2table 2.0 requires opencv-contrib-python (it binarises with cv2.ximgproc's Sauvola):
# that package and the project's opencv-python-headless both install the module cv2, so
# one venv cannot hold both without one overwriting the other's files. Here img2table goes
# in without its declared dependencies, next to the headless build of the same contrib
# modules (no libGL needed) and the rest of what it imports; OCR is the Tesseract CLI of
# apt-packages.txt. Nothing is downloaded at run time.
set -euo pipefail
venv=${1:?usage: setup-img2table.sh VENV_DIR}
PY=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  "$PY" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q "opencv-contrib-python-headless>=4.10,<6" "numpy>=1.26,<3" "pypdfium2>=4.30" \
  "beautifulsoup4>=4.12,<5" "xlsxwriter>=3.0.6,<4"
"$venv/bin/python" -m pip install -q --no-deps "img2table==2.0.0"
"$venv/bin/python" -c "import cv2, img2table; cv2.ximgproc.niBlackThreshold; print('img2table', img2table.__name__, 'cv2', cv2.__version__)"
touch "$venv/.complete"
