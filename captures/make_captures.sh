#!/usr/bin/env bash
# Regenerates the bundled captures with a real Linux kernel.
#
#   sudo captures/make_captures.sh            # every capture
#   sudo captures/make_captures.sh NAME ...   # only these (see MANIFEST.md)
#
# Each capture gets two fresh network namespaces joined by a veth pair:
#   client  "ssc"  10.0.0.1  fd00::1   (capture point: its veth, veth-c)
#   server  "sss"  10.0.0.2  fd00::2
# iptables/ip6tables rules in the server namespace play the firewall, small
# tcp_syn_retries values keep SYN trains short, and peer.py is the
# application on both ends. Needs root, iproute2, iptables, dumpcap, python3.
# CI never runs this: the captures are committed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here}
peer="python3 $here/peer.py"
app="/usr/bin/python3 $here/app_peers.py"   # Debian's python3: pyftpdlib, impacket
C=ssc
S=sss
B=ssb       # the bridged host of the copies captures
dumpcap_pid=
more_dumpcaps=()

[ "$(id -u)" = 0 ] || { echo "make_captures.sh: needs root (network namespaces, iptables)" >&2; exit 1; }
for tool in ip iptables ip6tables ping dumpcap editcap mergecap tshark python3; do
  command -v "$tool" >/dev/null || { echo "make_captures.sh: $tool is missing" >&2; exit 1; }
done

# one run at a time: every scenario uses the same namespace names
exec 9>/run/synsight-make-captures.lock
flock -n 9 || { echo "make_captures.sh: another run is in progress" >&2; exit 1; }

c() { ip netns exec "$C" "$@"; }
s() { ip netns exec "$S" "$@"; }

setup() {
  teardown 2>/dev/null || true
  ip netns add "$C"
  ip netns add "$S"
  # quiet IPv6 housekeeping (router solicitations) before the link exists
  for ns in "$C" "$S"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_ra=0 \
      net.ipv6.conf.default.router_solicitations=0
    ip -n "$ns" link set lo up
  done
  ip link add veth-c netns "$C" type veth peer name veth-s netns "$S"
  c ip addr add 10.0.0.1/24 dev veth-c
  c ip addr add fd00::1/64 dev veth-c nodad
  s ip addr add 10.0.0.2/24 dev veth-s
  s ip addr add fd00::2/64 dev veth-s nodad
  c ip link set veth-c up
  s ip link set veth-s up
  sleep 1  # let link-local noise settle before the capture starts
}

teardown() {
  stop_capture
  for ns in "$C" "$S" "$B"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  done
  for ns in "$C" "$S" "$B"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

# start_capture NAME [CAPTURE-FILTER]
start_capture() {
  local file="$out/$1.pcapng"
  rm -f "$file"
  # not through c(): $! must be dumpcap itself (ip netns exec execs it)
  if [ -n "${2:-}" ]; then
    ip netns exec "$C" dumpcap -q -i veth-c -f "$2" -w "$file" 2>/dev/null &
  else
    ip netns exec "$C" dumpcap -q -i veth-c -w "$file" 2>/dev/null &
  fi
  dumpcap_pid=$!
  for _ in $(seq 50); do [ -s "$file" ] && break; sleep 0.1; done
  sleep 0.5
  echo "== $1" >&2
}

stop_capture() {
  if [ -n "$dumpcap_pid" ]; then
    sleep 0.5
    kill -INT "$dumpcap_pid" "${more_dumpcaps[@]}" 2>/dev/null || true
    wait "$dumpcap_pid" "${more_dumpcaps[@]}" 2>/dev/null || true
    dumpcap_pid=
    more_dumpcaps=()
  fi
}

# start_capture_in NS FILE DUMPCAP-ARGS...: one more dumpcap (stop_capture stops them all)
start_capture_in() {
  local ns=$1 file=$2; shift 2
  rm -f "$file"
  ip netns exec "$ns" dumpcap -q "$@" -w "$file" 2>/dev/null &
  if [ -z "$dumpcap_pid" ]; then dumpcap_pid=$!; else more_dumpcaps+=($!); fi
  for _ in $(seq 50); do [ -s "$file" ] && break; sleep 0.1; done
  sleep 0.5
  echo "== $(basename "$file" .pcapng)" >&2
}

client_sysctl() { c sysctl -qw "$@"; }
server_sysctl() { s sysctl -qw "$@"; }

# --- SYN retry sequences -------------------------------------------------

cap_ordinary_connection() {
  s $peer serve 10.0.0.2 80 --seconds 5 &
  sleep 0.3
  start_capture ordinary-connection
  c $peer connect 10.0.0.2 80 --send
}

cap_syn_drop_exponential() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  client_sysctl net.ipv4.tcp_syn_linear_timeouts=0 net.ipv4.tcp_syn_retries=4
  start_capture syn-drop-exponential
  c $peer connect 10.0.0.2 80 || true
}

