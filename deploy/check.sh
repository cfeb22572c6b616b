#!/usr/bin/env bash
# Checks deploy/ with what runs without a Docker engine (CI has none):
#  1. compose.yaml, .env.example, nginx.conf and the Dockerfile have what a multi-node deployment
#     needs, and every configuration key compose sets is documented in README.md's table;
#  2. the Dockerfile's build step, reproduced: the same `dotnet publish`;
#  3. its entry point and HEALTHCHECK, reproduced: the published ChatHub.dll starts, answers its
#     health and metrics endpoints, passes the `--health` probe, and stops cleanly on SIGTERM.
# Needs python3 with PyYAML (Debian: python3-yaml) and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Dockerfile must run exactly this, with `-o /app`; step 2 runs it with a temporary output.
PUBLISH="dotnet publish src/ChatHub/ChatHub.csproj -c Release"

# Whichever python3 has PyYAML: a version manager's python3 may come first on PATH, while
# Debian's python3-yaml is for /usr/bin/python3.
PY=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import yaml' 2>/dev/null; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then
  echo "check.sh needs PyYAML: apt-get install -y python3-yaml" >&2
  exit 1
fi

echo "== deploy/: compose.yaml, .env.example, nginx.conf, Dockerfile"
PUBLISH="$PUBLISH" "$PY" - <<'PY'
import os, re, sys, yaml

failures = []
def check(condition, message):
    if not condition:
        failures.append(message)

compose = yaml.safe_load(open("deploy/compose.yaml"))
services = compose.get("services", {})
for name in ("mongo", "redis", "chathub", "lb"):
    check(name in services, f"compose.yaml: no service '{name}'")
mongo, redis, chathub, lb = (services.get(n, {}) for n in ("mongo", "redis", "chathub", "lb"))

check(str(mongo.get("image", "")).startswith("mongo:7"), "mongo: image should be mongo:7")
check(str(redis.get("image", "")).startswith("redis:7"), "redis: image should be redis:7")
check("--appendonly" in redis.get("command", []), "redis: persistence must be on, it holds the Data Protection keys")
for name, service in (("mongo", mongo), ("redis", redis)):
    check("healthcheck" in service, f"{name}: needs a healthcheck, the nodes wait for it")

build = chathub.get("build", {})
check(os.path.isfile(os.path.join("deploy", build.get("context", ""), build.get("dockerfile", ""))), "chathub: build context/dockerfile do not name deploy/Dockerfile")
check(chathub.get("deploy", {}).get("replicas", 1) >= 2, "chathub: at least two nodes (deploy.replicas)")
check("ports" not in chathub, "chathub: nodes are reached through lb, publish no ports")
check("mongo" in chathub.get("depends_on", {}) and "redis" in chathub.get("depends_on", {}), "chathub: should depend on mongo and redis")
env = chathub.get("environment", {})
check(isinstance(env, dict), "chathub: environment should be a mapping")
for key in ("ConnectionStrings__MongoDB", "ConnectionStrings__Redis", "Auth__SigningKey"):
    check(key in env, f"chathub: environment lacks {key}")
check(re.fullmatch(r"\$\{[A-Z_]+:\?.+\}", str(env.get("Auth__SigningKey", ""))) is not None,
      "chathub: Auth__SigningKey must come from deploy/.env as ${VAR:?message}, never a value in the file")
check("DataProtection__KeysPath" not in env, "chathub: leave DataProtection__KeysPath unset so the keys live in Redis, shared by every node")

check(str(lb.get("image", "")).startswith("nginx:"), "lb: image should be nginx")
check(lb.get("ports"), "lb: publishes no port")
check(any(str(v).startswith("./nginx.conf:") for v in lb.get("volumes", [])), "lb: does not mount ./nginx.conf")

# Every ${VAR} compose reads is explained in .env.example.
documented_vars = set(re.findall(r"^([A-Z_]+)=", open("deploy/.env.example").read(), re.M))
used_vars = set(re.findall(r"\$\{([A-Z_]+)", open("deploy/compose.yaml").read()))
for var in sorted(used_vars - documented_vars):
    failures.append(f"compose.yaml uses ${{{var}}}, which deploy/.env.example does not list")

# Every configuration key compose sets is in README.md's configuration table.
readme = open("README.md").read()
section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0] if "## Configuration" in readme else ""
documented_keys = set()
for line in section.splitlines():
    if line.startswith("|"):
        documented_keys.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
for variable in env if isinstance(env, dict) else []:
    key = variable.replace("__", ":")
    check(key in documented_keys, f"chathub sets {variable}: README.md's configuration table has no `{key}`")

