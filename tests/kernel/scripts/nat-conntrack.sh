# A router namespace with DNAT to a "service" address, MASQUERADE out of one side and a REJECT in
# FORWARD; ping through it, then read conntrack and the counters.
ip netns add c
ip netns add r
ip netns add s
ip link add eth0 netns c type veth peer name vc netns r
ip link add eth0 netns s type veth peer name vs netns r
ip -n c addr add 10.0.1.2/24 dev eth0
ip -n r addr add 10.0.1.1/24 dev vc
ip -n r addr add 10.0.2.1/24 dev vs
ip -n s addr add 10.0.2.2/24 dev eth0
ip -n c link set eth0 up
ip -n s link set eth0 up
ip -n r link set vc up
ip -n r link set vs up
ip -n c route add default via 10.0.1.1
ip -n s route add default via 10.0.2.1
ip netns exec r sysctl -w net.ipv4.ip_forward=1
ip netns exec r iptables -t nat -A PREROUTING -d 10.96.0.10/32 -p icmp -j DNAT --to-destination 10.0.2.2
ip netns exec r iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o vs -j MASQUERADE
ip netns exec r iptables -A FORWARD -d 10.0.2.99 -j REJECT
ip -n c route add 10.96.0.0/16 via 10.0.1.1
sleep 3
ip netns exec s tcpdump -n -i eth0 -c 2 icmp &
sleep 1
ip netns exec c ping -c 1 -W 1 10.96.0.10
wait
ip netns exec c ping -c 1 -W 1 10.0.2.99
ip netns exec r conntrack -L
ip netns exec r iptables -t nat -L -n -v
ip netns exec r iptables -L FORWARD -n -v
