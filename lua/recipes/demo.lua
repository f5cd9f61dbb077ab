-- demo.lua - the `make demo` recipe: starts the default NAT network, makes
-- a template guest (the busybox test guest with a qcow2 disk in a pool of
-- its own), batch-provisions COUNT linked clones of it side by side under
-- TCG (recipes.batch), each with a cloud-init seed naming its host, waits
-- for each one's DHCP address and prints a table. Then it shuts them down
-- and removes everything it made, unless DEMO_KEEP=1 (it then says how to).
-- Usage: luavirt lua/recipes/demo.lua GUEST_DIR [COUNT]
local batch = require("recipes.batch")

local guest_dir = assert(arg[1], "usage: demo.lua GUEST_DIR [COUNT]")
local count = tonumber(arg[2] or "3")
local keep = os.getenv("DEMO_KEEP") == "1"
local IMAGES = "/var/tmp/luavirt-demo"

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

print(string.format("luavirt %s on %s (%s)", virt.VERSION, virt.hostname(), virt.uri()))
local caps = virt.capabilities()
print(string.format("QEMU %s; KVM: %s", caps.qemu.version,
  caps.kvm.usable and "usable" or ("not used: " .. (caps.kvm.reason or "?"))))

local net = virt.network("default")
local started_net = not net.active
if started_net then net:start() end
print(string.format("network 'default' active on %s", net.bridge))

-- leftovers of an interrupted demo are ours to clear
batch.undefine{name = "demo-*", storage = true}
local old_tpl = virt.find_domain("demobase")
if old_tpl then old_tpl:undefine_storage{} end
local old_pool = virt.find_pool("demo")
if old_pool then
  if old_pool.active then old_pool:destroy() end
  old_pool:undefine()
end

-- the template: the test guest (kernel + initrd) with a disk in a pool
os.execute("mkdir -p " .. IMAGES)
local pool = virt.define_pool{name = "demo", type = "dir", target = {path = IMAGES}}
pool:start()
local disk = pool:create_volume{name = "demobase.qcow2", capacity = "32M", format = "qcow2"}
local tpl_xml = read(guest_dir .. "/guest-template.xml"):gsub("@(%u+)@", {
  NAME = "demobase", KERNEL = guest_dir .. "/vmlinuz", INITRD = guest_dir .. "/initrd.img",
  MEMORY = "128", CMDLINE = "lv.dhcp=1",
}):gsub("</devices>", string.format([[
  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
    <source file='%s'/><target dev='vda' bus='virtio'/></disk>
  <interface type='network'><source network='default'/><model type='virtio'/></interface>
  </devices>]], disk.path))
local tpl = virt.define_domain(tpl_xml)

print(string.format("provisioning %d linked clones of %s, side by side (TCG)...", count,
  tpl.name))
local t0 = os.time()
local rows = batch.provision{template = tpl, count = count, prefix = "demo-", jobs = count,
  cloud_init = true, timeout = 180, progress = function(row)
    print(string.format("  %s %s", row.name,
      row.error and ("failed: " .. row.error) or ("ready at " .. tostring(row.ip))))
  end}
print(string.format("all %d guests up in %d s\n", #rows, os.time() - t0))

print(string.format(" %-8s %-9s %-16s %s", "Name", "State", "IP", "Ready after"))
print(" " .. string.rep("-", 48))
for _, r in ipairs(rows) do
  print(string.format(" %-8s %-9s %-16s %d s", r.name, r.state or "-", r.ip or "-",
    r.seconds or 0))
end

if keep then
  print("\nDEMO_KEEP=1: the guests keep running. Remove them (and the template) with:")
  print("  luavirt batch undefine --name 'demo-*' --remove-all-storage")
  print("  luavirt undefine demobase --remove-all-storage ; luavirt pool-destroy demo ; " ..
    "luavirt pool-undefine demo")
  return
end

print("\nshutting down (ACPI power button), then removing what the demo made...")
for _, r in ipairs(batch.shutdown{name = "demo-*", timeout = 90}) do
  local d = virt.find_domain(r.name)
  print(string.format("  %-8s %s%s", r.name, d and d.state or "-",
    r.error and (" (" .. r.error .. ")") or ""))
end
batch.undefine{name = "demo-*", storage = true}
tpl:undefine_storage{}
pool:destroy()
pool:undefine()
os.remove(IMAGES)
if started_net then net:destroy() end
print("demo done")
