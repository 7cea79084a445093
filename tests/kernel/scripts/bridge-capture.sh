# tcpdump on a bridge puts it in promiscuous mode, so it sees traffic between two of its ports.
ip netns add n
ip netns add p1
ip netns add p2
ip -n n link add br0 type bridge
ip -n n link set br0 up
ip link add eth0 netns p1 type veth peer name v1 netns n
ip link add eth0 netns p2 type veth peer name v2 netns n
ip -n n link set v1 address 02:00:00:00:00:a1
ip -n n link set v2 address 02:00:00:00:00:a2
ip -n n link set v1 master br0
ip -n n link set v2 master br0
ip -n n link set v1 up
ip -n n link set v2 up
ip -n p1 addr add 10.1.0.2/24 dev eth0
ip -n p2 addr add 10.1.0.3/24 dev eth0
ip -n p1 link set eth0 up
ip -n p2 link set eth0 up
sleep 3
ip netns exec n tcpdump -n -i br0 -c 2 icmp &
sleep 1
ip netns exec p1 ping -c 1 10.1.0.3
wait
