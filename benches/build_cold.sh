#!/bin/sh
# build_cold.sh DOSSIER VAULT OUT: `dossier build` into an empty folder. The bench scripts pass an OUT
# that does not exist yet (common.sh, `@OUT@`); an OUT that exists is removed first, inside the timed
# command, since a build over the last build's site keeps every file that comes out the same, which
# times a rebuild instead (build_edited.sh).
set -e
rm -rf "$3"
exec "$1" build --quiet --vault "$2" --out "$3" --today 2026-11-20
