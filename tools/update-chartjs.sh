#!/usr/bin/env bash
# Vendors Chart.js for the web console from the npm registry: the minified UMD build and its
# licence go into src/SentimentWatch.Web/Assets/vendor/ and are embedded in the assembly, so a
# fresh machine needs no build step and the console loads nothing from a CDN.
# Usage: tools/update-chartjs.sh [version]   (default: the version vendored now)
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-4.6.1}"
target=src/SentimentWatch.Web/Assets/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "chart.js@${version}" >/dev/null)
tar -xzf "$work"/chart.js-"${version}".tgz -C "$work"
mkdir -p "$target"
cp "$work/package/dist/chart.umd.min.js" "$target/chart.umd.min.js"
cp "$work/package/LICENSE.md" "$target/chart.js-LICENSE.md"
echo "$version" > "$target/chart.js-VERSION"
echo "vendored chart.js $version into $target"
