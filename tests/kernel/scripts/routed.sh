# Two subnets joined by a router namespace: forwarding on, then off.
ip netns add a
ip netns add r
ip netns add b
ip link add eth0 netns a type veth peer name veth-a netns r
ip link add eth0 netns b type veth peer name veth-b netns r
ip -n a addr add 10.0.1.2/24 dev eth0
ip -n r addr add 10.0.1.1/24 dev veth-a
ip -n r addr add 10.0.2.1/24 dev veth-b
ip -n b addr add 10.0.2.2/24 dev eth0
ip -n a link set eth0 up
ip -n b link set eth0 up
ip -n r link set veth-a up
ip -n r link set veth-b up
ip -n a route add default via 10.0.1.1
ip -n b route add default via 10.0.2.1
ip netns exec r sysctl net.ipv4.ip_forward
ip netns exec r sysctl -w net.ipv4.ip_forward=1
ip netns exec r cat /proc/sys/net/ipv4/ip_forward
ip netns exec r sysctl net.ipv4.conf.all.forwarding net.ipv4.conf.veth-a.forwarding
# operstate changes reach `ip link` through the kernel's linkwatch, which may batch them for up
# to a second (veth-a has the same ifindex as its peer, which makes its events non-urgent)
sleep 2
ip -n r link
ip -n r route
ip -n a route
ip netns exec a ping -c 2 -i 0.2 10.0.2.2
ip netns exec a ping -c 1 -t 1 10.0.2.2
ip netns exec a ping -c 1 -W 1 10.0.3.3
ip -n r route get 10.0.2.2 from 10.0.1.2 iif veth-a
ip -n a route get 10.0.2.2
ip -n r neigh
ip netns exec r route -n
ip netns exec r sysctl -w net.ipv4.ip_forward=0
ip netns exec r sysctl net.ipv4.conf.all.forwarding net.ipv4.conf.veth-a.forwarding
ip netns exec r tcpdump -n -i veth-a -c 1 icmp &
sleep 1
ip netns exec a ping -c 1 -W 1 10.0.2.2
wait
ip -n r route get 10.0.2.2 from 10.0.1.2 iif veth-a
ip netns exec a ping -c 1 -W 1 10.0.1.1
ip netns exec a ping -c 1 -W 1 10.0.2.1
ip -n b route del default
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip netns exec a ping -c 1 -W 1 10.0.2.2
ip netns exec b ping -c 1 -W 1 10.0.1.2
