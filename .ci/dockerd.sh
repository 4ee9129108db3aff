#!/usr/bin/env bash
# The project's private Docker engine for ContainerVerify and the real-engine image tests.
#   .ci/dockerd.sh start   installs docker.io if needed, starts dockerd, waits for its API and
#                          prints `export DOCKER_HOST=...` (eval "$(.ci/dockerd.sh start)")
#   .ci/dockerd.sh stop    stops it and removes everything it created: data root (images,
#                          layers), exec root, socket, pid file and log
# Everything lives under /tmp (VMSPEC_DOCKER_RUN_DIR) so it never touches a system engine at
# /var/run/docker.sock. The socket is DockerEndpoint.DefaultHost's (a test holds them equal).
set -euo pipefail

run_dir=${VMSPEC_DOCKER_RUN_DIR:-/tmp}
socket=${VMSPEC_DOCKER_SOCKET:-/tmp/vmspec-docker.sock}
data_root=${VMSPEC_DOCKER_DATA:-$run_dir/vmspec-docker}
exec_root=$run_dir/vmspec-docker-exec
pid_file=$run_dir/vmspec-dockerd.pid
log_file=$run_dir/vmspec-dockerd.log
host="unix://$socket"

answers() {
  # /_ping is the cheapest endpoint; curl is in every CI image we use, docker's CLI may not be.
  curl -fsS --max-time 2 --unix-socket "$socket" http://docker/_ping >/dev/null 2>&1
}

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if answers; then
    echo "export DOCKER_HOST=$host"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "dockerd not found: installing docker.io" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >&2
  fi
  if pid=$(running_pid); then
    echo "error: dockerd (pid $pid) is running but $socket does not answer; see $log_file" >&2
    exit 1
  fi
  rm -f "$socket" "$pid_file"
  mkdir -p "$data_root" "$exec_root"
  # Containers run with network none, so no bridge or iptables rules are needed (and cgroup v1
  # hosts without iptables modules would refuse them).
  setsid dockerd --host "$host" --data-root "$data_root" --exec-root "$exec_root" \
    --pidfile "$pid_file" --iptables=false --ip-masq=false --bridge=none \
    </dev/null >>"$log_file" 2>&1 &
  local launcher=$!
  for _ in $(seq 1 120); do
    if answers; then
      echo "export DOCKER_HOST=$host"
      return
    fi
    if ! kill -0 "$launcher" 2>/dev/null; then
      echo "error: dockerd exited during start; last lines of $log_file:" >&2
      tail -n 20 "$log_file" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "error: dockerd did not answer on $socket within 60 s; last lines of $log_file:" >&2
  tail -n 20 "$log_file" >&2
  kill "$launcher" 2>/dev/null || true
  exit 1
}

# Overlay and shm mounts dockerd left under its roots go first (deepest first), or rm -rf fails on them.
remove_state() {
  local root mount
  for root in "$data_root" "$exec_root"; do
    [ -d "$root" ] || continue
    awk -v root="$root" '$2 == root || index($2, root "/") == 1 { print $2 }' /proc/self/mounts | sort -r \
      | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  done
  rm -rf "$data_root" "$exec_root"
  rm -f "$socket" "$pid_file" "$log_file"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    remove_state
    echo "dockerd is not running; its state is removed" >&2
    return
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "dockerd (pid $pid) ignored SIGTERM for 30 s: killing it" >&2
    kill -KILL "$pid"
  fi
  remove_state
  echo "dockerd stopped; $data_root, $exec_root, $socket and its pid file and log removed" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
