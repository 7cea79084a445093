# A Linux bridge in the root namespace with three ports, each a veth to a namespace.
# Host-side ports get fixed MACs so the bridge's own MAC (the lowest port MAC) is deterministic.
ip link add br0 type bridge
ip -br link show br0
ip addr add 10.10.0.1/24 dev br0
ip link set br0 up
ip netns add h1
ip netns add h2
ip netns add h3
ip link add p1 address 02:00:00:00:00:13 type veth peer name eth0 netns h1
ip link add p2 address 02:00:00:00:00:12 type veth peer name eth0 netns h2
ip link add p3 address 02:00:00:00:00:11 type veth peer name eth0 netns h3
ip link set p1 master br0
ip -br link show br0
ip link set p2 master br0
ip link set p3 master br0
ip -br link show br0
ip link set p1 up
ip link set p2 up
ip link set p3 up
ip -n h1 addr add 10.10.0.11/24 dev eth0
ip -n h2 addr add 10.10.0.12/24 dev eth0
ip -n h3 addr add 10.10.0.13/24 dev eth0
ip -n h1 link set eth0 up
ip -n h2 link set eth0 up
ip -n h3 link set eth0 up
sleep 3
ip link
ip -br link
ip -br a
ip link show master br0
ip link show type bridge
ip link show type veth
bridge link
bridge link show dev p2
brctl show
brctl show br0
bridge fdb show br br0
ip route
ip netns exec h1 ping -c 2 -i 0.2 10.10.0.12
ip netns exec h1 ping -c 1 10.10.0.13
ip netns exec h3 ping -c 1 10.10.0.1
ip neigh
ip -n h1 neigh
bridge fdb show br br0
bridge fdb show dev p1
ip netns exec h2 tcpdump -n -i eth0 -c 2 icmp &
sleep 1
ip netns exec h1 ping -c 1 10.10.0.12
wait
ip link set p3 nomaster
brctl show
bridge link
ip link set br0 down
ip -br link show br0
ip netns exec h1 ping -c 1 -W 1 10.10.0.12
ip link del br0
ip -br link
brctl show
