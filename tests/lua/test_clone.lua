-- test_clone.lua - clone (virt-clone's job) end to end under TCG, in a
-- network namespace of its own: a full and a linked clone of a guest with a
-- qcow2 disk and a NIC on a NAT network each boot with a new uuid and MAC,
-- get their own DHCP lease, write to their own disk and leave the
-- original's image unchanged; errors change nothing; the CLI as virt-clone.
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")

local IMG = g.root .. "/clone-img"
os.execute("mkdir -p " .. IMG)

local function sum(path)
  return g.sh("md5sum " .. path):match("^(%x+)")
end

local function files()
  return g.sh("ls " .. IMG)
end

local net = virt.network("default")
if not net.active then net:start() end

-- The original: a qcow2 disk and a NIC on 'default'; the guest asks DHCP.
local function original(name)
  local disk = IMG .. "/" .. name .. ".qcow2"
  g.sh("qemu-img create -q -f qcow2 " .. disk .. " 32M")
  local x = g.xml(name, {cmdline = "lv.dhcp=1 lv.hostname=" .. name})
  x = x:gsub("</devices>", string.format([[
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
  <source file='%s'/><target dev='vda' bus='virtio'/></disk>
<interface type='network'><mac address='52:54:00:c1:00:01'/><source network='default'/>
  <model type='virtio'/></interface>
</devices>]], disk), 1)
  return virt.define_domain(x), disk
end

local function guest_ip(d)
  return g.line(d, "LUAVIRT-IP ", 0, 90):match("^LUAVIRT%-IP (%S+)")
end

local function mac_of(d)
  return d:xml{inactive = true}:match("<mac address='([%x:]+)'")
end

t.test("full and linked clones boot with their own uuid, MAC, lease and disk", function()
  local o, disk = original("orig")
  local before = sum(disk)
  local seen = {}
  local full = o:clone{name = "copy1", auto = true, progress = function(target, pct)
    seen[target] = pct
  end}
  t.eq(full.name, "copy1", "the clone's name")
  t.check(seen.vda ~= nil, "progress reported for vda")
  local linked = o:clone{name = "copy2", auto = true, linked = true}
  t.check(full.uuid ~= o.uuid and linked.uuid ~= o.uuid and full.uuid ~= linked.uuid,
    "new uuids")
  t.check(mac_of(full) ~= mac_of(o) and mac_of(linked) ~= mac_of(o) and
    mac_of(full) ~= mac_of(linked), "new MACs: " .. mac_of(full) .. " " .. mac_of(linked))
  local src1 = full:xml():match("<source file='([^']+)'")
  local src2 = linked:xml():match("<source file='([^']+)'")
  t.eq(src1, IMG .. "/copy1.qcow2", "the copy is named after the clone")
  t.eq(src2, IMG .. "/copy2.qcow2", "the overlay is named after the clone")
  t.check(g.sh("qemu-img info " .. src2):find("backing file: " .. disk, 1, true),
    "the linked clone's image is backed by the original")
  t.check(not g.sh("qemu-img info " .. src1):find("backing file", 1, true),
    "the full copy stands alone")
  local ips = {}
  for _, d in ipairs({full, linked}) do
    d:start()
    ips[#ips + 1] = guest_ip(d)
    t.check(ips[#ips] ~= nil, d.name .. " got a lease")
    t.eq(g.ask(d, "lv-cmd write vda " .. d.name .. "-data", "LUAVIRT-WROTE"),
      "LUAVIRT-WROTE vda " .. d.name .. "-data", d.name .. " writes its own disk")
  end
  t.check(ips[1] and ips[2] and ips[1] ~= ips[2], "distinct leases: " ..
    tostring(ips[1]) .. " " .. tostring(ips[2]))
  full:destroy()
  linked:destroy()
  t.eq(sum(disk), before, "the original's image is unchanged")
  linked:undefine()
  full:undefine()
  o:undefine()
end)

t.test("errors name the cause and make nothing", function()
  local o = original("orig2")
  local snap = files()
  t.raises("invalid", {"orig2", "vda", "--auto-clone"}, function() o:clone{name = "c1"} end)
  t.raises("exists", {"orig2", "already exists"}, function()
    o:clone{name = "orig2", auto = true}
  end)
  t.raises("invalid", {"vda", "cannot be the original"}, function()
    o:clone{name = "c2", files = {IMG .. "/orig2.qcow2"}}
  end)
  t.raises("invalid", {"2 --file paths for 1 disks"}, function()
    o:clone{name = "c3", files = {IMG .. "/a.qcow2", IMG .. "/b.qcow2"}}
  end)
  g.sh("touch " .. IMG .. "/taken.qcow2")
  t.raises("exists", {"vda", "taken.qcow2", "already exists"}, function()
    o:clone{name = "c4", files = {IMG .. "/taken.qcow2"}}
  end)
  os.remove(IMG .. "/taken.qcow2")
  t.raises("invalid", {"unknown key", "bogus"}, function() o:clone{name = "c5", bogus = 1} end)
  o:start()
  t.raises("state", {"orig2", "running", "shut it down"}, function()
    o:clone{name = "c6", auto = true}
  end)
  o:destroy()
  t.eq(files(), snap, "no file made")
  for _, n in ipairs({"c1", "c2", "c3", "c4", "c5", "c6"}) do
    t.eq(virt.find_domain(n), nil, n .. " not defined")
  end
  -- dry run: the XML, nothing made
  local xml = o:clone{name = "c7", auto = true, dry_run = true}
  t.check(xml:find("<name>c7</name>", 1, true) and xml:find(IMG .. "/c7.qcow2", 1, true),
    "dry run gives the clone's XML")
  t.eq(files(), snap, "dry run made no file")
  t.eq(virt.find_domain("c7"), nil, "dry run defined nothing")
  o:undefine()
end)

t.test("a guest written by virsh dumpxml is cloned and the clone boots with its own lease", function()
  -- tests/data/clients/dump-kb-os-debian11.xml: what `virsh dumpxml` gave
  -- for a virt-install guest (q35, its PCIe root ports, a virtio NIC on
  -- 'default'); its fixture paths swapped for the test guest's kernel and a
  -- qcow2 of its own
  local f = io.open("tests/data/clients/dump-kb-os-debian11.xml")
  if not f then return t.skip("no tests/data/clients (run from the repository)") end
  local xml = f:read("a")
  f:close()
  local disk = IMG .. "/moved.qcow2"
  g.sh("qemu-img create -q -f qcow2 " .. disk .. " 32M")
  xml = xml:gsub("<name>[^<]+</name>", "<name>moved</name>", 1)
    :gsub("/var/tmp/luavirt%-clients/disk%.qcow2", disk)
    :gsub("/var/tmp/luavirt%-clients/vmlinuz", g.dir .. "/vmlinuz")
    :gsub("/var/tmp/luavirt%-clients/initrd%.img", g.dir .. "/initrd.img")
    :gsub("<cmdline>console=ttyS0</cmdline>", "<cmdline>console=ttyS0 lv.dhcp=1</cmdline>")
  os.execute("ip link set lo up")   -- its VNC listens on 127.0.0.1 (our netns)
  local o = virt.define_domain(xml)
  local code, out, err = g.cli("clone -o moved -n moved2 --auto-clone")
  t.eq(code, 0, "luavirt clone of the virsh guest: " .. err .. out)
  local c = virt.domain("moved2")
  t.check(c.uuid ~= o.uuid and mac_of(c) ~= mac_of(o), "new uuid and MAC")
  t.check(c:xml():find("<model type='virtio'/>", 1, true), "the NIC model kept")
  c:start()
  local ok, ip = pcall(guest_ip, c)
  c:destroy()
  t.check(ok and ip and ip:match("^192%.168%.122%."), "the clone boots and gets a lease: " ..
    tostring(ip))
  c:undefine_storage{}
  o:undefine()
end)

t.test("luavirt clone: virt-clone's options and messages; the recipe module", function()
  original("orig3")
  local code, out, err = g.cli("clone -o orig3 -n c8 --auto-clone")
  t.eq(code, 0, "clone --auto-clone: " .. err)
  t.check(out:find("Clone 'c8' created successfully.", 1, true), out)
  code, out, err = g.cli("clone --original orig3 --name c9 --file " .. IMG .. "/nine.qcow2")
  t.eq(code, 0, "clone --file: " .. err)
  t.check(virt.domain("c9"):xml():find(IMG .. "/nine.qcow2", 1, true), "the given path")
  code, out, err = g.cli("clone -o orig3 -n c10")
  t.check(code ~= 0 and err:find("--auto-clone", 1, true), "no path: " .. err)
  code, out = g.cli("clone -o orig3 -n c11 --auto-clone --print-xml")
  t.check(out:find("<name>c11</name>", 1, true), "--print-xml: " .. out)
  t.eq(virt.find_domain("c11"), nil, "--print-xml defines nothing")
  local clone = require("recipes.clone")
  local d = clone{original = "orig3", name = "c12", auto = true, linked = true}
  t.eq(d.name, "c12", "require('recipes.clone') makes the clone")
  t.raises("invalid", {"original"}, function() clone{name = "c13"} end)
  for _, n in ipairs({"c8", "c9", "c12", "orig3"}) do virt.domain(n):undefine() end
end)

net:destroy()
g.cleanup()
t.done()
