-- test_disk.lua - disks end to end with real QEMU under TCG: hotplug of a
-- qcow2 image seen and used inside the guest (through the test guest's
-- lv-cmd console commands), --config only changes, block info and stats,
-- resize, CD-ROM media changes, the one-writer rule between guests, and
-- undefine --remove-all-storage.
local t = require("harness")
local g = require("guest")

local READY = g.READY
local IMG = g.root .. "/img"
os.execute("mkdir -p " .. IMG)

local function qemu_img(args)
  local ok = os.execute("qemu-img " .. args .. " >/dev/null 2>&1")
  assert(ok, "qemu-img " .. args)
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- Send an lv-cmd to the guest and return its answer line (after prefix).
local ask = g.ask

local function blocks(d)
  return " " .. ask(d, "lv-cmd blocks", "LUAVIRT-BLOCKS") .. " "
end

-- The guest names disks in probe order (the first virtio disk is vda,
-- whatever its target), so a hotplugged disk is found as the new name.
local function block_set(d)
  local set = {}
  for name in blocks(d):gmatch("%S+") do
    if name ~= "LUAVIRT-BLOCKS" then set[name] = true end
  end
  return set
end

-- Ask until the guest has a block device that is not in before; its name.
local function wait_new_block(d, before)
  return t.eventually(function()
    for name in pairs(block_set(d)) do
      if not before[name] then return name end
    end
  end, 20)
end

-- Ask until dev is gone from the guest's /sys/block.
local function wait_gone(d, dev)
  return t.eventually(function() return not block_set(d)[dev] end, 20) or false
end

local function find_disk(d, target, opts)
  for _, k in ipairs(d:disks(opts)) do
    if k.target == target then return k end
  end
  return nil
end

t.test("hotplug a qcow2 disk: seen, written, read, stats, resize, detached", function()
  local img = IMG .. "/hp.qcow2"
  qemu_img("create -f qcow2 " .. img .. " 64M")
  local d = virt.define_domain(g.xml("hp"))
  d:start()
  d:wait_console(READY, 60)
  local before = block_set(d)
  d:attach_disk({source = img, target = "vdb", live = true})
  local k = find_disk(d, "vdb")
  t.check(k ~= nil, "vdb in the live definition")
  t.eq(k and k.format, "qcow2", "format detected by qemu-img")
  t.eq(k and k.source, img, "source")
  t.eq(find_disk(d, "vdb", {inactive = true}), nil, "--live only: not persistent")
  t.check(d:xml():find(img, 1, true), "dumpxml shows the disk")
  local dev = wait_new_block(d, before)
  t.check(dev ~= nil, "the guest sees a new disk in /sys/block")
  t.eq(ask(d, "lv-cmd write " .. dev .. " hello-disk", "LUAVIRT-WROTE"),
    "LUAVIRT-WROTE " .. dev .. " hello-disk", "write")
  t.eq(ask(d, "lv-cmd read " .. dev, "LUAVIRT-READ"), "LUAVIRT-READ " .. dev .. " hello-disk",
    "read back")
  -- the CLI views
  local code, out = g.cli("domblklist hp")
  t.eq(code, 0, "domblklist")
  t.check(out:find("^ Target%s+Source\n%-+\n"), "domblklist header: " .. out)
  t.check(out:find(" vdb%s+" .. img:gsub("%p", "%%%0")), "domblklist row: " .. out)
  code, out = g.cli("domblklist hp --details")
  t.check(out:find(" Type%s+Device%s+Target%s+Source") and out:find(" file%s+disk%s+vdb"),
    "domblklist --details: " .. out)
  code, out = g.cli("domblkinfo hp vdb")
  t.eq(code, 0, "domblkinfo")
  t.check(out:find("Capacity:       67108864\n", 1, true), "capacity 64 MiB: " .. out)
  t.check(out:find("Allocation:%s+%d+\nPhysical:%s+%d+\n"), "allocation/physical: " .. out)
  code, out = g.cli("domblkinfo hp vdb --human")
  t.check(out:find("Capacity:       64.000 MiB", 1, true), "--human: " .. out)
  local s = d:block_stats("vdb")
  t.check(s.wr_req >= 1 and s.wr_bytes >= 11, "writes counted: " .. s.wr_req)
  t.check(s.rd_req >= 1 and s.rd_bytes > 0, "reads counted: " .. s.rd_req)
  code, out = g.cli("domblkstat hp vdb")
  t.eq(code, 0, "domblkstat")
  t.check(out:find("^vdb rd_req %d+\nvdb rd_bytes %d+\nvdb wr_req %d+\nvdb wr_bytes %d+\n" ..
    "vdb flush_operations %d+\nvdb rd_total_times %d+\n"), "domblkstat layout: " .. out)
  code, out = g.cli("blockresize hp vdb 128M")
  t.eq(code, 0, "blockresize")
  t.eq(out, "Block device 'vdb' is resized\n\n", "blockresize message")
  t.eq(d:block_info("vdb").capacity, 128 * 1024 * 1024, "resized")
  -- detach: gone inside and out; the data stays in the image
  d:detach_disk("vdb", {live = true})
  t.eq(find_disk(d, "vdb"), nil, "vdb gone from the live definition")
  t.check(not d:xml():find(img, 1, true), "dumpxml without the disk")
  t.check(wait_gone(d, dev), "the guest lost the disk")
  code, out = g.cli("attach-disk hp " .. img .. " vdc --live")
  t.eq(code, 0, "attach-disk CLI")
  t.eq(out, "Disk attached successfully\n\n", "attach-disk message")
  dev = wait_new_block(d, before)
  t.check(dev ~= nil, "the guest sees vdc")
  t.eq(ask(d, "lv-cmd read " .. tostring(dev), "LUAVIRT-READ"),
    "LUAVIRT-READ " .. tostring(dev) .. " hello-disk", "data kept across detach/attach")
  code, out = g.cli("detach-disk hp vdc")
  t.eq(code, 0, "detach-disk CLI (current = live)")
  t.eq(out, "Disk detached successfully\n\n", "detach-disk message")
  t.raises("invalid", {"hp", "vdz"}, function() d:detach_disk("vdz", {live = true}) end)
  d:destroy()
  d:undefine()
end)

