# A Calico node without IPIP (BGP-routed pod blocks): this namespace is node1 (eth0 192.168.57.11,
# block 10.244.120.64/26) with pods nginx and busybox; "node2" (192.168.57.12, block
# 10.244.45.128/26) has pod frontend. Host-side cali veths have MAC ee:ee:ee:ee:ee:ee, no address,
# proxy_arp on, and a /32 route per pod; each pod has a /32 address and a default route via
# 169.254.1.1, which nobody owns: proxy ARP answers for it.
sysctl -qw net.ipv4.ip_forward=1
ip link set lo up
ip netns add node2
ip netns add nginx
ip netns add busybox
ip netns add frontend
ip netns exec node2 sysctl -qw net.ipv4.ip_forward=1
ip -n node2 link set lo up
ip link add eth0 type veth peer name eth0 netns node2
ip addr add 192.168.57.11/24 brd + dev eth0
ip link set eth0 up
ip route add default via 192.168.57.1 dev eth0 onlink
ip -n node2 addr add 192.168.57.12/24 brd + dev eth0
ip -n node2 link set eth0 up
ip -n node2 route add default via 192.168.57.1 dev eth0 onlink
ip route add 10.244.45.128/26 via 192.168.57.12 dev eth0 proto bird
ip route add blackhole 10.244.120.64/26 proto bird
ip -n node2 route add 10.244.120.64/26 via 192.168.57.11 dev eth0 proto bird
ip -n node2 route add blackhole 10.244.45.128/26 proto bird
# nginx on node1
ip link add cali306ce65e73b type veth peer name eth0 netns nginx
ip link set cali306ce65e73b address ee:ee:ee:ee:ee:ee
sysctl -qw net.ipv4.conf.cali306ce65e73b.proxy_arp=1 net.ipv4.neigh.cali306ce65e73b.proxy_delay=0 net.ipv4.conf.cali306ce65e73b.forwarding=1
ip link set cali306ce65e73b up
ip -n nginx link set lo up
ip -n nginx addr add 10.244.120.65/32 dev eth0
ip -n nginx link set eth0 up
ip -n nginx route add 169.254.1.1 dev eth0 scope link
ip -n nginx route add default via 169.254.1.1 dev eth0
ip route add 10.244.120.65 dev cali306ce65e73b scope link
# busybox on node1
ip link add cali12d4a061371 type veth peer name eth0 netns busybox
ip link set cali12d4a061371 address ee:ee:ee:ee:ee:ee
sysctl -qw net.ipv4.conf.cali12d4a061371.proxy_arp=1 net.ipv4.neigh.cali12d4a061371.proxy_delay=0 net.ipv4.conf.cali12d4a061371.forwarding=1
ip link set cali12d4a061371 up
ip -n busybox link set lo up
ip -n busybox addr add 10.244.120.66/32 dev eth0
ip -n busybox link set eth0 up
ip -n busybox route add 169.254.1.1 dev eth0 scope link
ip -n busybox route add default via 169.254.1.1 dev eth0
ip route add 10.244.120.66 dev cali12d4a061371 scope link
# frontend on node2
ip -n node2 link add cali2b47c2c06b1 type veth peer name eth0 netns frontend
ip -n node2 link set cali2b47c2c06b1 address ee:ee:ee:ee:ee:ee
ip netns exec node2 sysctl -qw net.ipv4.conf.cali2b47c2c06b1.proxy_arp=1 net.ipv4.neigh.cali2b47c2c06b1.proxy_delay=0
ip -n node2 link set cali2b47c2c06b1 up
ip -n frontend link set lo up
ip -n frontend addr add 10.244.45.129/32 dev eth0
ip -n frontend link set eth0 up
ip -n frontend route add 169.254.1.1 dev eth0 scope link
ip -n frontend route add default via 169.254.1.1 dev eth0
ip -n node2 route add 10.244.45.129 dev cali2b47c2c06b1 scope link
sleep 3
# The first packet from busybox: its ARP for 169.254.1.1 is answered by proxy ARP with the cali
# MAC. node1 learns busybox's MAC from that request and probes it 5 s later (a unicast ARP
# request from 192.168.57.11, which busybox then also learns), so the neighbour tables are shown
# right after the capture.
tcpdump -n -e -i cali12d4a061371 -c 4 arp or icmp &
sleep 1
ip netns exec busybox ping -c 1 10.244.45.129
wait
ip -n busybox neigh
ip netns exec busybox arp -n
ip neigh
ip netns exec busybox ping -c 2 -i 0.2 10.244.120.65
ip netns exec busybox ping -c 1 192.168.57.11
ip route
ip route show proto bird
route -n
ip -br a
ip -br link
ip a show cali306ce65e73b
ip -d link show cali306ce65e73b
sysctl net.ipv4.conf.cali306ce65e73b.proxy_arp net.ipv4.neigh.cali306ce65e73b.proxy_delay net.ipv4.conf.cali306ce65e73b.forwarding
cat /proc/sys/net/ipv4/conf/cali306ce65e73b/proxy_arp
ip route get 10.244.45.129
ip route get 10.244.120.65
ip route get 10.244.120.70
ip -n nginx a
ip -n nginx -br a
ip -n nginx route
ip netns exec nginx route -n
ip netns exec nginx ip route get 10.244.45.129
tcpdump -n -i eth0 -c 2 icmp &
sleep 1
ip netns exec frontend ping -c 1 10.244.120.65
wait
ip netns exec busybox ping -c 1 -W 1 10.244.120.70
ip netns exec busybox ping -c 1 -W 1 10.244.99.1
