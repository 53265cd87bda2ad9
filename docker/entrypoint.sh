#!/bin/sh
# Container entrypoint for npi-rates workers. Passes its arguments to npi-rates (no arguments means
# `search`), adding what cloud-run sets in the task's environment:
#   NPIS             -> --npi "$NPIS"            (comma-separated NPIs)
#   URLS_S3_PATH     -> --urls-file "$URLS_S3_PATH"  (this task's chunk of MRF URLs)
#   RESULTS_S3_PATH  -> -o "$RESULTS_S3_PATH"     (where this task's result document goes)
# `exec` makes npi-rates PID 1's replacement, so the SIGTERM of a Spot interruption reaches it.
set -eu

if [ "$#" -eq 0 ]; then
  set -- search
fi
if [ -n "${NPIS:-}" ]; then
  set -- "$@" --npi "$NPIS"
fi
if [ -n "${URLS_S3_PATH:-}" ]; then
  set -- "$@" --urls-file "$URLS_S3_PATH"
fi
if [ -n "${RESULTS_S3_PATH:-}" ]; then
  set -- "$@" -o "$RESULTS_S3_PATH"
fi

exec npi-rates "$@"
