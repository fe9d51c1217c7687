#!/bin/sh
# eleventy_peer.sh VAULT OUT: builds VAULT's markdown into OUT with Eleventy (benches/eleventy, the
# version its package-lock.json pins; `npm ci --prefix benches/eleventy` installs it), the generator the
# Obsidian Digital Garden plugin publishes with: the notes in a one-line layout and a page per tag, as
# $SHARED/bench/hugo_peer.sh has Hugo build them. Run from the repository root.
set -e
rm -rf "$2"
NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=16384}" exec node benches/eleventy/node_modules/@11ty/eleventy/cmd.cjs --quiet \
  --config=benches/eleventy/eleventy.config.mjs --input="$1" --output="$2"
