# Two namespaces joined by a veth pair: ip -n, ip netns exec, ping, the neighbour table, tcpdump.
ip netns add red
ip netns add blue
ip netns list
ip link add veth-red type veth peer name veth-blue
ip link set veth-red netns red
ip link set veth-blue netns blue
ip link
ip -n red link
ip -n red addr add 10.0.0.1/24 dev veth-red
ip -n blue addr add 10.0.0.2/24 dev veth-blue
ip -n red link set lo up
ip -n red link set veth-red up
ip -n blue link set veth-blue up
ip -n red -br a
ip -n blue -br link
sleep 3
ip -n red a
ip netns exec blue ip a
ip -n red route
ip -n red neigh
ip netns exec red ping -c 2 -i 0.2 10.0.0.2
ip -n red neigh
ip -n blue neigh
ip netns exec red ip route get 10.0.0.2
ip netns exec red tcpdump -n -i veth-red -c 4 icmp &
sleep 1
ip netns exec blue ping -c 2 -i 0.2 10.0.0.1
wait
ip -n red neigh flush dev veth-red
ip -n blue neigh flush dev veth-blue
ip netns exec blue tcpdump -n -e -i veth-blue -c 4 arp or icmp &
sleep 1
ip netns exec red ping -c 1 10.0.0.2
wait
ip netns exec red ping -c 1 -W 1 10.0.0.3
ip -n red neigh
ip netns exec red ping -c 1 -W 1 10.1.0.1
ip netns del blue
# the kernel destroys a deleted namespace's devices asynchronously (cleanup_net); give it time
sleep 2
ip netns list
ip -n red -br link
ip netns exec blue ip a
ip -n blue link
