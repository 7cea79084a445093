# TRACE in the raw table and xtables-monitor --trace: the packet at each base chain, the rules it
# hit (jump into a user chain, accept) and the policies; nat chains report nothing.
ip netns add a
ip netns add b
ip link add eth0 netns a type veth peer name eth0 netns b
ip -n a addr add 10.0.0.1/24 dev eth0
ip -n b addr add 10.0.0.2/24 dev eth0
ip -n a link set eth0 up
ip -n b link set eth0 up
ip -n b link set lo up
sleep 2
ip netns exec b iptables -t raw -A PREROUTING -p icmp -j TRACE
ip netns exec b iptables -t raw -A OUTPUT -p icmp -j TRACE
ip netns exec b iptables -t nat -N SVC
ip netns exec b iptables -t nat -A PREROUTING -p icmp -j SVC
ip netns exec b iptables -t nat -A SVC -s 10.9.0.0/16 -j RETURN
ip netns exec b iptables -t nat -A SVC -p icmp -j MARK --set-xmark 0x4000/0x4000
ip netns exec b iptables -N CHK
ip netns exec b iptables -A INPUT -j CHK
ip netns exec b iptables -A CHK -p tcp -j DROP
ip netns exec b iptables -A INPUT -p icmp -j ACCEPT
ip netns exec b iptables -A OUTPUT -p icmp --icmp-type echo-reply -j ACCEPT
ip netns exec b xtables-monitor --trace &
sleep 1
ip netns exec a ping -c 1 10.0.0.2
sleep 1
