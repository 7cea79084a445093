# A kindnet (ptp CNI) node: this namespace is kind-worker (172.18.0.3, podCIDR 10.244.1.0/24) with
# pods a and b; the namespace "kind-control-plane" (172.18.0.2, podCIDR 10.244.0.0/24) has pod c.
# Every host-side veth carries the gateway 10.244.X.1/32; each pod gets a scope-host route.
sysctl -qw net.ipv4.ip_forward=1
ip link set lo up
ip netns add kind-control-plane
ip netns add pod-a
ip netns add pod-b
ip netns add pod-c
ip netns exec kind-control-plane sysctl -qw net.ipv4.ip_forward=1
ip -n kind-control-plane link set lo up
ip link add eth0 type veth peer name eth0 netns kind-control-plane
ip addr add 172.18.0.3/16 brd + dev eth0
ip link set eth0 up
ip -n kind-control-plane addr add 172.18.0.2/16 brd + dev eth0
ip -n kind-control-plane link set eth0 up
ip route add default via 172.18.0.1 dev eth0 onlink
ip route add 10.244.0.0/24 via 172.18.0.2
ip -n kind-control-plane route add default via 172.18.0.1 dev eth0 onlink
ip -n kind-control-plane route add 10.244.1.0/24 via 172.18.0.3
# pod a
ip link add veth3c8a1f2e type veth peer name eth0 netns pod-a
ip -n pod-a link set lo up
ip link set veth3c8a1f2e up
ip -n pod-a addr add 10.244.1.2/24 brd + dev eth0
ip -n pod-a link set eth0 up
ip -n pod-a route add default via 10.244.1.1 dev eth0
ip -n pod-a route del 10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2
ip -n pod-a route add 10.244.1.1 dev eth0 scope link src 10.244.1.2
ip -n pod-a route add 10.244.1.0/24 via 10.244.1.1 dev eth0 src 10.244.1.2
ip addr add 10.244.1.1/32 dev veth3c8a1f2e
ip route add 10.244.1.2 dev veth3c8a1f2e scope host
# pod b
ip link add veth9d04b6e1 type veth peer name eth0 netns pod-b
ip link set veth9d04b6e1 up
ip -n pod-b link set lo up
ip -n pod-b addr add 10.244.1.3/24 brd + dev eth0
ip -n pod-b link set eth0 up
ip -n pod-b route add default via 10.244.1.1 dev eth0
ip -n pod-b route del 10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.3
ip -n pod-b route add 10.244.1.1 dev eth0 scope link src 10.244.1.3
ip -n pod-b route add 10.244.1.0/24 via 10.244.1.1 dev eth0 src 10.244.1.3
ip addr add 10.244.1.1/32 dev veth9d04b6e1
ip route add 10.244.1.3 dev veth9d04b6e1 scope host
# pod c on the other node
ip -n kind-control-plane link add veth51e7c0aa type veth peer name eth0 netns pod-c
ip -n kind-control-plane link set veth51e7c0aa up
ip -n pod-c link set lo up
ip -n pod-c addr add 10.244.0.5/24 brd + dev eth0
ip -n pod-c link set eth0 up
ip -n pod-c route add default via 10.244.0.1 dev eth0
ip -n pod-c route del 10.244.0.0/24 dev eth0 proto kernel scope link src 10.244.0.5
ip -n pod-c route add 10.244.0.1 dev eth0 scope link src 10.244.0.5
ip -n pod-c route add 10.244.0.0/24 via 10.244.0.1 dev eth0 src 10.244.0.5
ip -n kind-control-plane addr add 10.244.0.1/32 dev veth51e7c0aa
ip -n kind-control-plane route add 10.244.0.5 dev veth51e7c0aa scope host
sleep 3
ip a
ip -br a
ip route
route -n
ip -d link show type veth
ip route get 10.244.1.2
ip route get 10.244.0.5
ip -n pod-a a
ip -n pod-a route
ip netns exec pod-a route -n
ip netns exec pod-a ping -c 2 -i 0.2 10.244.1.3
ip netns exec pod-a ping -c 1 10.244.1.1
ip netns exec pod-a ping -c 1 172.18.0.3
ip netns exec pod-a ping -c 1 10.244.0.5
ip -n pod-a neigh
ip neigh
ip netns exec pod-a ip route get 10.244.0.5
tcpdump -n -i eth0 -c 2 icmp &
sleep 1
ip netns exec pod-a ping -c 1 10.244.0.5
wait
ip -n pod-b neigh flush dev eth0
tcpdump -n -e -i veth9d04b6e1 -c 4 arp or icmp &
sleep 1
ip netns exec pod-b ping -c 1 10.244.1.2
wait
ip netns exec pod-b arp -n
ip netns exec pod-c ping -c 1 -W 1 10.244.1.9