cap_syn_drop_linear() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  client_sysctl net.ipv4.tcp_syn_linear_timeouts=4 net.ipv4.tcp_syn_retries=6
  start_capture syn-drop-linear
  c $peer connect 10.0.0.2 80 || true
}

cap_syn_drop_ipv6() {
  s ip6tables -A INPUT -p tcp --dport 80 -j DROP
  client_sysctl net.ipv4.tcp_syn_linear_timeouts=0 net.ipv4.tcp_syn_retries=4
  start_capture syn-drop-ipv6
  c $peer connect fd00::2 80 || true
}

cap_syn_answered_late() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  s $peer serve 10.0.0.2 80 --seconds 15 &
  start_capture syn-answered-late
  c $peer connect 10.0.0.2 80 --send & local client=$!
  sleep 3.5
  s iptables -D INPUT -p tcp --dport 80 -j DROP
  wait $client
}

# retries, then a REJECT rule replaces the DROP (default: ICMP port unreachable)
cap_syn_refused_icmp_midway() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  start_capture syn-refused-icmp-midway
  c $peer connect 10.0.0.2 80 & local client=$!
  sleep 2.5
  s iptables -R INPUT 1 -p tcp --dport 80 -j REJECT
  wait $client || true
}

cap_syn_refused_rst_midway() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  start_capture syn-refused-rst-midway
  c $peer connect 10.0.0.2 80 & local client=$!
  sleep 2.5
  s iptables -R INPUT 1 -p tcp --dport 80 -j REJECT --reject-with tcp-reset
  wait $client || true
}

# the server never hears the client's final ACK, so it retransmits its SYN/ACK
cap_synack_retry() {
  server_sysctl net.ipv4.tcp_synack_retries=3
  s iptables -A INPUT -p tcp --dport 80 --tcp-flags SYN,ACK ACK -j DROP
  s $peer serve 10.0.0.2 80 --seconds 20 &
  sleep 0.3
  start_capture synack-retry
  c $peer connect 10.0.0.2 80 --hold 9 --linger0
}

# the "one blocked dynamic RPC port among many successful ones" case
cap_parallel_one_port_dropped() {
  client_sysctl net.ipv4.tcp_syn_retries=3
  s iptables -A INPUT -p tcp --dport 49667 -j DROP
  s $peer serve 10.0.0.2 135 445 8080 49666 49667 --seconds 20 &
  sleep 0.3
  start_capture parallel-one-port-dropped
  c $peer parallel 10.0.0.2 135 445 49666 49667 8080
}

# an application that gives up after 2.5 s and retries from the same port
cap_same_tuple_new_isn() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  s $peer serve 10.0.0.2 80 --seconds 15 &
  start_capture same-tuple-new-isn
  c $peer retry 10.0.0.2 80 --bind-port 40000 --timeout 2.5 --tries 2 --send & local client=$!
  sleep 4.2
  s iptables -D INPUT -p tcp --dport 80 -j DROP
  wait $client || true
}

# both ends connect to each other; their first SYNs are dropped on arrival
# so both sit in SYN_SENT, then the next retransmission crosses
cap_simultaneous_open() {
  c iptables -A INPUT -p tcp --syn -j DROP
  s iptables -A INPUT -p tcp --syn -j DROP
  start_capture simultaneous-open
  c $peer simopen 10.0.0.2 6000 --bind-port 5000 --timeout 10 & local a=$!
  s $peer simopen 10.0.0.1 5000 --bind-port 6000 --timeout 10 & local b=$!
  sleep 1.5
  c iptables -D INPUT -p tcp --syn -j DROP
  s iptables -D INPUT -p tcp --syn -j DROP
  wait $a $b || true
}

# --- refusals ------------------------------------------------------------

reject_capture() {  # NAME FAMILY-TOOL DEST REJECT-ARGS...
  local name=$1 tool=$2 dest=$3; shift 3
  s "$tool" -A INPUT -p tcp --dport 80 -j REJECT "$@"
  start_capture "$name"
  c $peer connect "$dest" 80 || true
}