t.test("q35: a hotplugged disk goes into the spare root port; none left: a clear error", function()
  local a, b = IMG .. "/q1.qcow2", IMG .. "/q2.qcow2"
  qemu_img("create -f qcow2 " .. a .. " 16M")
  qemu_img("create -f qcow2 " .. b .. " 16M")
  local d = virt.define_domain((g.xml("hpq"):gsub("machine='pc'", "machine='q35'")))
  d:start()
  d:wait_console(READY, 60)
  local before = block_set(d)
  d:attach_disk({source = a, target = "vdb", live = true})
  t.check(wait_new_block(d, before) ~= nil, "the guest sees the disk plugged into the root port")
  -- the one spare port is taken now
  t.raises("busy", {"hpq", "no free PCIe root port"}, function()
    d:attach_disk({source = b, target = "vdc", live = true})
  end)
  t.eq(find_disk(d, "vdc"), nil, "the failed hotplug left no disk behind")
  d:detach_disk("vdb", {live = true})
  t.eq(find_disk(d, "vdb"), nil, "detached")
  d:destroy()
  d:undefine()
end)

t.test("--config only changes the definition; errors change nothing", function()
  local img = IMG .. "/cfg.raw"
  qemu_img("create -f raw " .. img .. " 8M")
  local d = virt.define_domain(g.xml("cfg"))
  d:start()
  d:wait_console(READY, 60)
  local code, out = g.cli("attach-disk cfg " .. img .. " vdb --config --subdriver raw")
  t.eq(code, 0, "attach --config")
  t.eq(find_disk(d, "vdb"), nil, "not live")
  t.eq(find_disk(d, "vdb", {inactive = true}).source, img, "persistent")
  t.check(next(block_set(d)) == nil, "the guest has no disk")
  t.raises("exists", {"cfg", "vdb"}, function()
    d:attach_disk({source = img, target = "vdb", config = true})
  end)
  local snap = g.snapshot()
  t.raises("invalid", {"nope.qcow2"}, function()
    d:attach_disk({source = IMG .. "/nope.qcow2", target = "vdc", live = true})
  end)
  t.raises("unsupported", {"ide"}, function()
    d:attach_disk({source = img, target = "hdb", format = "raw", live = true})
  end)
  t.check(g.same_snapshot(snap, g.snapshot()), "failed attaches changed nothing")
  t.eq(find_disk(d, "vdc"), nil, "nothing live")
  d:detach_disk("vdb", {config = true})
  t.eq(find_disk(d, "vdb", {inactive = true}), nil, "detached from the config")
  d:destroy()
  -- shut off: the default scope is the config
  d:attach_disk({source = img, target = "vdb", format = "raw"})
  t.check(find_disk(d, "vdb") ~= nil, "current scope on a shut off guest = config")
  t.raises("state", {"cfg", "not running"}, function()
    d:detach_disk("vdb", {live = true})
  end)
  d:undefine()
end)

