-- demo.lua - the `make demo` recipe: starts the default NAT network,
-- provisions a few busybox test guests on it under TCG, waits until each
-- has booted and got its address by DHCP, prints a table of name, state
-- and IP, then shuts them down with the ACPI power button and undefines
-- them (and stops the network if it started it).
-- Usage: luavirt lua/recipes/demo.lua GUEST_DIR [COUNT]
local guest_dir = assert(arg[1], "usage: demo.lua GUEST_DIR [COUNT]")
local count = tonumber(arg[2] or "3")
local READY = "LUAVIRT-GUEST-READY"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function abspath(p)
  if p:sub(1, 1) == "/" then return p end
  local h = io.popen("pwd")
  local cwd = h:read("l")
  h:close()
  return cwd .. "/" .. p
end

guest_dir = abspath(guest_dir)
local template = read(guest_dir .. "/guest-template.xml")

local function xml_for(name)
  local subs = {
    NAME = name, KERNEL = guest_dir .. "/vmlinuz",
    INITRD = guest_dir .. "/initrd.img", MEMORY = "128",
    CMDLINE = "lv.dhcp=1 lv.marker=hello-from-" .. name,
  }
  local nic = "<interface type='network'><source network='default'/>" ..
    "<model type='virtio'/></interface>\n  </devices>"
  return (template:gsub("@(%u+)@", subs):gsub("</devices>", nic))
end

print(string.format("luavirt %s on %s (%s)", virt.VERSION, virt.hostname(), virt.uri()))
local caps = virt.capabilities()
print(string.format("QEMU %s; KVM: %s", caps.qemu.version,
  caps.kvm.usable and "usable" or ("not used: " .. (caps.kvm.reason or "?"))))

local net = virt.network("default")
local started_net = not net.active
if started_net then net:start() end
print(string.format("network 'default' active on %s", net.bridge))

-- leftovers of an interrupted demo are ours to clear
for i = 1, count do
  local old = virt.find_domain("demo-" .. i)
  if old then
    if old.active then old:destroy() end
    if old.persistent then old:undefine() end
  end
end

local doms, t0 = {}, os.time()
for i = 1, count do
  local d = virt.define_domain(xml_for("demo-" .. i))
  d:set_description("luavirt demo guest")
  d:start()
  doms[#doms + 1] = d
  print(string.format("started %s (id %d, pid %d)", d.name, d.id, d:pid()))
end

print("waiting for the guests to boot (TCG) and get their addresses...")
local ips = {}
for _, d in ipairs(doms) do
  d:wait_console(READY, 120)
  d:wait_console("hello-from-" .. d.name, 30)
  d:wait_console("LUAVIRT-IP", 90)
  local a = d:addresses{source = "lease"}[1]
  ips[d.name] = a and (a.addr .. "/" .. a.prefix) or "-"
end
print(string.format("all %d guests booted in %d s\n", #doms, os.time() - t0))

print(string.format(" %-8s %-9s %s", "Name", "State", "IP"))
print(" " .. string.rep("-", 36))
for _, d in ipairs(doms) do
  print(string.format(" %-8s %-9s %s", d.name, d.state, ips[d.name]))
end

print("\nshutting down (ACPI power button)...")
for _, d in ipairs(doms) do d:shutdown() end
for _, d in ipairs(doms) do
  d:wait{state = "shut off", timeout = 60}
  local state, reason = d:state_reason()
  print(string.format("%-8s %s (%s)", d.name, state, reason))
  d:undefine()
end
if started_net then net:destroy() end
print("demo done")
