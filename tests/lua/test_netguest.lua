-- test_netguest.lua - guests on virtual networks, end to end with real QEMU
-- under TCG, in a network namespace of its own (run-all wraps it in
-- `unshare --net`): DHCP leases and domifaddr on the default NAT network, a
-- static DHCP host, an isolated network whose guests reach each other but
-- nothing outside, a routed network whose guest is reached by its address,
-- NAT seen from an "outside" namespace behind a veth uplink, and port
-- forwarding. The test (not the product) uses ip, nsenter, ss and busybox nc.
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")

local sh = g.sh

-- The netns must be ours: never touch the host's network.
local function in_private_netns()
  local n = 0
  for _ in sh("ip -o link show"):gmatch("[^\n]+") do n = n + 1 end
  return n <= 1
end

if not in_private_netns() then
  t.skip("not in a private network namespace: run under unshare --net")
  t.done()
end

-- The uplink: veth lvup0 (10.99.0.1/24, here) <-> lvup1 (10.99.0.2/24) in
-- an "outside" namespace held by a sleeping process (no named netns, so
-- nothing is left in /run/netns).
local work = g.root .. "/netguest"
os.execute("mkdir -p " .. work)
os.execute("ip link set lo up")
os.execute("unshare --net sh -c 'echo $$ >" .. work .. "/outside.pid; exec sleep 300' " ..
  ">/dev/null 2>&1 &")
local outside
outside = t.eventually(function()
  local f = io.open(work .. "/outside.pid")
  local pid = f and f:read("n")
  if f then f:close() end
  return pid
end, 5)
local OUT = "nsenter -t " .. tostring(outside) .. " -n "
os.execute("ip link add lvup0 type veth peer name lvup1 && ip link set lvup1 netns " ..
  tostring(outside) .. " && ip addr add 10.99.0.1/24 dev lvup0 && ip link set lvup0 up")
os.execute(OUT .. "sh -c 'ip link set lo up; ip addr add 10.99.0.2/24 dev lvup1; " ..
  "ip link set lvup1 up'")

local function nic(net, mac)
  return string.format("<interface type='network'><mac address='%s'/>" ..
    "<source network='%s'/><model type='virtio'/></interface>", mac, net)
end

-- Start a guest with one NIC on net, DHCP on, hostname name.
local function guest(name, net, mac)
  local x = g.xml(name, {cmdline = "lv.dhcp=1 lv.hostname=" .. name})
  x = x:gsub("</devices>", nic(net, mac) .. "\n</devices>", 1)
  return virt.create_domain(x)
end

-- The guest's DHCP address (waits for LUAVIRT-IP, at most secs).
local function guest_ip(d, secs)
  return g.line(d, "LUAVIRT-IP ", 0, secs or 90):match("^LUAVIRT%-IP (%S+)")
end