t.test("change-media on a cdrom", function()
  local iso1, iso2 = IMG .. "/one.iso", IMG .. "/two.iso"
  qemu_img("create -f raw " .. iso1 .. " 1M")
  qemu_img("create -f raw " .. iso2 .. " 2M")
  local d = virt.define_domain(g.xml("cd"))
  d:attach_disk({target = "hdc", device = "cdrom", bus = "ide", config = true})
  d:start()
  d:wait_console(READY, 60)
  local function inserted()
    for _, b in ipairs(d:qmp("query-block")) do
      if b.qdev == "disk-hdc" or (b.qdev or ""):find("disk%-hdc") then
        return b.inserted and b.inserted.file or false
      end
    end
    return nil
  end
  t.eq(inserted(), false, "empty at start")
  local code, out = g.cli("change-media cd hdc " .. iso1 .. " --insert")
  t.eq(code, 0, "insert")
  t.eq(out, "Successfully inserted media.\n\n", "insert message")
  t.eq(inserted(), iso1, "QEMU has the medium")
  t.eq(find_disk(d, "hdc").source, iso1, "live XML source")
  code, out = g.cli("change-media cd hdc " .. iso2 .. " --insert")
  t.eq(code, 1, "insert over a medium refused")
  code, out = g.cli("change-media cd hdc " .. iso2 .. " --update")
  t.eq(out, "Successfully updated media.\n\n", "update")
  t.eq(inserted(), iso2, "QEMU has the new medium")
  t.eq(d:block_info("hdc").capacity, 2 * 1024 * 1024, "its size")
  code, out = g.cli("change-media cd hdc --eject")
  t.eq(out, "Successfully ejected media.\n\n", "eject")
  t.eq(inserted(), false, "QEMU has no medium")
  t.eq(find_disk(d, "hdc").source, nil, "live XML: empty")
  -- update-device with a <disk> element
  local xml = IMG .. "/cd.xml"
  g.write(xml, "<disk type='file' device='cdrom'><source file='" .. iso1 ..
    "'/><target dev='hdc' bus='ide'/><readonly/></disk>")
  code, out = g.cli("update-device cd " .. xml .. " --live --config")
  t.eq(code, 0, "update-device")
  t.eq(inserted(), iso1, "medium from update-device")
  t.eq(find_disk(d, "hdc", {inactive = true}).source, iso1, "persistent too")
  t.raises("invalid", {"vdq"}, function() d:change_media("vdq", iso1) end)
  d:destroy()
  d:undefine()
end)