cap_icmp_port_unreachable()   { reject_capture icmp-port-unreachable iptables 10.0.0.2; }
cap_icmp_admin_prohibited()   { reject_capture icmp-admin-prohibited iptables 10.0.0.2 --reject-with icmp-admin-prohibited; }
cap_icmp_host_unreachable()   { reject_capture icmp-host-unreachable iptables 10.0.0.2 --reject-with icmp-host-unreachable; }
cap_icmp_net_unreachable()    { reject_capture icmp-net-unreachable iptables 10.0.0.2 --reject-with icmp-net-unreachable; }
cap_tcp_reset()               { reject_capture tcp-reset iptables 10.0.0.2 --reject-with tcp-reset; }
cap_icmpv6_port_unreachable() { reject_capture icmpv6-port-unreachable ip6tables fd00::2; }
cap_icmpv6_admin_prohibited() { reject_capture icmpv6-admin-prohibited ip6tables fd00::2 --reject-with icmp6-adm-prohibited; }

cap_closed_port() {
  start_capture closed-port
  c $peer connect 10.0.0.2 81 || true
}

cap_udp_closed_port() {
  start_capture udp-closed-port
  c $peer udp 10.0.0.2 5353
}

# the capture-filter trap: filtered on the service port, the ICMP is missing
cap_filtered_icmp_refusal() {
  s iptables -A INPUT -p tcp --dport 80 -j REJECT
  start_capture filtered-icmp-refusal "tcp port 80"
  c $peer connect 10.0.0.2 80 || true
}

# --- window scale without the handshake ------------------------------------
# Each is captured whole (NAME-full: the truth, with the handshake) and then
# cut with editcap after the SYN/ACK (NAME: what a capture started
# mid-connection sees). tcp_rmem's maximum sets each side's window scale.