nginx = open("deploy/nginx.conf").read()
for needed in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;", "server chathub:8080"):
    check(needed in nginx, f"nginx.conf: missing '{needed}'")
timeout = re.search(r"proxy_read_timeout\s+(\d+)([smhd]?);", nginx)
seconds = int(timeout.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[timeout.group(2)] if timeout else 0
check(seconds >= 300, "nginx.conf: proxy_read_timeout must be long (minutes at least) or idle WebSockets are cut")

dockerfile = open("deploy/Dockerfile").read()
lines = [l.strip() for l in dockerfile.splitlines()]
stages = [l for l in lines if l.startswith("FROM ")]
check(len(stages) == 2 and stages[0].startswith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS ")
      and stages[1].startswith("FROM mcr.microsoft.com/dotnet/aspnet:10.0"), "Dockerfile: stages should be sdk:10.0 (build) then aspnet:10.0 (runtime)")
check(f"RUN {os.environ['PUBLISH']} -o /app --no-restore" in lines, "Dockerfile: its publish step differs from the one check.sh reproduces")
for copied in re.findall(r"^COPY (?!--)(.+) \S+$", dockerfile, re.M):
    for source in copied.split():
        check(os.path.exists(source), f"Dockerfile: COPY {source}: no such file")
runtime = dockerfile.split(stages[-1], 1)[1] if stages else ""
check(re.search(r"^USER (\$APP_UID|app)$", runtime, re.M) is not None, "Dockerfile: the runtime stage must run as the image's non-root user")
check("EXPOSE 8080" in lines, "Dockerfile: EXPOSE 8080")
check('ENTRYPOINT ["dotnet", "ChatHub.dll"]' in lines, "Dockerfile: entry point should be dotnet ChatHub.dll")
check(re.search(r'^HEALTHCHECK .*CMD \["dotnet", "ChatHub.dll", "--health"\]$', dockerfile, re.M) is not None, "Dockerfile: HEALTHCHECK should run dotnet ChatHub.dll --health")

for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
if failures:
    sys.exit(1)
print("ok: compose services, secrets, documented keys, nginx WebSocket proxying, Dockerfile stages")
PY

work=$(mktemp -d)
node=""
cleanup() {
  if [[ -n "$node" ]] && kill -0 "$node" 2>/dev/null; then kill "$node"; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== the Dockerfile's build step: $PUBLISH"
dotnet restore src/ChatHub/ChatHub.csproj --nologo -v quiet
$PUBLISH -o "$work/app" --no-restore --nologo -v quiet
test -f "$work/app/ChatHub.dll"

echo "== its entry point: dotnet ChatHub.dll, from the publish directory, with the image's DataDir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
get() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "http://127.0.0.1:$port$1"; }
(cd "$work/app" && exec env DataDir="$work/data" Logging__LogLevel__Default=Warning dotnet ChatHub.dll --urls "http://127.0.0.1:$port") &
node=$!

# The image's HEALTHCHECK, as Docker runs it: the port comes from ASPNETCORE_HTTP_PORTS.
probe() { (cd "$work/app" && ASPNETCORE_HTTP_PORTS=$port dotnet ChatHub.dll --health 2>/dev/null); }
for _ in $(seq 1 60); do
  probe && break
  kill -0 "$node" 2>/dev/null || { echo "FAIL the published service exited during start-up" >&2; exit 1; }
  sleep 1
done
probe || { echo "FAIL the published service did not pass its health probe within 60 s" >&2; exit 1; }
[[ "$(get /health/live)" == "Healthy" ]] || { echo "FAIL /health/live is not Healthy" >&2; exit 1; }
[[ "$(get /health/ready)" == "Healthy" ]] || { echo "FAIL /health/ready is not Healthy" >&2; exit 1; }
metrics=$(get /metrics)
grep -q '^target_info' <<<"$metrics" || { echo "FAIL /metrics serves no Prometheus exposition" >&2; exit 1; }
grep -q '<title>CharacterChat</title>' <<<"$(get /)" || { echo "FAIL the published service does not serve the web page at /" >&2; exit 1; }
get /lib/signalr/signalr.min.js >/dev/null || { echo "FAIL the web page's vendored SignalR client is not published" >&2; exit 1; }
echo "ok: --health probe, /health/live, /health/ready, /metrics, the web page"

echo "== docker stop: SIGTERM ends it cleanly, and the probe then fails"
kill -TERM "$node"
status=0
wait "$node" || status=$?
node=""
[[ $status -eq 0 ]] || { echo "FAIL the service exited with $status after SIGTERM" >&2; exit 1; }
if probe; then echo "FAIL the health probe passed with no service running" >&2; exit 1; fi
echo "ok: deploy/check.sh passed"