t.test("two guests and one writable disk: refused, unless shareable", function()
  local img = IMG .. "/shared.raw"
  qemu_img("create -f raw " .. img .. " 8M")
  local a = virt.define_domain(g.xml("sa"))
  local b = virt.define_domain(g.xml("sb"))
  a:attach_disk({source = img, target = "vdb", format = "raw"})
  b:attach_disk({source = img, target = "vdb", format = "raw"})
  a:start()
  local _, err = t.raises("busy", {"sb", "'sa'", img}, function() b:start() end)
  t.eq(b.state, "shut off", "the second guest did not start")
  local code, _, eout = g.cli("start sb")
  t.eq(code, 1, "CLI start refused")
  t.check(eout:find("domain 'sa'", 1, true), "CLI error names the first guest: " .. eout)
  -- hotplugging it into the running second guest is refused the same way
  b:detach_disk("vdb", {config = true})
  b:start()
  t.raises("busy", {"'sa'", img}, function()
    b:attach_disk({source = img, target = "vdb", format = "raw", live = true})
  end)
  b:destroy()
  a:destroy()
  -- shareable on both (SCSI, which QEMU opens with share-rw)
  a:detach_disk("vdb", {config = true})
  for _, d in ipairs({a, b}) do
    d:attach_disk({source = img, target = "sdb", bus = "scsi", format = "raw",
      shareable = true})
  end
  a:start()
  b:start()
  t.eq(a.state, "running", "first shareable guest runs")
  t.eq(b.state, "running", "second shareable guest runs")
  a:destroy()
  b:destroy()
  -- readonly on both
  for _, d in ipairs({a, b}) do
    d:detach_disk("sdb")
    d:attach_disk({source = img, target = "vdb", format = "raw", readonly = true})
  end
  a:start()
  b:start()
  t.eq(b.state, "running", "two readonly users")
  a:destroy()
  b:destroy()
  a:undefine()
  b:undefine()
  local _ = err
end)

t.test("undefine --remove-all-storage removes exactly the guest's images", function()
  local a, b, shared, other = IMG .. "/rm-a.qcow2", IMG .. "/rm-b.raw",
    IMG .. "/rm-shared.raw", IMG .. "/unrelated.raw"
  qemu_img("create -f qcow2 " .. a .. " 8M")
  qemu_img("create -f raw " .. b .. " 8M")
  qemu_img("create -f raw " .. shared .. " 8M")
  qemu_img("create -f raw " .. other .. " 8M")
  local d = virt.define_domain(g.xml("rm"))
  d:attach_disk({source = a, target = "vda"})
  d:attach_disk({source = b, target = "vdb"})
  d:attach_disk({source = shared, target = "vdc", readonly = true})
  local o = virt.define_domain(g.xml("keeper"))
  o:attach_disk({source = shared, target = "vda", readonly = true})
  local code, out, eout = g.cli("undefine rm --remove-all-storage")
  t.eq(code, 1, "refused: an image is shared")
  t.check(eout:find("'keeper'", 1, true) and eout:find(shared, 1, true),
    "error names the other guest and the path: " .. eout)
  t.check(virt.find_domain("rm") ~= nil, "still defined")
  t.check(exists(a) and exists(b) and exists(shared), "nothing removed")
  d:detach_disk("vdc")
  d:start()
  t.raises("state", {"rm", "running"}, function() d:undefine_storage() end)
  d:destroy()
  code, out, eout = g.cli("undefine rm --remove-all-storage")
  t.eq(code, 0, "undefine --remove-all-storage: " .. eout)
  t.eq(out, "Domain 'rm' has been undefined\nVolume 'vda'(" .. a .. ") removed.\n" ..
    "Volume 'vdb'(" .. b .. ") removed.\n\n", "virsh's messages")
  t.eq(virt.find_domain("rm"), nil, "undefined")
  t.check(not exists(a) and not exists(b), "its images are gone")
  t.check(exists(shared) and exists(other), "other images stay")
  o:undefine()
end)

t.test("undefine --remove-all-storage deletes a pool volume through its pool", function()
  local pdir = IMG .. "/pool"
  local code, _, eout = g.cli("pool-define-as dp dir --target " .. pdir)
  t.eq(code, 0, "pool-define-as: " .. eout)
  assert(g.cli("pool-build dp") == 0 and g.cli("pool-start dp") == 0, "pool start")
  code, _, eout = g.cli("vol-create-as dp pv.qcow2 8M --format qcow2")
  t.eq(code, 0, "vol-create-as: " .. eout)
  local vol = pdir .. "/pv.qcow2"
  local d = virt.define_domain(g.xml("pv"))
  d:attach_disk({source = vol, target = "vda"})
  local out
  code, out, eout = g.cli("undefine pv --remove-all-storage")
  t.eq(code, 0, "undefine: " .. eout)
  t.check(out:find("Volume 'vda'(" .. vol .. ") removed.", 1, true), out)
  t.check(not exists(vol), "volume file gone")
  code, out = g.cli("vol-list dp")
  t.check(not out:find("pv.qcow2", 1, true), "the pool no longer lists it: " .. out)
end)

g.cleanup()
t.done()
