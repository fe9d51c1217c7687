#!/bin/sh
# build_edited.sh DOSSIER VAULT OUT: the usual rebuild. One customer note of VAULT is edited (a line
# added, or removed again on the next run), then `dossier build` runs over the site OUT already holds,
# which keeps the files that come out the same. VAULT is edited: pass a copy.
set -e
note=$(find "$2/Customers" -name '*.md' | sort | head -1)
if grep -q '^Edited for the rebuild benchmark\.$' "$note"; then
  sed -i '/^Edited for the rebuild benchmark\.$/d' "$note"
else
  printf 'Edited for the rebuild benchmark.\n' >>"$note"
fi
exec "$1" build --quiet --vault "$2" --out "$3" --today 2026-11-20
