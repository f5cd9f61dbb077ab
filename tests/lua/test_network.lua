-- test_network.lua - virtual networks end to end, inside a network
-- namespace of their own (the file re-runs itself under `unshare --net`):
-- the default network, nat/route/isolated lifecycles that leave the
-- namespace as found, net-update of DHCP hosts, a dead dnsmasq seen by
-- net-info, refused overlaps and bridge names, and lease files.
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")

local sh = g.sh

os.execute("ip link set lo up")

local function readf(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local d = f:read("a")
  f:close()
  return d
end

-- Stop the default network a failed test may have left running.
local function reset()
  pcall(function() virt.network("default"):destroy{force = true} end)
end

local function run_dir(name) return g.root .. "/run/network/" .. name end

-- What a network may change in the namespace.
local function ns_state()
  local links = sh("ip -o link show | awk -F': ' '{print $2}' | sort")
  local dnsmasq = 0
  for pid in sh("ls /proc"):gmatch("%d+") do
    local st = readf("/proc/" .. pid .. "/stat") or ""
    local cmd = readf("/proc/" .. pid .. "/cmdline") or ""
    if st:match("%) [^ZX]") and cmd:find(g.root, 1, true) and cmd:find("dnsmasq", 1, true) then
      dnsmasq = dnsmasq + 1
    end
  end
  return {links = links, nft = sh("nft list ruleset"),
    fwd = readf("/proc/sys/net/ipv4/ip_forward"), dnsmasq = dnsmasq}
end

local function same_state(a, b, what)
  t.eq(b.links, a.links, what .. ": links")
  t.eq(b.nft, a.nft, what .. ": nft ruleset")
  t.eq(b.fwd, a.fwd, what .. ": ip_forward")
  t.eq(b.dnsmasq, a.dnsmasq, what .. ": dnsmasq processes")
end

local function net_xml(name, opts)
  local fwd = opts.mode and ("<forward mode='" .. opts.mode .. "'/>") or ""
  local mac = opts.mac and ("<mac address='" .. opts.mac .. "'/>") or ""
  return string.format([[
<network>
  <name>%s</name>
  %s
  <bridge name='%s' stp='on' delay='0'/>
  %s
  <ip address='%s.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='%s.2' end='%s.254'/>
    </dhcp>
  </ip>
</network>
]], name, fwd, opts.bridge, mac, opts.net, opts.net, opts.net)
end

t.test("the default network exists like libvirt's", function()
  local n = virt.network("default")
  t.eq(n.active, false, "defined, not started")
  t.eq(n.persistent, true, "persistent")
  t.eq(n.autostart, true, "autostart")
  t.eq(n.bridge, "virbr0", "bridge")
  local xml = n:xml()
  t.check(xml:find("<forward mode='nat'", 1, true), "nat: " .. xml)
  t.check(xml:find("192.168.122.1", 1, true), "address")
  t.check(xml:find("192.168.122.254", 1, true), "range end")
  local code, out = g.cli("net-list --all")
  t.eq(code, 0, "net-list")
  t.check(out:find(" default   inactive   yes         yes", 1, true), out)
end)

for _, mode in ipairs({"nat", "route", "isolated"}) do
  t.test(mode .. " network: define, start, info, dumpxml, destroy, undefine", function()
    local before = ns_state()
    local name, br = "n" .. mode, "lv" .. mode
    local n = virt.define_network(net_xml(name, {mode = mode ~= "isolated" and mode or nil,
      bridge = br, net = "10.60." .. #mode}))
    t.eq(n.active, false, "inactive after define")
    n:start()
    t.eq(n.active, true, "active after start")
    t.check(sh("ip -o addr show dev " .. br):find("10.60." .. #mode .. ".1/24", 1, true),
      "bridge address")
    local i = n:info()
    t.eq(i.bridge, br, "info bridge")
    t.eq(i.dnsmasq, "running", "dnsmasq running")
    local nft = sh("nft list ruleset")
    if mode == "isolated" then
      t.check(not nft:find("luavirt_%x+_" .. name), "no nft table: " .. nft)
    else
      t.check(nft:find("table inet luavirt_%x%x%x%x%x%x%x%x_" .. name .. " "), "nft table")
      t.eq(nft:find("masquerade", 1, true) ~= nil, mode == "nat", "masquerade only for nat")
      t.eq(readf("/proc/sys/net/ipv4/ip_forward"), "1\n", "ip_forward on")
    end
    local code, out = g.cli("net-info " .. name)
    t.eq(code, 0, "net-info")
    t.check(out:find("Active:         yes", 1, true), out)
    t.check(out:find("Bridge:         " .. br, 1, true), out)
    code, out = g.cli("net-dumpxml " .. name)
    t.check(out:find("<name>" .. name .. "</name>", 1, true), out)
    t.raises("state", {"already active"}, function() n:start() end)
    code, out = g.cli("net-destroy " .. name)
    t.eq(code, 0, "net-destroy")
    t.check(out:find("Network " .. name .. " destroyed", 1, true), out)
    t.eq(n.active, false, "inactive after destroy")
    same_state(before, ns_state(), "after destroy")
    code, out = g.cli("net-undefine " .. name)
    t.check(out:find("Network " .. name .. " has been undefined", 1, true), out)
    t.raises("no-network", {name}, function() virt.network(name) end)
  end)
end

t.test("transient network from net-create; uuid and name lookups", function()
  local before = ns_state()
  local path = os.tmpname()
  g.write(path, net_xml("tr1", {bridge = "lvtr1", net = "10.61.0"}))
  local code, out = g.cli("net-create " .. path)
  os.remove(path)
  t.eq(code, 0, "net-create: " .. out)
  local n = virt.network("tr1")
  t.eq(n.persistent, false, "transient")
  local _, uuid = g.cli("net-uuid tr1")
  local _, name = g.cli("net-name " .. uuid:gsub("%s+$", ""))
  t.eq(name:match("^(%S+)"), "tr1", "net-name of net-uuid")
  n:destroy()
  t.raises("no-network", {"tr1"}, function() virt.network("tr1") end)
  same_state(before, ns_state(), "after destroy")
end)

t.test("transient network from a table: started, shown as a table, stopped", function()
  local before = ns_state()
  local n = virt.create_network{name = "trt", bridge = {name = "lvtrt", stp = true, delay = 0},
    ips = {{address = "10.62.0.1", netmask = "255.255.255.0",
      dhcp = {ranges = {{start = "10.62.0.2", ["end"] = "10.62.0.254"}}}}}}
  t.eq(n.active, true, "active")
  t.eq(n.persistent, false, "transient")
  t.eq(n.bridge, "lvtrt", "its bridge")
  t.check(sh("ip -o link show lvtrt"):find("lvtrt", 1, true), "the bridge exists")
  local def = n:definition()
  t.eq(def.ips[1].dhcp.ranges[1]["end"], "10.62.0.254", "definition: the dhcp range")
  t.eq(def.bridge.name, "lvtrt", "definition: the bridge")
  n:destroy()
  t.eq(virt.find_network("trt"), nil, "gone after destroy")
  same_state(before, ns_state(), "after destroy")
end)

t.test("net-update adds and deletes a DHCP host, live and config", function()
  reset()
  local n = virt.network("default")
  n:start()
  local host = "<host mac='52:54:00:12:34:56' name='server1' ip='192.168.122.10'/>"
  local code, out, err = g.cli("net-update default add ip-dhcp-host \"" .. host ..
    "\" --live --config")
  t.eq(code, 0, "net-update add: " .. err)
  t.check(out:find("Updated network default persistent config and live state", 1, true), out)
  t.check(n:xml():find("52:54:00:12:34:56", 1, true), "live XML has the host")
  t.check(n:xml{inactive = true}:find("server1", 1, true), "config has the host")
  local hosts = readf(run_dir("default") .. "/default.hostsfile") or ""
  t.check(hosts:find("52:54:00:12:34:56", 1, true), "hostsfile: " .. hosts)
  t.raises("xml", {"default", "duplicate"}, function()
    n:update("add", "ip-dhcp-host", host, {live = true})
  end)
  t.raises("xml", {"default", "MAC"}, function()
    n:update("add", "ip-dhcp-host", "<host mac='zz:54' ip='192.168.122.11'/>", {live = true})
  end)
  n:update("delete", "ip-dhcp-host", host, {live = true, config = true})
  t.check(not n:xml():find("server1", 1, true), "host gone live")
  t.check(not n:xml{inactive = true}:find("server1", 1, true), "host gone from config")
  n:destroy()
end)

t.test("a dead dnsmasq shows in net-info", function()
  reset()
  local n = virt.network("default")
  n:start()
  local pid = n:info().dnsmasq_pid
  t.check(pid, "dnsmasq pid")
  os.execute("kill -9 " .. pid)
  local dead = t.eventually(function() return n:info().dnsmasq == "dead" end, 5)
  t.check(dead, "info says dnsmasq is dead")
  local _, out = g.cli("net-info default")
  t.check(out:find("not running", 1, true), out)
  n:destroy()
end)

t.test("overlapping subnets and taken bridges are refused, nothing changed", function()
  reset()
  local def = virt.network("default")
  def:start()
  local o = virt.define_network(net_xml("over", {mode = "nat", bridge = "lvover", net = "192.168.122"}))
  local before = ns_state()
  t.raises("busy", {"over", "default"}, function() o:start() end)
  same_state(before, ns_state(), "after refused overlap")
  o:undefine()
  def:destroy()
  -- a host route
  os.execute("ip link add lvdummy type bridge && ip addr add 10.77.0.1/24 dev lvdummy && ip link set lvdummy up")
  local r = virt.define_network(net_xml("rt", {bridge = "lvrt", net = "10.77.0"}))
  before = ns_state()
  t.raises("busy", {"rt", "lvdummy"}, function() r:start() end)
  same_state(before, ns_state(), "after refused host route")
  r:undefine()
  os.execute("ip link del lvdummy")
  -- a bridge name taken by a host link
  os.execute("ip link add lvtaken type bridge")
  local b = virt.define_network(net_xml("tk", {bridge = "lvtaken", net = "10.78.0"}))
  before = ns_state()
  t.raises("exists", {"tk", "lvtaken", "already in use"}, function() b:start() end)
  same_state(before, ns_state(), "after refused bridge")
  b:undefine()
  os.execute("ip link del lvtaken")
  -- a bridge name another defined network has
  t.raises("exists", {"virbr0", "default"}, function()
    virt.define_network(net_xml("dup", {bridge = "virbr0", net = "10.79.0"}))
  end)
  t.raises("no-network", {"dup"}, function() virt.network("dup") end)
end)

t.test("a bad MAC is refused", function()
  t.raises("xml", {"MAC", "zz:00"}, function()
    virt.define_network(net_xml("badmac", {bridge = "lvbad", net = "10.80.0", mac = "zz:00:11:22:33:44"}))
  end)
  t.raises("no-network", {"badmac"}, function() virt.network("badmac") end)
end)

t.test("leases come from dnsmasq's lease file", function()
  reset()
  local n = virt.network("default")
  n:start()
  local now = os.time()
  g.write(run_dir("default") .. "/leases", string.format(
    "%d 52:54:00:aa:bb:cc 192.168.122.45 vm1 01:52:54:00:aa:bb:cc\n" ..
    "%d 52:54:00:aa:bb:dd 192.168.122.46 * *\n" ..
    "%d 52:54:00:aa:bb:ee 192.168.122.47 old *\n" ..
    "duid 00:01:00:01:2c:5f:6a:1b:52:54:00:aa:bb:cc\n",
    now + 3600, now + 3600, now - 10))
  local l = n:dhcp_leases()
  t.eq(#l, 2, "expired lease left out")
  table.sort(l, function(a, b) return a.ip < b.ip end)
  t.eq(l[1].mac, "52:54:00:aa:bb:cc", "mac")
  t.eq(l[1].ip, "192.168.122.45", "ip")
  t.eq(l[1].prefix, 24, "prefix")
  t.eq(l[1].hostname, "vm1", "hostname")
  t.eq(l[2].hostname, nil, "no hostname")
  t.eq(#n:dhcp_leases{mac = "52:54:00:AA:BB:DD"}, 1, "by mac")
  local code, out = g.cli("net-dhcp-leases default")
  t.eq(code, 0, "net-dhcp-leases")
  t.check(out:find("192.168.122.45/24", 1, true) and out:find("vm1", 1, true), out)
  n:destroy()
end)

-- nothing may outlive the namespace: a dnsmasq would keep it alive
for _, n in ipairs(virt.networks{}) do
  pcall(function() n:destroy{force = true} end)
end
t.done()
