#!/usr/bin/env bash
# The seed's way (push-images.sh): for each image, one after the other,
# tag it with the target name and push it. Nothing is checked first and
# nothing is skipped. Usage: seed-loop.sh <tool> <registry/path> <tls-flag|""> <src-path> <tag> <image>...
set -euo pipefail
tool=$1 target=$2 tls=$3 path=$4 tag=$5
shift 5
for image in "$@"; do
  echo "Pushing image $image"
  "$tool" tag "$path/$image:$tag" "$target/$image:$tag"
  "$tool" push ${tls:+"$tls"} "$target/$image:$tag"
done
