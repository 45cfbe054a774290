#!/usr/bin/env bash
# The engine-less anchor (issue 11): skopeo copies one image per call, so
# the images go one after the other. save: from podman's storage into one
# OCI layout, layers gzip-compressed; push: from that layout to a registry.
# Usage: skopeo-loop.sh save <layout-dir> <source-path> <tag> <image>...
#        skopeo-loop.sh push <layout-dir> <registry/path> <tag> <image>...
set -euo pipefail
mode=$1 layout=$2 where=$3 tag=$4
shift 4
for image in "$@"; do
  if [ "$mode" = save ]; then
    skopeo copy --quiet --dest-compress "containers-storage:localhost/$where/$image:$tag" "oci:$layout:$image"
  else
    skopeo copy --quiet --dest-tls-verify=false "oci:$layout:$image" "docker://$where/$image:$tag"
  fi
done
