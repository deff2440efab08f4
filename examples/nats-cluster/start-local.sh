#!/usr/bin/env bash
# Starts a 3-node JetStream cluster on this machine (loopback, ports 4222-4224 and 6222-6224,
# data under ./nats-data) from node.conf, for a local trial of `runledger ship --replicas 3`.
# Stop it with: kill $(cat nats-data/*.pid)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${DATA_DIR:-$PWD/nats-data}"
mkdir -p "$data"
names=(a b c)
for i in 0 1 2; do
  others=()
  for j in 0 1 2; do [ "$j" != "$i" ] && others+=("nats-route://127.0.0.1:$((6222 + j))"); done
  NODE_NAME="${names[$i]}" HOST=127.0.0.1 CLIENT_PORT=$((4222 + i)) CLUSTER_PORT=$((6222 + i)) \
    ROUTE_1="${others[0]}" ROUTE_2="${others[1]}" STORE_DIR="$data/${names[$i]}" \
    nats-server -c "$here/node.conf" -P "$data/${names[$i]}.pid" -l "$data/${names[$i]}.log" &
done
echo "cluster starting: nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224"