-- Send an lv-cmd line; returns the rest of the answer line after marker.
local function cmd(d, line, marker)
  local ok, answer = pcall(g.ask, d, line, marker, 30)
  if not ok then return nil end
  return answer:sub(#marker + 1)
end

local function ping(d, addr)
  return cmd(d, "lv-cmd ping " .. addr, "LUAVIRT-PING " .. addr .. " ")
end

-- Connect from here (prefix: "" or OUT) with busybox nc; returns the reply.
local function connect(prefix, addr, port)
  return sh("echo hi | " .. prefix .. "timeout 10 busybox nc -w 3 " .. addr ..
    " " .. port):match("^([^\r\n]*)")
end

-- A one-shot listener in the outside namespace on port: writes the peer
-- address seen (ss) and the line received to work/<port>.peer/.text, and
-- answers reply-from-outside.
local function outside_listener(port)
  local script = work .. "/listen-" .. port .. ".sh"
  g.write(script, "#!/bin/sh\n" ..
    "ss -Htn '( sport = :" .. port .. " )' >" ..
    work .. "/" .. port .. ".peer\n" ..
    "read -r line; echo \"$line\" >" .. work .. "/" .. port .. ".text\n" ..
    "echo reply-from-outside\n")
  os.execute("chmod +x " .. script)
  os.execute(OUT .. "timeout 60 busybox nc -l -p " .. port .. " -e " .. script ..
    " >/dev/null 2>&1 &")
  t.eventually(function() return sh(OUT .. "ss -Htln"):find(":" .. port .. " ", 1, true) end, 5)
end

local function readf(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function peer_of(port)
  local s = readf(work .. "/" .. port .. ".peer") or ""
  -- "CLOSE-WAIT 4 0 [::ffff:10.99.0.2]:5555 [::ffff:10.99.0.1]:40312"
  -- (busybox nc listens on IPv6): the last address is the peer
  local peer
  for a in (s:match("^[^\n]*") or ""):gmatch("(%d+%.%d+%.%d+%.%d+)") do peer = a end
  return peer
end

local function net_xml(name, opts)
  return string.format([[
<network><name>%s</name>%s<bridge name='%s'/>
  <ip address='%s.1' prefix='24'><dhcp><range start='%s.100' end='%s.200'/></dhcp></ip>
</network>]], name, opts.mode and ("<forward mode='" .. opts.mode .. "'/>") or "",
    opts.bridge, opts.net, opts.net, opts.net)
end

local def = virt.network("default")

-- The nftables table of a network: luavirt_<hash of the state root>_NAME.
local function nft_table(name)
  return sh("nft list tables"):match("table inet (luavirt_%x+_" .. name .. ")%f[%s%z]")
    or "luavirt_none_" .. name
end

-- Is something listening on TCP port (this namespace's /proc/net/tcp*)?
local function tcp_listening(port)
  for _, path in ipairs({"/proc/net/tcp", "/proc/net/tcp6"}) do
    local f = io.open(path)
    for line in f and f:lines() or function() end do
      local lport, st = line:match("^%s*%d+: %x+:(%x+) %x+:%x+ (%x+)")
      if lport and tonumber(lport, 16) == port and st == "0A" then
        f:close()
        return true
      end
    end
    if f then f:close() end
  end
  return false
end

t.test("default NAT network: a lease, domifaddr, the gateway pings; a static host", function()
  def:start()
  def:update("add", "ip-dhcp-host",
    "<host mac='52:54:00:00:0b:02' name='bravo' ip='192.168.122.10'/>", {live = true})
  local a = guest("alpha", "default", "52:54:00:00:0b:01")
  local b = guest("bravo", "default", "52:54:00:00:0b:02")
  local ip = guest_ip(a)
  t.check(ip and ip:match("^192%.168%.122%.(%d+)$"), "alpha has a lease: " .. tostring(ip))
  local n = tonumber(ip and ip:match("%d+$") or 0)
  t.check(n >= 2 and n <= 254, "in the range")
  local addrs = t.eventually(function()
    local got = a:addresses()
    return #got > 0 and got
  end, 10) or {}
  t.eq(addrs[1] and addrs[1].addr, ip, "domifaddr reports the guest's address")
  local code, out = g.cli("domifaddr alpha")
  t.eq(code, 0, "domifaddr")
  t.check(out:find("52:54:00:00:0b:01    ipv4         " .. ip .. "/24", 1, true), out)
  t.eq(cmd(a, "lv-cmd addr", "LUAVIRT-ADDR"), " eth0:" .. ip .. "/24", "lv-cmd addr")
  t.eq(ping(a, "192.168.122.1"), "ok", "alpha pings the gateway")
  t.eq(guest_ip(b), "192.168.122.10", "bravo got its fixed address")
  t.eq(ping(a, "192.168.122.10"), "ok", "alpha pings bravo")
  a:destroy()
end)

t.test("NAT: the outside sees the host's uplink address, not the guest's", function()
  local b = virt.domain("bravo")
  outside_listener(5555)
  local r = cmd(b, "lv-cmd connect 10.99.0.2 5555 from-bravo",
    "LUAVIRT-CONNECT 10.99.0.2 5555 ")
  t.eq(r, "ok reply-from-outside", "bravo reaches the outside listener")
  t.eq(readf(work .. "/5555.text"), "from-bravo\n", "the listener got the text")
  t.eq(peer_of(5555), "10.99.0.1", "source is the host's uplink address")
end)

t.test("port forwarding: host port to a guest's listener, from outside and from here", function()
  local b = virt.domain("bravo")
  t.eq(cmd(b, "lv-cmd listen 7000", "LUAVIRT-LISTEN "), "7000", "bravo listens")
  def:port_forward{proto = "tcp", host_port = 8080, guest_ip = "192.168.122.10",
    guest_port = 7000}
  local f = def:port_forwards()
  t.eq(#f, 1, "one forward")
  t.eq(f[1] and f[1].guest_port, 7000, "guest port")
  t.eq(connect(OUT, "10.99.0.1", 8080), "hello-from-bravo", "from outside")
  t.eq(connect("", "10.99.0.1", 8080), "hello-from-bravo", "from the host itself")
  t.eq(connect("", "192.168.122.1", 8080), "hello-from-bravo", "to the bridge address")
  -- refused, nothing changed
  local snap = g.snapshot()
  t.raises("exists", {"network 'default'", "tcp port 8080", "already forwarded"}, function()
    def:port_forward{host_port = 8080, guest_ip = "192.168.122.11"}
  end)
  t.raises("invalid", {"network 'default'", "'10.0.0.5'", "192.168.122.0/24"}, function()
    def:port_forward{host_port = 8081, guest_ip = "10.0.0.5"}
  end)
  t.raises("invalid", {"'192.168.122.1'"}, function()
    def:port_forward{host_port = 8081, guest_ip = "192.168.122.1"}
  end)
  os.execute("(timeout 20 busybox nc -l -p 8082 >/dev/null 2>&1 &)")
  t.check(t.eventually(function() return tcp_listening(8082) end, 10), "nc listens on 8082")
  t.raises("busy", {"tcp port 8082 is in use on the host"}, function()
    def:port_forward{host_port = 8082, guest_ip = "192.168.122.10"}
  end)
  t.eq(#def:port_forwards(), 1, "still one forward")
  t.check(g.same_snapshot(snap, g.snapshot()), "no state file changed")
  local code, out = g.cli("net-port-forward default list")
  t.eq(code, 0, "list")
  t.check(out:find(" tcp        8080        192.168.122.10   7000", 1, true), out)
  -- the CLI: add with --config too, delete
  local err
  code, out, err = g.cli("net-port-forward default add --proto udp --host-port 5353 " ..
    "--guest-ip 192.168.122.10 --live --config")
  t.eq(code, 0, "add udp: " .. err)
  t.check(out:find("added to network default persistent config and live state", 1, true), out)
  t.check(sh("nft list table inet " .. nft_table("default")):find(
    "udp dport 5353 dnat ip to 192.168.122.10:5353", 1, true), "udp DNAT rule")
  code, out, err = g.cli("net-port-forward default delete --host-port 8080")
  t.eq(code, 0, "delete: " .. err)
  t.check(connect(OUT, "10.99.0.1", 8080) ~= "hello-from-bravo", "no forward, no answer")
  t.check(not sh("nft list table inet " .. nft_table("default")):find("dport 8080", 1, true),
    "rule gone")
  -- the persistent one comes back with the next start
  b:destroy()
  def:destroy()
  t.raises("state", {"network 'default'", "not active"}, function()
    def:port_forward{host_port = 9000, guest_ip = "192.168.122.10"}
  end)
  def:start()
  f = def:port_forwards()
  t.eq(#f == 1 and f[1].host_port, 5353, "the config forward is live again")
  t.check(sh("nft list table inet " .. nft_table("default")):find("udp dport 5353", 1, true),
    "its rule is loaded")
  def:port_forward_remove{proto = "udp", host_port = 5353, live = true, config = true}
  t.eq(#def:port_forwards{config = true}, 0, "config empty")
  def:destroy()
end)

t.test("isolated network: guests reach each other, not the outside", function()
  local n = virt.create_network(net_xml("iso1", {bridge = "lviso1", net = "10.70.0"}))
  local c1 = guest("charlie", "iso1", "52:54:00:00:0c:01")
  local c2 = guest("carol", "iso1", "52:54:00:00:0c:02")
  local ip1, ip2 = guest_ip(c1), guest_ip(c2)
  t.check(ip1 and ip1:find("^10%.70%.0%."), "charlie lease " .. tostring(ip1))
  t.check(ip2 and ip2:find("^10%.70%.0%."), "carol lease " .. tostring(ip2))
  t.eq(ping(c1, ip2), "ok", "charlie pings carol")
  t.eq(ping(c2, ip1), "ok", "carol pings charlie")
  t.eq(ping(c1, "10.99.0.1"), "fail", "the uplink address is not reachable")
  t.eq(ping(c1, "10.99.0.2"), "fail", "nor the outside")
  t.raises("invalid", {"network 'iso1'", "forward mode 'nat' or 'route'", "isolated"},
    function() n:port_forward{host_port = 8080, guest_ip = ip1} end)
  c1:destroy()
  c2:destroy()
  n:destroy()
end)

t.test("routed network: the guest is reached by its address, and sends its own", function()
  local n = virt.create_network(net_xml("rt1", {mode = "route", bridge = "lvrt1",
    net = "10.71.0"}))
  os.execute(OUT .. "ip route add 10.71.0.0/24 via 10.99.0.1")
  local d = guest("delta", "rt1", "52:54:00:00:0d:01")
  local ip = guest_ip(d)
  t.check(ip and ip:find("^10%.71%.0%."), "delta lease " .. tostring(ip))
  t.check(os.execute("busybox ping -c 2 -W 2 " .. ip .. " >/dev/null 2>&1"), "host pings delta")
  t.eq(cmd(d, "lv-cmd listen 7100", "LUAVIRT-LISTEN "), "7100", "delta listens")
  t.eq(connect("", ip, 7100), "hello-from-delta", "host connects to delta")
  t.eq(connect(OUT, ip, 7100), "hello-from-delta", "the outside connects to delta")
  outside_listener(5556)
  t.eq(cmd(d, "lv-cmd connect 10.99.0.2 5556 from-delta",
    "LUAVIRT-CONNECT 10.99.0.2 5556 "), "ok reply-from-outside", "delta reaches outside")
  t.eq(peer_of(5556), ip, "no masquerade: the outside sees the guest's address")
  d:destroy()
  n:destroy()
end)

g.cleanup()
for _, n in ipairs(virt.networks{}) do pcall(function() n:destroy{force = true} end) end
os.execute("ip link del lvup0 2>/dev/null")
if outside then os.execute("kill " .. outside .. " 2>/dev/null") end
t.done()
