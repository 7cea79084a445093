# A flannel VXLAN node pair: this namespace is node1 (eth0 192.168.56.11, lease 10.244.0.0/24),
# "node2" is 192.168.56.12 with lease 10.244.1.0/24. Each node has flannel.1 (VNI 1, port 8472,
# MTU 1450, the lease's .0/32), a cni0 bridge (.1/24) and one pod; flanneld's remote-lease entries
# are the onlink route, the permanent neighbour and the fdb entry. The VTEP MACs are fixed here
# (flanneld publishes them in node annotations) so the neighbour and fdb commands can name them.
sysctl -qw net.ipv4.ip_forward=1
ip link set lo up
ip netns add node2
ip netns add pod-a
ip netns add pod-b
ip netns exec node2 sysctl -qw net.ipv4.ip_forward=1
ip -n node2 link set lo up
ip link add eth0 type veth peer name eth0 netns node2
ip addr add 192.168.56.11/24 brd + dev eth0
ip link set eth0 up
ip route add default via 192.168.56.1 dev eth0 onlink
ip -n node2 addr add 192.168.56.12/24 brd + dev eth0
ip -n node2 link set eth0 up
ip -n node2 route add default via 192.168.56.1 dev eth0 onlink
ip link add flannel.1 address 0e:7a:4c:11:00:01 type vxlan id 1 local 192.168.56.11 dev eth0 nolearning dstport 8472
ip link set flannel.1 mtu 1450
ip addr add 10.244.0.0/32 dev flannel.1
ip link set flannel.1 up
ip -n node2 link add flannel.1 address 0e:7a:4c:11:00:02 type vxlan id 1 local 192.168.56.12 dev eth0 nolearning dstport 8472
ip -n node2 link set flannel.1 mtu 1450
ip -n node2 addr add 10.244.1.0/32 dev flannel.1
ip -n node2 link set flannel.1 up
ip link add cni0 type bridge
ip link set cni0 mtu 1450
ip addr add 10.244.0.1/24 brd + dev cni0
ip link set cni0 up
ip link add veth5f0a61c3 mtu 1450 type veth peer name eth0 mtu 1450 netns pod-a
ip link set veth5f0a61c3 master cni0
ip link set veth5f0a61c3 up
bridge link set dev veth5f0a61c3 hairpin on
ip -n pod-a link set lo up
ip -n pod-a addr add 10.244.0.2/24 brd + dev eth0
ip -n pod-a link set eth0 up
ip -n pod-a route add 10.244.0.0/16 via 10.244.0.1 dev eth0
ip -n pod-a route add default via 10.244.0.1 dev eth0
ip -n node2 link add cni0 type bridge
ip -n node2 link set cni0 mtu 1450
ip -n node2 addr add 10.244.1.1/24 brd + dev cni0
ip -n node2 link set cni0 up
ip -n node2 link add veth0b9d3e72 mtu 1450 type veth peer name eth0 mtu 1450 netns pod-b
ip -n node2 link set veth0b9d3e72 master cni0
ip -n node2 link set veth0b9d3e72 up
bridge -n node2 link set dev veth0b9d3e72 hairpin on
ip -n pod-b link set lo up
ip -n pod-b addr add 10.244.1.2/24 brd + dev eth0
ip -n pod-b link set eth0 up
ip -n pod-b route add 10.244.0.0/16 via 10.244.1.1 dev eth0
ip -n pod-b route add default via 10.244.1.1 dev eth0
ip neigh replace 10.244.1.0 dev flannel.1 lladdr 0e:7a:4c:11:00:02 nud permanent
bridge fdb replace 0e:7a:4c:11:00:02 dev flannel.1 dst 192.168.56.12 self permanent
ip route replace 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink
ip -n node2 neigh replace 10.244.0.0 dev flannel.1 lladdr 0e:7a:4c:11:00:01 nud permanent
bridge -n node2 fdb replace 0e:7a:4c:11:00:01 dev flannel.1 dst 192.168.56.11 self permanent
ip -n node2 route replace 10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink
sleep 3
ip -br a
ip -br link
ip link
ip a
ip -d link show flannel.1
ip -d addr show dev flannel.1
ip -d link show cni0
ip route
route -n
ip neigh show dev flannel.1
bridge fdb show dev flannel.1
brctl show
bridge link show
ip route get 10.244.1.2
ip -n pod-a a
ip -n pod-a -br a
ip -n pod-a route
ip netns exec pod-a route -n
ip netns exec pod-a ping -c 2 -i 0.2 10.244.1.2
ip -n pod-a neigh
arp -n
ip neigh show dev cni0
tcpdump -n -i eth0 -c 2 udp port 8472 &
sleep 1
ip netns exec pod-a ping -c 1 10.244.1.2
wait
tcpdump -n -i flannel.1 -c 2 icmp &
sleep 1
ip netns exec pod-a ping -c 1 10.244.1.2
wait
tcpdump -n -e -i eth0 -c 2 udp port 8472 &
sleep 1
ip netns exec pod-a ping -c 1 10.244.1.2
wait
ip -n node2 route
ip netns exec pod-b ping -c 1 10.244.0.1
ip netns exec pod-a ping -c 1 -W 1 10.244.2.9