cut_handshake() {  # NAME
  local full="$out/$1-full.pcapng" last
  last=$(tshark -r "$full" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 1" -T fields -e frame.number 2>/dev/null | tail -1)
  editcap -r "$full" "$out/$1.pcapng" "$((last + 1))-1000000000"
}

window_capture() {  # NAME CLIENT-RMEM-MAX SERVER-RMEM-MAX SINK-ARGS -- SOURCE-ARGS
  local name=$1 crmem=$2 srmem=$3; shift 3
  local sink_args=() source_args=()
  while [ "$1" != "--" ]; do sink_args+=("$1"); shift; done
  shift; source_args=("$@")
  client_sysctl net.ipv4.tcp_rmem="4096 131072 $crmem" net.ipv4.tcp_wmem="4096 65536 4194304"
  server_sysctl net.ipv4.tcp_rmem="4096 131072 $srmem" net.ipv4.tcp_wmem="4096 65536 4194304"
  s $peer sink 10.0.0.2 6379 "${sink_args[@]}" & local server=$!
  sleep 0.3
  start_capture "$name-full"
  c $peer source 10.0.0.2 6379 "${source_args[@]}"
  wait $server || true
  stop_capture
  cut_handshake "$name"
}

# upload to a receiver with a large shift that reads slowly: the client fills its window
cap_window_upload_large_shift() {
  window_capture window-upload-large-shift 262144 33554432 --chunk 16384 --pause 0.01 -- --bytes 600000 --block 65536
}

# the same with a small shift on the receiving side (net.core.rmem_max is
# not per namespace, so the receiver sets SO_RCVBUF)
cap_window_upload_small_shift() {
  window_capture window-upload-small-shift 33554432 196608 --rcvbuf 24000 --chunk 4096 --pause 0.01 -- --bytes 200000 --block 16384
}

# the Redis case: ~300-byte requests against a server whose raw window is small
cap_window_request_response() {
  window_capture window-request-response 1048576 16777216 --reply 40 -- --bytes 3080 --block 308 --gap 0.05 --reply 40
}

# download: the server sends, the client (SO_RCVBUF: a mid-size shift) reads slowly
cap_window_download() {
  s $peer give 10.0.0.2 6379 --bytes 300000 & local server=$!
  sleep 0.3
  start_capture window-download-full
  c $peer fetch 10.0.0.2 6379 --rcvbuf 200000 --chunk 8192 --pause 0.01
  wait $server || true
  stop_capture
  cut_handshake window-download
}

# only the client offers window scaling: scaling is off in both directions
cap_window_one_sided() {
  server_sysctl net.ipv4.tcp_window_scaling=0
  s $peer serve 10.0.0.2 80 --seconds 5 &
  sleep 0.3
  start_capture window-one-sided
  c $peer connect 10.0.0.2 80 --send
}

# --- captures that miss packets -------------------------------------------

# the stop_capture of a capture that must end now, not half a second later
stop_capture_now() {
  kill -INT "$dumpcap_pid" 2>/dev/null || true
  wait "$dumpcap_pid" 2>/dev/null || true
  dumpcap_pid=
}

# five parallel connections, one port dropped, captured with a filter that
# keeps the client's packets only (src host: a common one-sided filter)
cap_one_direction_client() {
  client_sysctl net.ipv4.tcp_syn_retries=3
  s iptables -A INPUT -p tcp --dport 49667 -j DROP
  s $peer serve 10.0.0.2 135 445 8080 49666 49667 --seconds 20 &
  sleep 0.3
  start_capture one-direction-client "src host 10.0.0.1"
  c $peer parallel 10.0.0.2 135 445 49666 49667 8080
}

# an ordinary connection captured with the server's packets only
cap_one_direction_server() {
  s $peer serve 10.0.0.2 80 --seconds 5 &
  sleep 0.3
  start_capture one-direction-server "src host 10.0.0.2"
  c $peer connect 10.0.0.2 80 --send
}

# a SYN scan from a raw socket (as nmap -sS): port 22 open, 23 closed, 24
# dropped. The client's kernel has no socket for the SYN/ACK from 22 and
# resets it (seq = ISN + 1).
scanner_capture() {  # NAME [CAPTURE-FILTER]
  s $peer serve 10.0.0.2 22 --seconds 8 &
  s iptables -A INPUT -p tcp --dport 24 -j DROP
  sleep 0.3
  start_capture "$@"
  c $peer scan 10.0.0.1 10.0.0.2 22 23 24 --gap 0.3
  # an ordinary connection 1.5 s later: the capture went on after the scan
  sleep 1.5
  c $peer connect 10.0.0.2 22 --send
}
cap_scanner_rst()             { scanner_capture scanner-rst; }
cap_scanner_rst_client_only() { scanner_capture scanner-rst-client-only "src host 10.0.0.1"; }

# the capture stops 0.3 s after a SYN to a dropped port: too early to tell
cap_capture_stops_early() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  start_capture capture-stops-early
  c $peer connect 10.0.0.2 80 --timeout 3 & local client=$!
  # the SYN is out once the socket is in SYN-SENT
  for _ in $(seq 100); do c ss -Htn state syn-sent | grep -q 10.0.0.2:80 && break; sleep 0.01; done
  sleep 0.3
  stop_capture_now
  wait $client || true
}

# a split handshake: the server answers the SYN with a bare SYN of its own
# (a raw socket: no server kernel does this), the client's kernel answers
# with a SYN/ACK, the server ACKs it. The server's kernel would reset the
# client's segments (no socket): its RSTs are dropped.
cap_split_handshake() {
  s iptables -A OUTPUT -p tcp --tcp-flags RST RST -j DROP
  s $peer split-server 10.0.0.2 80 --seconds 6 & local server=$!
  sleep 0.5
  start_capture split-handshake
  c $peer connect 10.0.0.2 80 --timeout 3 || true
  wait $server || true
  sleep 0.5
}

# --- announced ports: the port comes from another protocol ----------------
# Real servers: Samba's endpoint mapper (samba-dcerpcd) and pyftpdlib; real
# clients: impacket's endpoint-mapper client and Python's ftplib. They run
# on Debian's python3 (app_peers.py); the firewall allows 135 / 21 and
# blocks the port the server hands out.

# samba-dcerpcd with its endpoint mapper on 135 and its RPC servers on a
# dynamic range, in its own scratch folder
start_samba() {
  local dir
  dir=$(mktemp -d)
  mkdir -p "$dir"/{priv,lock,state,cache,log,run}
  cat > "$dir/smb.conf" <<CONF
[global]
  workgroup = SYNSIGHT
  server role = standalone server
  private dir = $dir/priv
  lock directory = $dir/lock
  state directory = $dir/state
  cache directory = $dir/cache
  pid directory = $dir/run
  ncalrpc dir = $dir/run/ncalrpc
  log file = $dir/log/%m.log
  rpc start on demand helpers = no
  rpc server dynamic port range = 49152-49200
CONF
  s /usr/libexec/samba/samba-dcerpcd --configfile="$dir/smb.conf" --libexec-rpcds -D
  for _ in $(seq 100); do s ss -Hltn | grep -q ':135 ' && s ss -Hltn | grep -q ':4915[2-9] ' && break; sleep 0.1; done
  sleep 1
}

