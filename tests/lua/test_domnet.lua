-- test_domnet.lua - guest NICs end to end with real QEMU under TCG, inside
-- a network namespace of its own (run it under `unshare --net`): a tap per
-- NIC on a bridge, NIC hotplug and unplug, link state, domiflist,
-- domifstat, domifaddr, taps gone with QEMU, and errors that leave nothing.
-- The test (not the product) uses `ip` to make bridges and to look.
local t = require("harness")
local g = require("guest")

local READY = g.READY

-- Run a shell command; returns its stdout and whether it succeeded.
local function sh(cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local out = p:read("a")
  local ok = p:close()
  return out, ok
end

local function link(dev)
  local out, ok = sh("ip -o link show dev " .. dev)
  return ok and out or nil
end

-- The netns must be ours: never touch the host's network.
local function in_private_netns()
  local out = sh("ip -o link show")
  local n = 0
  for _ in out:gmatch("[^\n]+") do n = n + 1 end
  return n <= 1
end

-- Guest XML with the given <interface> elements (strings of XML).
local function xml_with(name, nics, opts)
  local x = g.xml(name, opts)
  return (x:gsub("</devices>", table.concat(nics, "\n") .. "\n</devices>", 1))
end

local function nic(typ, source, mac, extra)
  local attr = typ == "network" and "network" or "bridge"
  return string.format("<interface type='%s'><mac address='%s'/>" ..
    "<source %s='%s'/><model type='virtio'/>%s</interface>", typ, mac, attr,
    source, extra or "")
end

-- Wait (up to secs) until fn() is true; returns its last value.
local eventually = t.eventually

-- Ask the guest for its links: {eth0 = "1", ...} (lv-cmd links), or nil
-- when it did not answer within the timeout. The test guest answers lv-cmd:
-- silence is a failure of the check that asked, never a skip.
local function guest_links(d)
  local off = #d:console_log()
  local ok = pcall(d.console_write, d, "lv-cmd links\n",
    {expect = "LUAVIRT-LINKS", timeout = 30})
  if not ok then return nil end
  local line = g.line(d, "LUAVIRT-LINKS", off, 30):sub(#"LUAVIRT-LINKS" + 1)
  local links = {}
  for name, c in (line or ""):gmatch("(%S+):(%d)") do links[name] = c end
  return links
end

-- Check what the guest says about its links with pred(links).
local function guest_check(d, what, pred, secs)
  local ok = eventually(function()
    local l = guest_links(d)
    return l ~= nil and pred(l)
  end, secs or 30)
  t.check(ok, what, 2)
end

if not in_private_netns() then
  t.skip("not in a private network namespace: run under unshare --net")
  t.done()
end
os.execute("ip link set lo up; ip link add br0 type bridge; ip link set br0 up")
os.execute("ip link add dum0 type veth peer name dum1")

t.test("a guest with a bridge NIC: tap enslaved and up, NIC in QEMU and guest", function()
  local d = virt.define_domain(xml_with("nic1", {nic("bridge", "br0", "52:54:00:00:01:01")}))
  d:start()
  d:wait_console(READY, 60)
  local l = link("vnet0")
  t.check(l, "tap vnet0 exists")
  t.check(l and l:find("master br0", 1, true), "enslaved to br0: " .. tostring(l))
  t.check(l and l:find("LOWER_UP", 1, true), "carrier up")
  t.check(l and l:find("fe:54:00:00:01:01", 1, true), "tap MAC fe:...")
  local info = d:monitor_command("info network", {hmp = true})
  t.check(info:find("model=virtio-net-pci,macaddr=52:54:00:00:01:01", 1, true),
    "QEMU has the NIC: " .. info)
  t.check(info:find("type=tap", 1, true), "on a tap")
  t.check(d:xml():find("<target dev='vnet0'/>", 1, true), "live XML names the tap")
  t.check(not d:xml{inactive = true}:find("vnet0", 1, true), "not the config")
  guest_check(d, "guest eth0 has carrier", function(l) return l.eth0 == "1" end)
  local ifs = d:interfaces()
  t.eq(#ifs, 1, "one interface")
  t.eq(ifs[1].iface, "vnet0", "iface")
  t.eq(ifs[1].source, "br0", "source")
  local code, out = g.cli("domiflist nic1")
  t.eq(code, 0, "domiflist")
  t.check(out:find(" Interface   Type     Source   Model    MAC", 1, true), out)
  t.check(out:find(" vnet0       bridge   br0      virtio   52:54:00:00:01:01", 1, true), out)
  local st = d:interface_stats("vnet0")
  t.check(st.tx_packets >= 0 and st.rx_bytes >= 0, "stats")
  code, out = g.cli("domifstat nic1 52:54:00:00:01:01")
  t.eq(code, 0, "domifstat by MAC")
  t.check(out:find("52:54:00:00:01:01 rx_bytes %d+\n") and out:find("tx_drop %d+\n"), out)
  d:destroy()
  t.check(eventually(function() return not link("vnet0") end, 10),
    "the tap is gone with QEMU")
  d:undefine()
end)

t.test("hotplug a NIC, set its link down and up, unplug it", function()
  local d = virt.create_domain(xml_with("hot", {nic("bridge", "br0", "52:54:00:00:02:01")}))
  d:wait_console(READY, 60)
  local self_, mac = d:attach_interface{type = "bridge", source = "br0", model = "virtio",
    mac = "52:54:00:00:02:02", live = true}
  t.eq(self_, d, "attach returns the domain")
  t.eq(mac, "52:54:00:00:02:02", "and the MAC")
  t.check(d:monitor_command("info network", {hmp = true})
    :find("macaddr=52:54:00:00:02:02", 1, true), "QEMU has the new NIC")
  local ifs = d:interfaces()
  t.eq(#ifs, 2, "two interfaces")
  local tap = ifs[2].iface
  t.eq(tap, "vnet1", "second tap")
  local l = link(tap) or ""
  t.check(l:find("master br0", 1, true) and l:find("LOWER_UP", 1, true), l)
  guest_check(d, "the guest sees eth1 with carrier", function(l) return l.eth1 == "1" end)
  -- link state: QMP set_link; the guest loses carrier
  local code = g.cli("domif-setlink hot 52:54:00:00:02:02 down")
  t.eq(code, 0, "domif-setlink down")
  t.eq(d:get_link("52:54:00:00:02:02"), "down", "get_link")
  local _, out = g.cli("domif-getlink hot " .. tap)
  t.eq(out:match("^[^\n]*"), tap .. " down", "domif-getlink")
  t.check(d:xml():find("<link state='down'/>", 1, true), "live XML link state")
  guest_check(d, "the guest sees no carrier", function(l) return l.eth1 == "0" end)
  d:set_link(tap, "up")
  guest_check(d, "carrier back", function(l) return l.eth1 == "1" end)
  -- a MAC that is taken, a bad MAC, an unknown type: nothing changes
  t.raises("exists", {"52:54:00:00:02:02"}, function()
    d:attach_interface{type = "bridge", source = "br0", mac = "52:54:00:00:02:02"}
  end)
  t.raises("invalid", {"mac address 'zz:54'"}, function()
    d:attach_interface{type = "bridge", source = "br0", mac = "zz:54"}
  end)
  t.raises("invalid", {"bridge 'nosuch'", "no such device"}, function()
    d:attach_interface{type = "bridge", source = "nosuch"}
  end)
  t.raises("invalid", {"bridge 'dum0'", "not a bridge"}, function()
    d:attach_interface{type = "bridge", source = "dum0"}
  end)
  t.eq(#d:interfaces(), 2, "still two interfaces")
  t.check(not link("vnet2"), "no tap left by the failures")
  -- without --mac, two bridge NICs are ambiguous
  t.raises("invalid", {"2 interfaces"}, function()
    d:detach_interface{type = "bridge"}
  end)
  local c2, out2, err2 = g.cli("detach-interface hot bridge --mac 52:54:00:00:02:02")
  t.eq(c2, 0, "detach-interface: " .. err2)
  t.eq(out2:match("^[^\n]*"), "Interface detached successfully", "message")
  t.eq(#d:interfaces(), 1, "one interface left")
  t.check(eventually(function() return not link(tap) end, 10), "its tap is gone")
  t.check(not d:monitor_command("info network", {hmp = true})
    :find("52:54:00:00:02:02", 1, true), "QEMU dropped it")
  guest_check(d, "the guest lost eth1", function(l) return l.eth1 == nil end)
  -- hotplug again through the CLI: the freed names are reused
  local c3, out3, err3 = g.cli("attach-interface hot bridge br0 --model virtio --live")
  t.eq(c3, 0, "attach-interface: " .. err3)
  t.eq(out3:match("^[^\n]*"), "Interface attached successfully", "message")
  t.eq(d:interfaces()[2].iface, "vnet1", "vnet1 again")
  d:destroy()
  t.check(eventually(function() return not link("vnet0") and not link("vnet1") end, 10),
    "all taps gone")
end)

t.test("--config and current on a shut-off guest", function()
  local d = virt.define_domain(g.xml("cfg"))
  d:attach_interface{type = "bridge", source = "br0", mac = "52:54:00:00:03:01",
    model = "virtio"}  -- the busybox guest has only virtio drivers
  t.check(d:xml{inactive = true}:find("52:54:00:00:03:01", 1, true), "in the config")
  t.raises("state", {"cfg", "not running"}, function()
    d:attach_interface{type = "bridge", source = "br0", live = true}
  end)
  local code, out = g.cli("domiflist cfg")
  t.eq(code, 0, "domiflist")
  t.check(out:find(" %-%s+bridge%s+br0%s+virtio%s+52:54:00:00:03:01"), out)
  d:set_link("52:54:00:00:03:01", "down", {config = true})
  t.eq(d:get_link("52:54:00:00:03:01", {config = true}), "down", "config link")
  -- it starts with the link down
  d:start()
  d:wait_console(READY, 60)
  guest_check(d, "guest starts without carrier", function(l) return l.eth0 == "0" end)
  t.check(link("vnet0"), "tap made at start")
  -- both: live and config
  d:attach_interface{type = "bridge", source = "br0", mac = "52:54:00:00:03:02",
    model = "virtio", live = true, config = true}
  t.check(d:xml{inactive = true}:find("52:54:00:00:03:02", 1, true), "config has it")
  t.check(d:xml():find("52:54:00:00:03:02", 1, true), "live has it")
  d:detach_interface{type = "bridge", mac = "52:54:00:00:03:02", live = true, config = true}
  t.check(not d:xml{inactive = true}:find("52:54:00:00:03:02", 1, true), "config dropped it")
  t.check(not d:xml():find("52:54:00:00:03:02", 1, true), "live dropped it")
  d:destroy()
  d:detach_interface{mac = "52:54:00:00:03:01"}
  t.eq(#d:interfaces(), 0, "none left")
  d:undefine()
end)

t.test("start errors: missing bridge, not a bridge, unknown network; nothing left", function()
  for _, case in ipairs{
    {nic("bridge", "nosuch", "52:54:00:00:04:01"), "invalid", {"bridge 'nosuch'", "no such device"}},
    {nic("bridge", "dum0", "52:54:00:00:04:02"), "invalid", {"not a bridge"}},
    {nic("network", "nonet", "52:54:00:00:04:03"), "no-network", {"network 'nonet'"}},
  } do
    local d = virt.define_domain(xml_with("bad", {case[1]}))
    t.raises(case[2], case[3], function() d:start() end)
    t.eq(d.state, "shut off", "still shut off")
    t.eq(#g.qemu_pids("bad"), 0, "no QEMU")
    t.check(not link("vnet0"), "no tap left")
    d:undefine()
  end
  -- an inactive network
  do
    local n = virt.define_network([[<network><name>off1</name>
      <bridge name='virbr9'/><ip address='10.9.9.1' netmask='255.255.255.0'/></network>]])
    local d = virt.define_domain(xml_with("bad2", {nic("network", "off1", "52:54:00:00:04:04")}))
    t.raises("state", {"network 'off1'", "not active"}, function() d:start() end)
    d:undefine()
    n:undefine()
  end
end)

t.test("a guest on the default network gets a lease; domifaddr shows it", function()
  local n = virt.network("default")   -- made on first use: never missing
  if not n.active then n:start() end
  local d = virt.create_domain(xml_with("dhcp", {nic("network", "default", "52:54:00:00:05:01")},
    {cmdline = "lv.dhcp=1"}))
  local ip = g.line(d, "LUAVIRT-IP ", 0, 90):match("^LUAVIRT%-IP (%S+)")
  local addrs = eventually(function()
    local a = d:addresses()
    return #a > 0 and a or nil
  end, 20) or {}
  t.eq(#addrs, 1, "one address")
  if addrs[1] then
    t.eq(addrs[1].mac, "52:54:00:00:05:01", "mac")
    t.eq(addrs[1].name, "vnet0", "name")
    t.check(ip and ip:find(addrs[1].addr, 1, true), "the guest's own IP " .. tostring(ip))
  end
  local code, out = g.cli("domifaddr dhcp")
  t.eq(code, 0, "domifaddr")
  t.check(out:find(" Name       MAC address          Protocol     Address\n", 1, true), out)
  t.check(out:find(" vnet0      52:54:00:00:05:01    ipv4         ", 1, true), out)
  t.raises("busy", {"network 'default'", "in use by running domain 'dhcp'"},
    function() n:destroy() end)
  t.check(n.active, "a network in use stays active")
  d:destroy()
  n:destroy()   -- its dnsmasq goes with it
  t.check(not n.active, "destroyed once its guest is gone")
end)

g.cleanup()
os.execute("ip link del br0; ip link del dum0")
t.done()
