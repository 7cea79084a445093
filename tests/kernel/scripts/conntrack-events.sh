# conntrack -E streams events while a ping creates and answers a connection (conntrack runs
# because a rule matches on --ctstate).
ip netns add a
ip netns add b
ip link add eth0 netns a type veth peer name eth0 netns b
ip -n a addr add 10.0.0.1/24 dev eth0
ip -n b addr add 10.0.0.2/24 dev eth0
ip -n a link set eth0 up
ip -n b link set eth0 up
ip netns exec b iptables -A INPUT -m conntrack --ctstate NEW -j ACCEPT
sleep 2
ip netns exec b conntrack -E &
sleep 1
ip netns exec a ping -c 1 10.0.0.2
sleep 1