rpc_capture() {  # NAME map|lookup IPTABLES-TARGET...
  local name=$1 how=$2; shift 2
  start_samba
  s iptables -A INPUT -p tcp --dport 49152:65535 -j "$@"
  start_capture "$name"
  c $app epm-client 10.0.0.2 --timeout 10 $([ "$how" = lookup ] && echo --lookup)
}
cap_rpc_dynamic_port_dropped()  { rpc_capture rpc-dynamic-port-dropped map DROP; }
cap_rpc_dynamic_port_rejected() { rpc_capture rpc-dynamic-port-rejected lookup REJECT --reject-with icmp-admin-prohibited; }

ftp_capture() {  # NAME HOST PASSIVE-PORTS STEPS
  local name=$1 host=$2 pasv=$3 steps=$4 dir
  dir=$(mktemp -d)
  printf 'hello\n' > "$dir/readme.txt"
  chmod -R a+rX "$dir"
  s $app ftp-server "$host" 21 "$dir" --passive-ports "$pasv" --seconds 90 --connect-timeout 5 &
  for _ in $(seq 50); do s ss -Hltn | grep -q ':21 ' && break; sleep 0.1; done
  start_capture "$name"
  c $app ftp-client "$host" 21 --steps "$steps" --timeout 10
}

# passive mode: two listings work, the third's data port is dropped
cap_ftp_passive_dropped() {
  s iptables -A INPUT -p tcp --dport 60003 -j DROP
  ftp_capture ftp-passive-dropped 10.0.0.2 60001,60002,60003 pasv,pasv,pasv
}

# passive mode: the second data port is rejected (ICMP port unreachable)
cap_ftp_passive_rejected() {
  s iptables -A INPUT -p tcp --dport 60002 -j REJECT
  ftp_capture ftp-passive-rejected 10.0.0.2 60001,60002 pasv,pasv
}

# active mode: the server connects back to the client's PORT; the client's
# firewall drops the second one (the server gives up after 5 s: 425)
cap_ftp_active_dropped() {
  c iptables -A INPUT -p tcp --dport 50002 -j DROP
  ftp_capture ftp-active-dropped 10.0.0.2 60001 port:50001,port:50002
}

# IPv6: EPSV works, EPSV dropped, EPRT works, EPRT dropped
cap_ftp_ipv6_dropped() {
  s ip6tables -A INPUT -p tcp --dport 60002 -j DROP
  c ip6tables -A INPUT -p tcp --dport 50002 -j DROP
  ftp_capture ftp-ipv6-dropped fd00::2 60001,60002 pasv,pasv,port:50001,port:50002
}

# --- how captures are taken: copies, time order, TFO, snaplen ---------------

# The client and the server as two guests of a bridged host ($B): each
# reaches the bridge br0 through a veth (c1, s1), as a container or a VM
# does. A packet between them crosses c1 and s1: `-i any` on the host, or a
# capture on both ports, holds it twice.
bridge_setup() {
  c ip link del veth-c
  ip netns add "$B"
  ip netns exec "$B" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
  ip -n "$B" link set lo up
  ip link add veth-c netns "$C" type veth peer name c1 netns "$B"
  ip link add veth-s netns "$S" type veth peer name s1 netns "$B"
  ip -n "$B" link add br0 type bridge stp_state 0 forward_delay 0
  ip -n "$B" link set c1 master br0
  ip -n "$B" link set s1 master br0
  for dev in c1 s1 br0; do ip -n "$B" link set "$dev" up; done
  c ip addr add 10.0.0.1/24 dev veth-c
  s ip addr add 10.0.0.2/24 dev veth-s
  c ip link set veth-c up
  s ip link set veth-s up
  # the ARP exchange before the capture: every packet in it is TCP or ICMP
  c ping -c 1 -W 2 10.0.0.2 >/dev/null
  sleep 1
}

