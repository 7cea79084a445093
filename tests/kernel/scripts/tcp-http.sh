# TCP between two namespaces: python3's http.server, nc, curl, ss, netstat and a handshake on the wire.
# tcp_rmem[2] as on Debian 12 (newer kernels default to 32 MiB, which makes the window scale 10).
sysctl -q -w net.ipv4.tcp_rmem="4096 131072 6291456"
ip link set lo up
ip netns add srv
ip netns exec srv sysctl -q -w net.ipv4.tcp_rmem="4096 131072 6291456"
ip link add veth0 type veth peer name eth0 netns srv
ip addr add 10.0.0.1/24 dev veth0
ip -n srv addr add 10.0.0.2/24 dev eth0
ip link set veth0 up
ip -n srv link set lo up
ip -n srv link set eth0 up
ip route add 10.9.0.0/24 via 10.0.0.2
sleep 2
ip netns exec srv python3 -m http.server 8000 &
ip netns exec srv python3 -m http.server 8080 --bind 127.0.0.1 &
ip netns exec srv nc -l -p 9000 &
# python3 takes a while to start on a busy machine
sleep 3
ip netns exec srv ss -tlnp
ip netns exec srv netstat -tlnp
ss -tlnp
# A connection that stays open: its handshake is the only traffic on port 9000.
# (tcpdump may take more than a second to attach its filter.)
ip netns exec srv tcpdump -n -i eth0 -c 3 tcp port 9000 &
sleep 2
nc 10.0.0.2 9000 &
sleep 1
ip netns exec srv ss -antp
ss -antp
ip netns exec srv netstat -antp
nc -zv 10.0.0.2 8000
nc -zv 10.0.0.2 81
curl -s http://10.0.0.2:8000/
curl -s -o /dev/null -w '%{http_code}\n' http://10.0.0.2:8000/missing
curl -s -I -o /dev/null -w '%{http_code} %{size_download}\n' http://10.0.0.2:8000/
curl -sS http://10.0.0.2:81/
curl -s -w '%{http_code}\n' http://10.0.0.2:81/
curl -sS -m 1 http://10.9.0.1/
curl -sS --connect-timeout 1 http://10.9.0.1:8000/
curl -sS http://10.0.0.2:8080/
ip netns exec srv curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8080/
