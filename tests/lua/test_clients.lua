-- test_clients.lua - domain XML written by real libvirt clients, started
-- end to end: tests/data/clients holds what Debian 12's virt-install
-- --print-xml writes and what virsh dumpxml gives back for it (see its regen
-- script), each with libvirt's own domxml-to-native argv. Every XML is
-- defined, started under TCG (type kvm is started as type qemu on this
-- host), booted to the test guest's marker where it boots our kernel
-- directly, compared with libvirt's argv (the guest-visible -device kinds,
-- -m, -smp, graphics), destroyed and undefined, leaving nothing behind.
-- LUAVIRT_CLIENTS=pattern runs the names that match (a Lua pattern).
-- Two guests at a time (virt.parallel: their boots wait side by side).
-- Runs in a network namespace of its own: it defines a NAT network
-- 'default' and a bridge lvclbr0 there, as the XML expects.
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")

local DIR = "tests/data/clients"
local PREFIX = "/var/tmp/luavirt-clients/"
local only = os.getenv("LUAVIRT_CLIENTS")
local work = g.root .. "/clients"
os.execute("mkdir -p " .. work)

-- PCI plumbing libvirt adds around the devices (root ports, bridges):
-- where a device sits, not what the guest is given.
local plumbing = {
  ["pcie-root-port"] = true, ["pcie-pci-bridge"] = true, ["pci-bridge"] = true,
  ["i82801b11-bridge"] = true, ["x3130-upstream"] = true, ["xio3130-downstream"] = true,
}