# The connections every copies capture holds: answered (port 80), dropped
# (81: the client's kernel sends 4 SYNs), refused by ICMP port unreachable
# (82) and by the server kernel's RST (83: nothing listens).
four_connections() {
  client_sysctl net.ipv4.tcp_syn_retries=3 net.ipv4.tcp_syn_linear_timeouts=0
  s iptables -A INPUT -p tcp --dport 81 -j DROP
  s iptables -A INPUT -p tcp --dport 82 -j REJECT
  c $peer connect 10.0.0.2 81 || true &
  local dropped=$!
  sleep 0.3
  c $peer connect 10.0.0.2 80 --send
  sleep 0.3
  c $peer connect 10.0.0.2 82 || true
  sleep 0.3
  c $peer connect 10.0.0.2 83 || true
  wait $dropped || true
}

bridge_capture() {  # NAME DUMPCAP-ARGS...
  local name=$1; shift
  bridge_setup
  s $peer serve 10.0.0.2 80 --seconds 30 &
  sleep 0.3
  start_capture_in "$B" "$out/$name.pcapng" "$@"
  four_connections
}
cap_bridge_any() { bridge_capture bridge-any -i any; }
# the same on the bridge's two ports: one pcapng with two interfaces, each
# written in its own batches (the file is not in time order)
cap_bridge_two_interfaces() { bridge_capture bridge-two-interfaces -i c1 -i s1; }

# A client-side and a server-side capture of the same connections, as two
# teams take them: a 4-SYN attempt answered late (the DROP rule goes after
# 3.5 s), one refused by ICMP port unreachable, then merged three ways.
cap_two_points() {
  local tmp
  tmp=$(mktemp -d)
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  s iptables -A INPUT -p tcp --dport 82 -j REJECT
  s $peer serve 10.0.0.2 80 --seconds 20 &
  start_capture_in "$C" "$out/two-points-client.pcapng" -i veth-c
  start_capture_in "$S" "$out/two-points-server.pcapng" -i veth-s
  c $peer connect 10.0.0.2 80 --send & local client=$!
  sleep 3.5
  s iptables -D INPUT -p tcp --dport 80 -j DROP
  wait $client
  sleep 0.3
  c $peer connect 10.0.0.2 82 || true
  stop_capture
  # merged by time (mergecap's default), and appended (mergecap -a: the
  # server's file after the client's, out of time order)
  mergecap -w "$out/two-points-merged.pcapng" "$out/two-points-client.pcapng" "$out/two-points-server.pcapng"
  mergecap -a -w "$out/two-points-appended.pcapng" "$out/two-points-client.pcapng" "$out/two-points-server.pcapng"
  # edited: the server's clock 0.3 s ahead, then merged by time
  editcap -t 0.3 "$out/two-points-server.pcapng" "$tmp/server-ahead.pcapng"
  mergecap -w "$out/two-points-skewed.pcapng" "$out/two-points-client.pcapng" "$tmp/server-ahead.pcapng"
  rm -rf "$tmp"
}

# TCP Fast Open (RFC 7413). Accepted: the first connection fetches a cookie,
# the second and third carry their 17-byte request in the SYN and the
# server's SYN/ACK acknowledges it (ISN + 18).
cap_tfo_data_accepted() {
  client_sysctl net.ipv4.tcp_fastopen=1
  server_sysctl net.ipv4.tcp_fastopen=3
  s $peer serve 10.0.0.2 80 --seconds 15 --fastopen &
  sleep 0.3
  start_capture tfo-data-accepted
  c $peer tfo 10.0.0.2 80 --count 3
}

# Ignored: the client sends data in its SYN without a cookie (0x4), the
# server wants one (3): its SYN/ACK acknowledges ISN + 1 only and the client
# sends the request again after the handshake.
cap_tfo_data_ignored() {
  client_sysctl net.ipv4.tcp_fastopen=5
  server_sysctl net.ipv4.tcp_fastopen=3
  s $peer serve 10.0.0.2 80 --seconds 15 --fastopen &
  sleep 0.3
  start_capture tfo-data-ignored
  c $peer tfo 10.0.0.2 80 --count 1
}

# An ICMP port unreachable captured with tcpdump's old default snaplen (68:
# the quote keeps the ports, not the sequence number) and with 60 (the
# quoted IP header cut).
snaplen_capture() {  # NAME SNAPLEN
  s iptables -A INPUT -p tcp --dport 80 -j REJECT
  start_capture_in "$C" "$out/$1.pcapng" -i veth-c -s "$2"
  c $peer connect 10.0.0.2 80 || true
}
cap_snaplen_68() { snaplen_capture snaplen-68 68; }
cap_snaplen_60() { snaplen_capture snaplen-60 60; }

