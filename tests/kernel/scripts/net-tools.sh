# The net-tools commands (route, netstat, arp, ifconfig) next to their iproute2 equivalents.
ip link set lo up
ip netns add peer
ip link add veth0 type veth peer name eth0 netns peer
ip addr add 10.0.0.1/24 dev veth0
ip -n peer addr add 10.0.0.2/24 brd + dev eth0
ip link set veth0 up
ip -n peer link set eth0 up
ip route add 10.8.0.0/16 via 10.0.0.254
ip route add default via 10.0.0.254 dev veth0
ip route add 10.9.0.0/24 dev veth0 scope link
ip route add 10.10.0.5 dev veth0 scope host
sleep 3
route -n
netstat -rn
ip route
ifconfig
ifconfig veth0
ifconfig eth9
ip netns exec peer ifconfig eth0
arp -n
ping -c 1 -W 1 10.0.0.2
arp -n
ip neigh
ip netns exec peer arp -n
ip netns exec peer route -n
ifconfig veth0 down
ifconfig -s
ifconfig -a -s
route -n