local function list_xml()
  local names = {}
  local p = io.popen("ls " .. DIR)
  for f in p:lines() do
    local n = f:match("^(.+)%.xml$")
    if n and (not only or n:find(only)) then names[#names + 1] = n end
  end
  p:close()
  return names
end

-- What an argv gives the guest: device kinds (counted), memory, cpus,
-- graphics. words: a list, or one shell-quoted line (libvirt's .args).
local function summary(words)
  local s = {devices = {}, n = 0}
  local line = type(words) == "table" and table.concat(words, " ") or words
  local function add(drv)
    if plumbing[drv] then return end
    s.devices[drv] = (s.devices[drv] or 0) + 1
    s.n = s.n + 1
  end
  for arg in line:gmatch("%-device%s+(%S+)") do
    arg = arg:gsub("^'", "")
    add(arg:match('^{"driver":"([^"]+)"') or arg:match("^([^,]+)"))
  end
  s.m = line:match("%-m%s+'?size=(%d+)") or line:match("%-m%s+(%d+)")
  s.smp = line:match("%-smp%s+(%S+)")
  s.vnc = line:find("%-vnc%s") ~= nil
  s.spice = line:find("%-spice%s") ~= nil
  return s
end

local function diff_devices(ours, theirs)
  local out = {}
  for drv, n in pairs(theirs.devices) do
    local m = ours.devices[drv] or 0
    if m < n then out[#out + 1] = "missing " .. (n - m) .. "x " .. drv end
  end
  for drv, n in pairs(ours.devices) do
    local m = theirs.devices[drv] or 0
    if m < n then out[#out + 1] = "extra " .. (n - m) .. "x " .. drv end
  end
  table.sort(out)
  return table.concat(out, "; ")
end

local function qemu_cmdline(d)
  local pid = d:pid()
  local f = pid and io.open("/proc/" .. pid .. "/cmdline", "rb")
  if not f then return nil end
  local words = {}
  for w in f:read("a"):gmatch("([^%z]*)%z") do words[#words + 1] = w end
  f:close()
  return words
end

-- The XML with the fixture paths swapped for real files: the test guest's
-- kernel and initrd, an empty ISO, and a qcow2 of the guest's own.
local function localize(name, xml)
  local disk = work .. "/" .. name .. ".qcow2"
  os.execute("qemu-img create -q -f qcow2 " .. disk .. " 64M")
  local subs = {
    vmlinuz = g.dir .. "/vmlinuz", ["initrd.img"] = g.dir .. "/initrd.img",
    ["cd.iso"] = work .. "/cd.iso", ["disk.qcow2"] = disk,
  }
  xml = xml:gsub(PREFIX:gsub("%p", "%%%0") .. "([%w%._-]+)", function(f)
    return subs[f] or (work .. "/" .. f)
  end)
  local kvm = xml:find("<domain type=[\"']kvm[\"']") ~= nil
  xml = xml:gsub("<domain type=([\"'])kvm[\"']", "<domain type=%1qemu%1", 1)
  return xml, kvm
end

-- ---- the host side the XML expects: a NAT network 'default', a bridge ----

os.execute("ip link set lo up")
os.execute("ip link add lvclbr0 type bridge && ip link set lvclbr0 up")
os.execute("truncate -s 1M " .. work .. "/cd.iso")
local default = virt.network("default")
if not default.active then default:start() end

local counts = {defined = 0, started = 0, booted = 0, matched = 0, total = 0}

local function run_one(name)
  local xml, was_kvm = localize(name, g.read(DIR .. "/" .. name .. ".xml"))
  local args = io.open(DIR .. "/" .. name .. ".args")
  local theirs = args and summary(args:read("a"))
  if args then args:close() end
  local boots = xml:find("<kernel>", 1, true) and not xml:find("firmware=", 1, true)
    and not xml:find("<loader", 1, true) and xml:find("<console", 1, true)
  counts.total = counts.total + 1

  local ok, d = pcall(virt.define_domain, xml)
  if not t.check(ok, name .. ": defines: " .. tostring(d)) then return end
  counts.defined = counts.defined + 1
  local dname = d.name
  local started, err = pcall(d.start, d)
  if t.check(started, name .. ": starts" .. (was_kvm and " (type kvm run as qemu)" or "") ..
      ": " .. tostring(err)) then
    counts.started = counts.started + 1
    t.eq(d.state, "running", name .. ": running")
    if boots then
      local up = pcall(d.wait_console, d, g.READY, 120)
      if t.check(up, name .. ": boots the test guest to its marker") then
        counts.booted = counts.booted + 1
      end
    end
    local ours = summary(qemu_cmdline(d) or {})
    if theirs then
      local dd = diff_devices(ours, theirs)
      local same = t.check(dd == "", name .. ": the -device kinds libvirt gives: " .. dd)
      same = t.eq(ours.m, theirs.m, name .. ": -m as libvirt") and same
      same = t.eq(ours.smp, theirs.smp, name .. ": -smp as libvirt") and same
      same = t.eq(ours.vnc, theirs.vnc, name .. ": -vnc as libvirt") and same
      same = t.eq(ours.spice, theirs.spice, name .. ": -spice as libvirt") and same
      if same then counts.matched = counts.matched + 1 end
    end
    d:destroy()
  end
  local undone, uerr = pcall(d.undefine, d, {nvram = true})
  t.check(undone, name .. ": undefines: " .. tostring(uerr))
  t.check(not virt.find_domain(dname), name .. ": gone after undefine")
  t.eq(g.sh("test -e " .. g.root .. "/run/qemu/" .. dname .. " && echo left"), "",
    name .. ": nothing left in its run dir")
end

t.test("client-written XML: define, start, boot, devices as libvirt's, undefine", function()
  local names = list_xml()
  t.check(#names > 0, "the corpus is there")
  -- two at a time: a TCG guest keeps one core busy, the machine has two
  local r = virt.parallel(names, run_one, {jobs = 2})
  for i, res in ipairs(r) do t.check(res.ok, names[i] .. ": " .. tostring(res.error)) end
  io.stdout:write(string.format("  clients: %d XMLs, %d define, %d start, %d boot our " ..
    "kernel, %d have libvirt's devices, -m, -smp and graphics\n", counts.total,
    counts.defined, counts.started, counts.booted, counts.matched))
end)

default:destroy()
os.execute("ip link del lvclbr0 2>/dev/null")
g.cleanup()
t.done()