# The lone SYN of a capture filtered on the service port, stopped 0.3 s
# after it (before the retry the ignored first ICMP error leads to): the
# ICMP port unreachable the filter left out is the answer.
cap_filtered_lone_syn() {
  s iptables -A INPUT -p tcp --dport 80 -j REJECT
  start_capture filtered-lone-syn "tcp port 80"
  c $peer connect 10.0.0.2 80 & local client=$!
  for _ in $(seq 100); do c ss -Htn state syn-sent | grep -q 10.0.0.2:80 && break; sleep 0.01; done
  sleep 0.3
  stop_capture_now
  wait $client || true
}

# --- edited captures: what no kernel produces here --------------------------

# ordinary-connection with its SYN/ACK removed (a capture that dropped one
# packet): editcap deletes the frame; everything else is as captured
cap_synack_missing() {
  local frame
  frame=$(tshark -r "$out/ordinary-connection.pcapng" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 1" -T fields \
          -e frame.number 2>/dev/null | head -1)
  editcap "$out/ordinary-connection.pcapng" "$out/synack-missing.pcapng" "$frame"
}

# syn-drop-exponential as a capture point that delivered the second
# retransmission 0.7 s late (a loaded tap): that frame's time is moved,
# the TCP timestamps the sender wrote stay as they were
cap_syn_delayed_by_capture() {
  local frame tmp
  frame=$(tshark -r "$out/syn-drop-exponential.pcapng" -Y "tcp.flags.syn == 1 && tcp.analysis.retransmission" \
          -T fields -e frame.number 2>/dev/null | sed -n 2p)
  tmp=$(mktemp -d)
  editcap -r "$out/syn-drop-exponential.pcapng" "$tmp/one.pcapng" "$frame"
  editcap -t 0.7 "$tmp/one.pcapng" "$tmp/late.pcapng"
  editcap "$out/syn-drop-exponential.pcapng" "$tmp/rest.pcapng" "$frame"
  mergecap -w "$out/syn-delayed-by-capture.pcapng" "$tmp/rest.pcapng" "$tmp/late.pcapng"
  rm -rf "$tmp"
}

# --- causes: why a listener did not answer, what the application saw ----

# listen(1) and one accept() every 4 s: six clients at once, the SYNs that
# find the queue full are dropped (ListenOverflows) while the same port
# answers others; syncookies off, as a tuned server has them
cap_listen_queue_full() {
  server_sysctl net.ipv4.tcp_syncookies=0
  client_sysctl net.ipv4.tcp_syn_retries=3 net.ipv4.tcp_syn_linear_timeouts=0
  s $peer backlog-server 10.0.0.2 80 --backlog 1 --accept-every 4 --seconds 22 &
  sleep 0.3
  start_capture listen-queue-full
  c $peer clients 10.0.0.2 80 --count 6 --stagger 0.05
  s nstat -az TcpExtListenOverflows TcpExtListenDrops >&2 || true
}

# the client's RST is lost (an OUTPUT rule), the server keeps the old
# connection ESTABLISHED; the client connects again from the same port
cap_challenge_ack_established() {
  s $peer serve 10.0.0.2 80 --seconds 15 --hold 10 &
  sleep 0.3
  start_capture challenge-ack-established
  c $peer stale-reconnect 10.0.0.2 80 --bind-port 40000
  s nstat -az TcpExtTCPChallengeACK >&2 || true
}

# the same, the server in CLOSE_WAIT (it got the client's FIN, never closed)
cap_challenge_ack_close_wait() {
  s $peer serve 10.0.0.2 80 --seconds 15 --hold 10 &
  sleep 0.3
  start_capture challenge-ack-close-wait
  c $peer stale-reconnect 10.0.0.2 80 --bind-port 40001 --close-wait
  s nstat -az TcpExtTCPChallengeACK >&2 || true
}

# TCP_DEFER_ACCEPT: the client's bare ACK leaves the connection in SYN_RECV,
# the server retransmits its SYN/ACK until the request comes 4 s later
cap_defer_accept() {
  s $peer defer-server 10.0.0.2 80 --defer 1 --seconds 15 &
  sleep 0.3
  start_capture defer-accept
  c $peer late-sender 10.0.0.2 80 --wait 4
}

# a middlebox that drops ECN-setup SYNs (ECE and CWR set); Linux retries
# without ECN (tcp_ecn_fallback, RFC 3168 section 6.1.1.1)
cap_ecn_fallback() {
  client_sysctl net.ipv4.tcp_ecn=1 net.ipv4.tcp_ecn_fallback=1
  s iptables -A INPUT -p tcp --dport 80 --syn -m ecn --ecn-tcp-ece --ecn-tcp-cwr -j DROP
  s $peer serve 10.0.0.2 80 --seconds 8 &
  sleep 0.3
  start_capture ecn-fallback
  c $peer connect 10.0.0.2 80 --send
}

# the kernel gives up: tcp_syn_retries=2 (3 SYNs, ETIMEDOUT after 7 s);
# the application then tries once more from a new port
cap_kernel_gives_up() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  client_sysctl net.ipv4.tcp_syn_retries=2 net.ipv4.tcp_syn_linear_timeouts=0
  start_capture kernel-gives-up
  c $peer give-up-then-retry 10.0.0.2 80 --tries 2 || true
}

