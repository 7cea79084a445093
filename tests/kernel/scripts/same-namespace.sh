# One fresh namespace: loopback, addresses, routes and the errors ip prints for bad input.
ip -br a
ip link
ip link set lo up
ip a
ip -br a
ip -4 a
ip route
ip route show table local
ip route get 127.0.0.1
ip route get 10.0.0.1
ping -c 1 -W 1 127.0.0.1
ping -c 1 -W 1 192.0.2.1
ip link set eth9 up
ip addr add 10.0.0.300/24 dev lo
ip addr add 10.0.0.1/33 dev lo
ip link add veth0 type veth peer name veth1
ip link add veth0 type veth peer name veth2
ip -br link
ip link set veth0 up
ip -br link
ip link set veth1 up
ip addr add 10.0.0.1/24 dev veth0
ip addr add 10.0.0.1/24 dev veth0
ip addr add 10.0.0.2/24 dev veth1
ip -4 a
ip -br a
ip route
ip route add 10.1.0.0/16 via 10.0.0.254
ip route add 10.2.0.0/16 via 192.168.1.1
ip route add 10.1.0.0/16 via 10.0.0.254
ip route del 10.3.0.0/16
ip route
ip route get 10.1.2.3
ip route get 10.0.0.2
ip route get 8.8.8.8
ip addr del 10.0.0.2/24 dev veth1
ip addr del 10.0.0.2/24 dev veth1
ip link del veth1
ip -br link
ip link del veth9
sysctl net.ipv4.ip_forward
cat /proc/sys/net/ipv4/ip_forward
sysctl -w net.ipv4.ip_forward=1
sysctl net.ipv4.ip_forward
