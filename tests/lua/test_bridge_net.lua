-- test_bridge_net.lua - host bridge setup (issue 9) in network namespaces
-- of the test's own: a veth stands for the NIC, its peer lives in a second
-- namespace as the LAN's gateway. Creating the bridge moves the NIC's
-- address and default route to it and the gateway stays reachable; removing
-- it gives them back; a failure forced at each step leaves links,
-- addresses and routes exactly as they were.
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")
local bridge = require("recipes.bridge")

local function sh(cmd) return g.sh(cmd .. " 2>&1") end

-- the "LAN": a namespace of its own holding the gateway end of the veth
local lan = sh("unshare --net sleep 600 >/dev/null 2>&1 & echo $!"):match("%d+")
t.eventually(function()
  return sh("readlink /proc/" .. lan .. "/ns/net") ~= sh("readlink /proc/self/ns/net")
end, 10)
local function in_lan(cmd) return sh("nsenter -t " .. lan .. " -n " .. cmd) end

sh("ip link set lo up")
sh("ip link add lvnic0 type veth peer name lvgw0")
sh("ip link set lvgw0 netns " .. lan)
in_lan("ip link set lo up")
in_lan("ip addr add 10.77.0.1/24 dev lvgw0")
in_lan("ip link set lvgw0 up")
sh("ip addr add 10.77.0.2/24 dev lvnic0")
sh("ip -6 addr add fd77::2/64 dev lvnic0 nodad")
sh("ip link set lvnic0 up")
sh("ip route add default via 10.77.0.1 dev lvnic0 metric 100")
sh("ip route add 10.99.0.0/16 via 10.77.0.1 dev lvnic0")

-- links, addresses and routes, without what changes by itself (ifindex
-- numbers, lifetimes, link-local addresses)
local function state()
  local links = sh("ip -o link show | sed -E 's/^[0-9]+: //; s/@[^:]*:/:/' | " ..
    "awk '{print $1, $2, $3}' | sort")
  local addrs = sh("ip -o addr show | awk '$4 !~ /^fe80/ {print $2, $3, $4}' | sort")
  local routes = sh("ip route show table main | sort; ip -6 route show table main | " ..
    "grep -v '^fe80\\|^multicast\\|^ff00' | sed -E 's/ pref medium//; s/ expires [0-9]+sec//' | sort")
  return links .. addrs .. routes
end

local function pings()
  return sh("busybox ping -c 1 -W 2 10.77.0.1 >/dev/null && echo ok") == "ok\n"
end

t.test("create moves the NIC's address and routes to the bridge; remove gives them back", function()
  t.check(pings(), "the gateway answers through the NIC")
  local before = state()
  -- /sys shows the mount's namespace, not ours: ip tells
  local function mac_of(dev) return sh("ip -o link show " .. dev):match("link/ether (%S+)") end
  local mac = mac_of("lvnic0")
  t.eq(bridge.create{name = "lvbr0", nic = "lvnic0"}, "lvbr0", "created")
  t.check(sh("ip -o addr show dev lvbr0"):find("10.77.0.2/24", 1, true), "the address on the bridge")
  t.check(sh("ip -o addr show dev lvbr0"):find("fd77::2/64", 1, true), "the IPv6 one too")
  t.check(not sh("ip -o addr show dev lvnic0"):find("10.77.0.2", 1, true), "none left on the NIC")
  t.check(sh("ip route show default"):find("via 10.77.0.1 dev lvbr0", 1, true),
    "the default route through the bridge: " .. sh("ip route"))
  t.check(sh("ip route show 10.99.0.0/16"):find("dev lvbr0", 1, true), "the static route too")
  t.check(sh("ip -o link show lvnic0"):find("master lvbr0", 1, true), "the NIC is its port")
  t.eq(mac_of("lvbr0"), mac, "the bridge has the NIC's MAC")
  t.check(t.eventually(pings, 30), "the gateway still answers, through the bridge")
  t.eq(bridge.list()[1].name, "lvbr0", "listed")
  local code, out = g.cli("bridge --list")
  t.check(code == 0 and out:find("lvbr0%s+lvnic0"), "bridge --list: " .. out)
  bridge.remove{name = "lvbr0"}
  t.eq(state(), before, "everything as before")
  t.check(t.eventually(pings, 10), "the gateway answers through the NIC again")
end)

t.test("a failure at each step leaves everything as it was", function()
  local before = state()
  for _, step in ipairs({"bridge-up", "bridge-enslave", "bridge-addr-add",
                         "bridge-route-add", "bridge-addr-del", "bridge-moved"}) do
    local code, _, err = g.cli("bridge --create lvbr0 --nic lvnic0")
    t.eq(code, 0, "a plain create works: " .. err)
    g.cli("bridge --remove lvbr0")
    local p = io.popen("LUAVIRT_TEST_FAIL_AT=" .. step .. " " .. g.bin ..
      " bridge --create lvbr0 --nic lvnic0 2>&1; echo rc=$?")
    local o = p:read("a")
    p:close()
    t.check(o:find("rc=1", 1, true) and o:find("undone", 1, true) and o:find(step, 1, true),
      step .. ": fails and says it undid: " .. o)
    t.eq(state(), before, step .. ": everything as before")
  end
  t.check(pings(), "the gateway answers through the NIC")
  -- and removing, failing after the move back
  g.cli("bridge --create lvbr0 --nic lvnic0")
  local mid = state()
  local p = io.popen("LUAVIRT_TEST_FAIL_AT=unbridge-moved " .. g.bin ..
    " bridge --remove lvbr0 2>&1; echo rc=$?")
  local o = p:read("a")
  p:close()
  t.check(o:find("rc=1", 1, true) and o:find("undone", 1, true), "remove fails: " .. o)
  t.eq(state(), mid, "the bridge as it was")
  g.cli("bridge --remove lvbr0")
  t.eq(state(), before, "and then removed")
end)

t.test("bad input: clear errors, nothing changed", function()
  local before = state()
  local cases = {
    {"bridge --create lvbr0 --nic nosuch0", "NIC 'nosuch0': no such network interface"},
    {"bridge --create lo --nic lvnic0", "bridge 'lo': a network interface of that name exists"},
    {"bridge --create lvbr0", "--create needs --nic"},
    {"bridge --remove lvnic0", "not made by luavirt"},
    {"bridge --remove nosuch1 --force", "bridge 'nosuch1': no such network interface"},
    {"bridge", "one of --create, --remove or --list"},
  }
  for _, c in ipairs(cases) do
    local code, _, err = g.cli(c[1])
    t.check(code ~= 0 and err:find(c[2], 1, true), c[1] .. ": " .. err)
  end
  g.cli("bridge --create lvbr0 --nic lvnic0")
  local code, _, err = g.cli("bridge --create lvbr1 --nic lvnic0")
  t.check(code ~= 0 and err:find("NIC 'lvnic0': already a port of 'lvbr0'", 1, true),
    "a port already: " .. err)
  g.cli("bridge --remove lvbr0")
  t.eq(state(), before, "nothing changed")
end)

os.execute("kill " .. lan)
g.cleanup()
t.done()