# the application gives up: a Python connect timeout of 5 s with Linux's
# default limit (tcp_syn_retries=6, 127 s); the capture goes on 8 s more,
# a ping each second the other traffic that shows it (a quiet link's
# capture ends, as far as a reader can tell, with its last frame)
cap_app_gives_up() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  client_sysctl net.ipv4.tcp_syn_retries=6 net.ipv4.tcp_syn_linear_timeouts=0
  start_capture app-gives-up
  c ping -q -i 1 -c 13 10.0.0.2 >/dev/null &
  c $peer connect 10.0.0.2 80 --timeout 5 || true
  sleep 8
}

# the same with the linear first retries (Linux >= 6.5, tcp_syn_linear_timeouts=4)
cap_app_gives_up_linear() {
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  client_sysctl net.ipv4.tcp_syn_retries=6 net.ipv4.tcp_syn_linear_timeouts=4
  start_capture app-gives-up-linear
  c ping -q -i 1 -c 11 10.0.0.2 >/dev/null &
  c $peer connect 10.0.0.2 80 --timeout 5.5 || true
  sleep 4
}

# --- other stacks (SYNTHETIC: a raw-socket client, stack_peer.py, sends
# what macOS, FreeBSD and Windows send; the server is the real kernel) ----
stack="python3 $here/stack_peer.py"

# macOS/FreeBSD: 1 s steps, and no window scale or timestamps from the 3rd
# retransmission on; the server's path drops SYNs that carry window scale
# (an old middlebox), so the 4th SYN, without it, is the one answered
cap_apple_options_dropped() {
  c iptables -A OUTPUT -p tcp --tcp-flags RST RST -j DROP
  s iptables -A INPUT -p tcp --dport 80 --syn -m tcp --tcp-option 3 -j DROP
  s $peer serve 10.0.0.2 80 --seconds 12 &
  sleep 0.3
  start_capture apple-options-dropped
  c $stack apple 10.0.0.1 10.0.0.2 80
}

# Windows: RTO 3 s, 2 retransmissions, then WSAETIMEDOUT at 21 s; pings
# show the capture going on past it
cap_windows_syn_timeout() {
  c iptables -A OUTPUT -p tcp --tcp-flags RST RST -j DROP
  s iptables -A INPUT -p tcp --dport 80 -j DROP
  start_capture windows-syn-timeout
  c ping -q -i 1 -c 25 10.0.0.2 >/dev/null &
  c $stack windows 10.0.0.1 10.0.0.2 80
  sleep 13
}

# Windows: a refused connect() sent again twice, 0.5 s apart, then a new port
cap_windows_refused() {
  c iptables -A OUTPUT -p tcp --tcp-flags RST RST -j DROP
  start_capture windows-refused
  c $stack windows-refused 10.0.0.1 10.0.0.2 80
}

all=$(declare -F | awk '$3 ~ /^cap_/ {sub(/^cap_/, "", $3); print $3}')
names=${*:-$all}
trap teardown EXIT
for name in $names; do
  fn=cap_${name//-/_}
  declare -F "$fn" >/dev/null || { echo "unknown capture: $name (known: $all)" >&2; exit 2; }
  setup
  "$fn"
  teardown
done
chmod a+r "$out"/*.pcapng
