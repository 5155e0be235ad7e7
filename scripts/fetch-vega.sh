#!/usr/bin/env bash
# Fetches the pinned vega, vega-lite and vega-embed npm packages (their UMD builds are inlined into
# report.html at build time), verifies each tarball's sha512 and unpacks the three minified files into
# a per-machine cache, so every build directory and CI run on the machine reuses them.
#
#   scripts/fetch-vega.sh     prints the directory holding vega.min.js, vega-lite.min.js,
#                             vega-embed.min.js and VERSIONS on its last line of stdout
set -euo pipefail

# Pins: version and the sha512 (hex, of the npm tarball) of each package. Change both together.
packages=(
    "vega 6.2.0 048c1a9487041b2b097500e37955263160777b9d233c334031f2c9b1c8c4be9ba753d6d2b7b5f53989d0c64837b81c2e4512389d67c564ef6e216f75d272de1b"
    "vega-lite 6.4.1 28edf26c7368b912b80346a5ffed9f37d52a81311fc6b77f9ed18b63ddf71e0e54398a2d0d541db21477ce7ece7d7c10eee8f45bde957dae51f90c4ef1a9b721"
    "vega-embed 7.1.0 6661089f95c9ad0b7b7d2876970b527571bff6e7f7c88a999ef5c5130049469a62060ac45997196e3e952b7c67f2c353150fac4035d6e6c97fea499b016dece4"
)

cache_root="${BIOMEDQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biomedq}"
key="$(printf '%s\n' "${packages[@]}" | sha256sum | cut -c1-12)"
dest="$cache_root/vega-$key"
log() { echo "fetch-vega: $*" >&2; }

if [[ -f "$dest/.biomedq-ok" ]]; then
    echo "$dest"
    exit 0
fi
mkdir -p "$cache_root"
exec 9>"$cache_root/.lock-vega"
flock 9
if [[ -f "$dest/.biomedq-ok" ]]; then echo "$dest"; exit 0; fi

rm -rf "$dest.part"
mkdir -p "$dest.part"
versions=()
for entry in "${packages[@]}"; do
    read -r name version sha512 <<<"$entry"
    tarball="$cache_root/$name-$version.tgz"
    if [[ ! -f "$tarball" ]] || [[ "$(sha512sum "$tarball" | cut -d' ' -f1)" != "$sha512" ]]; then
        log "fetching $name@$version with npm pack"
        tmp="$(mktemp -d)"
        (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
        mv "$tmp/$name-$version.tgz" "$tarball.part"
        rm -rf "$tmp"
        got="$(sha512sum "$tarball.part" | cut -d' ' -f1)"
        if [[ "$got" != "$sha512" ]]; then
            log "checksum mismatch for $name-$version.tgz: expected sha512 $sha512 (scripts/fetch-vega.sh), got $got"
            rm -f "$tarball.part"
            exit 1
        fi
        mv "$tarball.part" "$tarball"
    fi
    tar -xzf "$tarball" -O "package/build/$name.min.js" >"$dest.part/$name.min.js"
    versions+=("$name@$version")
done
printf '%s\n' "${versions[@]}" >"$dest.part/VERSIONS"
touch "$dest.part/.biomedq-ok"
rm -rf "$dest"
mv "$dest.part" "$dest"
echo "$dest"
