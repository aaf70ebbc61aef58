#!/usr/bin/env bash
# Makes TorchSharp's native libLibTorchSharp.so load on systems whose libstdc++ predates GCC 13
# (e.g. Debian 12). It touches only the copy in the given build output folder, never the NuGet
# cache or the system: adds a tiny library defining std::ios_base_library_init() as a dependency
# and marks the GLIBCXX_3.4.32 requirement weak. Does nothing where libstdc++ already has it.
# Usage: fix-libtorchsharp.sh OUTPUT_DIR CACHE_DIR
set -euo pipefail
out="$1"; cache="$2"
need=GLIBCXX_3.4.32
shim=libporous_iosinit.so
here="$(cd "$(dirname "$0")" && pwd)"

libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {p=$NF} END {print p}' || true)
[ -n "$libstdcxx" ] || libstdcxx=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
if grep -aq "$need" "$libstdcxx" 2>/dev/null; then exit 0; fi

mapfile -t libs < <(find "$out" -name libLibTorchSharp.so -type f 2>/dev/null)
[ ${#libs[@]} -gt 0 ] || exit 0

for tool in g++ gcc patchelf; do
  command -v "$tool" >/dev/null || { echo "fix-libtorchsharp: error: '$tool' is required to make TorchSharp load with this libstdc++ (install: sudo apt-get install g++ patchelf)" >&2; exit 1; }
done

mkdir -p "$cache"
if [ ! -f "$cache/$shim" ] || [ "$here/native/ios_base_library_init.cpp" -nt "$cache/$shim" ]; then
  g++ -shared -fPIC -O2 -o "$cache/$shim" "$here/native/ios_base_library_init.cpp"
fi
if [ ! -x "$cache/elf_weaken_verneed" ] || [ "$here/native/elf_weaken_verneed.c" -nt "$cache/elf_weaken_verneed" ]; then
  gcc -O2 -o "$cache/elf_weaken_verneed" "$here/native/elf_weaken_verneed.c"
fi

for lib in "${libs[@]}"; do
  dir=$(dirname "$lib")
  cp -f "$cache/$shim" "$dir/$shim"
  if ! patchelf --print-needed "$lib" | grep -qx "$shim"; then
    # The build copies from the read-only cache file mode; make our copy writable first.
    chmod u+w "$lib"
    patchelf --add-needed "$shim" "$lib"
  fi
  "$cache/elf_weaken_verneed" "$lib" "$need" || true
done
