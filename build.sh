#!/usr/bin/env bash
# Runs the build project (build/_build.csproj): ./build.sh [targets] [--skip [targets]] [--plan] [--help]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (see global.json) is not on PATH; .ci/run shows how to install it" >&2
  exit 2
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
runner=build/bin/run/_build.dll
# Rebuild the build project only when one of its inputs is newer than the runner (saves ~4 s a call).
stale=$(find build src/Images src/SpecCompiler global.json Directory.Build.props Directory.Packages.props \
  \( -name bin -o -name obj \) -prune -o -type f -newer "$runner" -print -quit 2>/dev/null || echo missing)
if [ ! -f "$runner" ] || [ -n "$stale" ]; then
  # Said before dotnet starts: a first build of the build project takes half a minute, and silence looks like a hang.
  if [ -f "$runner" ]; then why="$stale changed"; else why="first run: about 30 s"; fi
  echo "build.sh: building the build project build/_build.csproj ($why)" >&2
  started=$SECONDS
  # dotnet's minimal output (restore, each project as it is built, any error) is the progress; stderr keeps stdout the targets'.
  if ! dotnet build build/_build.csproj -c Debug --nologo -v minimal -clp:NoSummary -o build/bin/run >&2; then
    echo "build.sh: the build project did not build (see above)" >&2
    exit 1
  fi
  echo "build.sh: build project ready in $((SECONDS - started)) s" >&2
fi
exec dotnet "$runner" "$@"
