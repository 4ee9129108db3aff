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
  dotnet build build/_build.csproj -c Debug --nologo -v quiet -clp:NoSummary -o build/bin/run >/dev/null \
    || dotnet build build/_build.csproj -c Debug --nologo -v quiet -o build/bin/run
fi
exec dotnet "$runner" "$@"
