-- test_storage.lua - storage pools and volumes end to end under the test's
-- LUAVIRT_ROOT: dir pools through the CLI and the API, raw and qcow2
-- volumes, 20 independent linked clones (checked with qemu-io), resize,
-- clone, upload/download, wipe, refresh of volumes made outside luavirt,
-- bad input that changes nothing, a volume in use by a running guest, and
-- fs/logical pools on a loop device where the host has them.
local t = require("harness")
local g = require("guest")

local ROOT = assert(os.getenv("LUAVIRT_ROOT"), "LUAVIRT_ROOT")
local DIR = ROOT .. "/vmfs"

local function sh(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  return ok == true
end

local function capture(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local s = p:read("a")
  p:close()
  return s
end

-- qemu-io reads `len` bytes at `off` of an image and checks they are all `pat`
local function holds(path, fmt, pat, off, len)
  local out = capture(string.format("qemu-io -f %s -r -U -c 'read -P %d %d %d' %s",
    fmt, pat, off, len, path))
  return not out:find("Pattern verification failed", 1, true) and
    not out:find("qemu-io:", 1, true), out
end

local function file_bytes(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

t.test("default pool is made on first use", function()
  local p = virt.pool("default")
  t.eq(p.active, true, "default active")
  t.eq(p.autostart, true, "default autostart")
  t.eq(p.target, ROOT .. "/lib/images", "default target")
end)

t.test("pool-define-as, build, start, autostart, list, info (CLI)", function()
  local code, out, err = g.cli("pool-define-as vmdisk dir --target " .. DIR)
  t.eq(code, 0, "define-as: " .. err)
  t.check(out:find("Pool vmdisk defined", 1, true), out)
  t.eq((g.cli("pool-build vmdisk")), 0, "build")
  t.check(sh("test -d " .. DIR), "target made")
  t.eq((g.cli("pool-start vmdisk")), 0, "start")
  code, out = g.cli("pool-autostart vmdisk")
  t.check(out:find("Pool vmdisk marked as autostarted", 1, true), out)
  code, out = g.cli("pool-list --all")
  t.check(out:find(" Name%s+State%s+Autostart\n"), "pool-list header: " .. out)
  t.check(out:find(" vmdisk%s+active%s+yes"), "pool-list row: " .. out)
  code, out = g.cli("pool-info vmdisk")
  t.check(out:find("Name:           vmdisk\n", 1, true), out)
  t.check(out:find("State:          running\n", 1, true), out)
  t.check(out:find("Capacity:%s+%d+%.%d%d %a+\n"), "capacity line: " .. out)
  code, out = g.cli("pool-list --all --json")
  t.check(out:find('"name": *"vmdisk"'), "json: " .. out)
  local p = virt.pool("vmdisk")
  local i = p:info()
  t.eq(i.state, "active", "info state")
  t.check(i.capacity > 0 and i.available > 0, "sizes")
  t.check(p:xml():find("<path>" .. DIR .. "</path>", 1, true), "xml target")
  t.eq(virt.pool(p.uuid).name, "vmdisk", "lookup by uuid")
end)

t.test("vol-create-as raw and qcow2", function()
  local code, out, err = g.cli("vol-create-as vmdisk a.raw 64M")
  t.eq(code, 0, "raw: " .. err)
  t.check(out:find("Vol a.raw created", 1, true), out)
  code, out, err = g.cli("vol-create-as vmdisk b.qcow2 128M --format qcow2")
  t.eq(code, 0, "qcow2: " .. err)
  local p = virt.pool("vmdisk")
  local a, b = p:volume("a.raw"):info(), p:volume("b.qcow2"):info()
  t.eq(a.format, "raw", "raw format")
  t.eq(a.capacity, 64 * 1024 * 1024, "raw capacity")
  t.check(a.allocation < a.capacity, "raw is sparse")
  t.eq(b.format, "qcow2", "qcow2 format")
  t.eq(b.capacity, 128 * 1024 * 1024, "qcow2 capacity")
  code, out = g.cli("vol-info b.qcow2 --pool vmdisk")
  t.check(out:find("Capacity:       128.00 MiB", 1, true), out)
  code, out = g.cli("vol-list vmdisk")
  t.check(out:find(" a.raw%s+" .. DIR:gsub("%p", "%%%0") .. "/a.raw"), out)
  code, out = g.cli("vol-path --pool vmdisk a.raw")
  t.eq(out:match("^[^\n]*"), DIR .. "/a.raw", "vol-path")
  code, out = g.cli("vol-pool " .. DIR .. "/a.raw")
  t.eq(out:match("^[^\n]*"), "vmdisk", "vol-pool")
  t.check(g.cli("vol-dumpxml b.qcow2 --pool vmdisk") == 0, "dumpxml")
end)

t.test("20 linked clones of one base, each independent", function()
  local p = virt.pool("vmdisk")
  local base = p:create_volume{name = "base.qcow2", capacity = "64M", format = "qcow2"}
  t.check(sh(string.format("qemu-io -f qcow2 -c 'write -P 17 0 1M' %s", base.path)),
    "pattern into base")
  for i = 1, 20 do
    p:create_volume{name = ("c%02d.qcow2"):format(i), capacity = "64M", format = "qcow2",
      backing = "base.qcow2", backing_format = "qcow2"}
  end
  t.eq(#p:volumes(), 23, "volumes: a.raw, b.qcow2, base and 20 clones")
  local c5 = p:volume("c05.qcow2"):info()
  t.eq(c5.backing, base.path, "backing path")
  t.eq(c5.backing_format, "qcow2", "backing format")
  t.check(holds(c5.path, "qcow2", 17, 0, 1048576), "clone sees the base's data")
  t.check(sh(string.format("qemu-io -f qcow2 -c 'write -P 99 0 64k' %s", c5.path)),
    "write into c05")
  t.check(holds(c5.path, "qcow2", 99, 0, 65536), "c05 has its write")
  t.check(holds(base.path, "qcow2", 17, 0, 1048576), "base unchanged")
  t.check(holds(p:volume("c06.qcow2").path, "qcow2", 17, 0, 1048576), "c06 unchanged")
  t.raises("busy", {"base.qcow2", "backing file"}, function() base:delete() end)
  t.check(sh("test -f " .. base.path), "base still there")
  for i = 1, 20 do p:volume(("c%02d.qcow2"):format(i)):delete() end
  t.eq(select(2, base:delete()), DIR .. "/base.qcow2", "delete names the file")
end)

t.test("resize grows; shrink refused unless asked", function()
  local v = virt.pool("vmdisk"):volume("b.qcow2")
  local code, out = g.cli("vol-resize b.qcow2 256M --pool vmdisk")
  t.eq(code, 0, "grow")
  t.check(out:find("Size of volume 'b.qcow2' successfully changed to 256M", 1, true), out)
  t.eq(v.capacity, 256 * 1024 * 1024, "grown")
  local err
  code, out, err = g.cli("vol-resize b.qcow2 64M --pool vmdisk")
  t.eq(code, 1, "shrink refused")
  t.check(err:find("use --shrink", 1, true), err)
  t.eq(v.capacity, 256 * 1024 * 1024, "unchanged")
  v:resize("128M", {shrink = true})
  t.eq(v.capacity, 128 * 1024 * 1024, "shrunk when asked")
end)

t.test("clone, upload/download round trip, wipe", function()
  local p = virt.pool("vmdisk")
  local a = p:volume("a.raw")
  local data = {}
  for i = 1, 300000 do data[i] = string.char((i * 7) % 251) end
  data = table.concat(data)
  local src, dst = ROOT .. "/up.bin", ROOT .. "/down.bin"
  g.write(src, data)
  local calls = 0
  a:upload(src, {progress = function(done, total) calls = calls + 1 end})
  t.check(calls > 0, "upload progress")
  a:download(dst, {length = #data})
  t.check(file_bytes(dst) == data, "download gives back the uploaded bytes")
  local code, _, err = g.cli("vol-download a.raw " .. dst .. " --pool vmdisk --offset 1000 --length 5000")
  t.eq(code, 0, "cli download: " .. err)
  t.check(file_bytes(dst) == data:sub(1001, 6000), "offset/length")
  local pcts = {}
  local c = a:clone("a-copy.raw", {progress = function(d, tot) pcts[#pcts + 1] = d end})
  t.eq(c.format, "raw", "clone format")
  t.eq(c.capacity, a.capacity, "clone capacity")
  t.check(#pcts > 0, "clone progress")
  c:download(dst, {length = #data})
  t.check(file_bytes(dst) == data, "clone has the data")
  code, _, err = g.cli("vol-clone a.raw a2.raw --pool vmdisk")
  t.eq(code, 0, "vol-clone: " .. err)
  local code2, out = g.cli("vol-wipe a-copy.raw --pool vmdisk")
  t.eq(code2, 0, "wipe")
  t.check(out:find("Vol a-copy.raw wiped", 1, true), out)
  c:download(dst, {length = #data})
  t.check(file_bytes(dst) == string.rep("\0", #data), "wiped reads zeros")
  t.eq(c.capacity, a.capacity, "wipe keeps the size")
  -- the same bytes a chunk at a time (what a remote connection carries)
  local s = a:stream{upload = true, offset = 10, length = 6}
  t.eq(s:size(), 6, "an upload stream covers length bytes")
  s:write("abc")
  s:write("def")
  t.raises("invalid", {"a.raw", "more than the 6 bytes announced"}, function() s:write("g") end)
  t.raises(nil, {"closed"}, function() s:finish() end)
  s = a:stream{offset = 8, length = 10}
  t.eq(s:read(4), data:sub(9, 10) .. "ab", "read back")
  t.eq(s:read(), "cdef" .. data:sub(17, 18), "the rest of the range")
  t.eq(s:read(), nil, "then nil")
  s:close()
  t.raises("invalid", {"do not fit"}, function()
    return a:stream{upload = true, offset = a.capacity, length = 1}
  end)
  t.raises("invalid", {"length"}, function() return a:stream{upload = true} end)
end)

t.test("refresh finds a volume made outside luavirt", function()
  t.check(sh("qemu-img create -f qcow2 " .. DIR .. "/outside.qcow2 96M"), "qemu-img")
  local code = g.cli("pool-refresh vmdisk")
  t.eq(code, 0, "refresh")
  local v = virt.pool("vmdisk"):volume("outside.qcow2"):info()
  t.eq(v.format, "qcow2", "format")
  t.eq(v.capacity, 96 * 1024 * 1024, "capacity")
  t.check(v.allocation > 0, "allocation")
end)

t.test("bad input: clear errors, nothing changed", function()
  local before = g.snapshot()
  local code, _, err = g.cli("vol-list nosuch")
  t.eq(code, 1, "unknown pool")
  t.check(err:find("pool 'nosuch'", 1, true), err)
  t.raises("no-pool", {"nosuch"}, function() virt.pool("nosuch") end)
  t.raises("exists", {"a.raw", "already exists"}, function()
    virt.pool("vmdisk"):create_volume{name = "a.raw", capacity = "1M"}
  end)
  t.raises("no-volume", {"nosuch.img"}, function() virt.pool("vmdisk"):volume("nosuch.img") end)
  t.raises("invalid", {"smaller"}, function()
    virt.pool("vmdisk"):volume("a.raw"):resize("1M")
  end)
  g.write(ROOT .. "/afile", "x")
  code, _, err = g.cli("pool-define-as filepool dir --target " .. ROOT .. "/afile")
  t.eq(code, 1, "target is a file")
  t.check(err:find("not a directory", 1, true), err)
  t.raises("no-volume", {"backing"}, function()
    virt.pool("vmdisk"):create_volume{name = "x.qcow2", capacity = "1M", format = "qcow2",
      backing = "missing.qcow2"}
  end)
  t.check(not sh("test -e " .. DIR .. "/x.qcow2"), "no half-made volume")
  t.raises("state", {"active"}, function() virt.pool("vmdisk"):delete() end)
  t.check(g.same_snapshot(before, g.snapshot()), "state dir unchanged")
  -- a target that turned into a file after the define: build and start refused
  local p = virt.define_pool{name = "laterfile", type = "dir", target = {path = ROOT .. "/laterfile"}}
  g.write(ROOT .. "/laterfile", "x")
  before = g.snapshot()
  t.raises("invalid", {"laterfile", "not a directory"}, function() p:build() end)
  code, _, err = g.cli("pool-start laterfile")
  t.eq(code, 1, "start refused")
  t.check(err:find("error: pool 'laterfile':", 1, true) and
    err:find("not a directory", 1, true), err)
  t.eq(p.active, false, "still inactive")
  t.check(g.same_snapshot(before, g.snapshot()), "state dir unchanged")
  t.eq(file_bytes(ROOT .. "/laterfile"), "x", "the file is untouched")
  p:undefine()
end)

t.test("a volume in use by a running guest is not deleted", function()
  local f = io.open(g.dir .. "/guest-template.xml")
  if not f then return t.skip("no test guest (make guest)") end
  f:close()
  local v = virt.pool("vmdisk"):volume("b.qcow2")
  local xml = g.xml("diskuser"):gsub("</devices>", string.format(
    "  <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n" ..
    "      <source file='%s'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>\n" ..
    "  </devices>", v.path), 1)
  local d = virt.define_domain(xml)
  d:start()
  local before = g.snapshot()
  t.raises("busy", {"b.qcow2", "diskuser"}, function() v:delete() end)
  t.raises("busy", {"diskuser"}, function() v:wipe() end)
  t.raises("busy", {"diskuser"}, function() v:stream{upload = true, length = 1} end)
  local code, _, err = g.cli("vol-delete b.qcow2 --pool vmdisk")
  t.eq(code, 1, "CLI vol-delete refused")
  t.check(err:find("error: ", 1, true) and err:find("b.qcow2", 1, true) and
    err:find("'diskuser'", 1, true), "the error names the volume and the guest: " .. err)
  t.check(sh("test -f " .. v.path), "still there")
  t.check(g.same_snapshot(before, g.snapshot()), "state dir unchanged")
  t.eq(v:info().format, "qcow2", "still a working volume")
  d:destroy()
  d:undefine()
  t.eq(select(2, v:delete()), DIR .. "/b.qcow2", "deleted once the guest is gone")
end)

t.test("pool-destroy, pool-delete, pool-undefine", function()
  local p = virt.define_pool{name = "tmp", type = "dir", target = {path = ROOT .. "/tmppool"}}
  p:build()
  p:start()
  p:destroy()
  t.eq(p.active, false, "inactive")
  t.eq(select(2, p:delete()), "directory " .. ROOT .. "/tmppool", "delete names the directory")
  t.check(not sh("test -e " .. ROOT .. "/tmppool"), "directory gone")
  p:undefine()
  t.eq(virt.find_pool("tmp"), nil, "undefined")
end)

-- ---- fs and logical pools on a loop device ----

local function loop_device(size_mb)
  local img = os.tmpname()
  if not sh(string.format("truncate -s %dM %s", size_mb, img)) then return nil end
  local dev = capture("losetup -f --show " .. img):match("^(/dev/loop%d+)")
  if not dev then os.remove(img) return nil, img end
  return dev, img
end

local function free_loop(dev, img)
  if dev then sh("losetup -d " .. dev) end
  if img then os.remove(img) end
end

t.test("fs pool on a loop device", function()
  local dev, img = loop_device(64)
  if not dev then
    free_loop(nil, img)
    return t.skip("no loop devices on this host")
  end
  local ok, err = pcall(function()
    local p = virt.define_pool{name = "fsp", type = "fs", target = {path = ROOT .. "/fsp"},
      source = {devices = {dev}, format = "ext4"}}
    p:build()   -- an empty device gets a file system, like libvirt's
    p:start()
    t.check(capture("findmnt -n -o SOURCE " .. ROOT .. "/fsp"):find(dev, 1, true), "mounted")
    local v = p:create_volume{name = "d.qcow2", capacity = "16M", format = "qcow2"}
    t.eq(v.format, "qcow2", "volume on the fs")
    t.check(p:info().capacity > 0, "sizes from the mounted fs")
    v:delete()
    p:destroy()
    t.check(capture("findmnt -n " .. ROOT .. "/fsp") == "", "unmounted")
    p:delete()
    p:undefine()
  end)
  sh("umount " .. ROOT .. "/fsp")
  free_loop(dev, img)
  t.check(ok, "fs pool: " .. tostring(err))
end)

t.test("logical pool on a loop device", function()
  if not sh("command -v vgcreate") then return t.skip("lvm2 not installed") end
  local dev, img = loop_device(64)
  if not dev then
    free_loop(nil, img)
    return t.skip("no loop devices on this host")
  end
  local vg = "lvt" .. tostring(os.time() % 100000)
  local ok, err = pcall(function()
    local p = virt.define_pool{name = vg, type = "logical",
      source = {devices = {dev}, name = vg}}
    p:build()
    p:start()
    t.check(p:info().capacity > 0, "vg size")
    if not sh("grep -q device-mapper /proc/devices") then
      -- the VG exists, but LVs cannot be activated without device-mapper
      t.skip("no device-mapper in this kernel: logical volumes not tested")
      p:destroy()
      t.eq(select(2, p:delete()), "volume group " .. vg, "delete names the vg")
      p:undefine()
      return
    end
    local v = p:create_volume{name = "lv1", capacity = "8M"}
    t.eq(v.path, "/dev/" .. vg .. "/lv1", "lv path")
    t.eq(v.capacity, 8 * 1024 * 1024, "lv size")
    v:resize("12M")
    t.eq(v.capacity, 12 * 1024 * 1024, "lv grown")
    t.raises("exists", {"lv1"}, function() p:create_volume{name = "lv1", capacity = "4M"} end)
    t.eq(#p:volumes(), 1, "one lv")
    v:delete()
    p:destroy()
    t.eq(select(2, p:delete()), "volume group " .. vg, "delete names the vg")
    p:undefine()
  end)
  sh("vgremove -f " .. vg)
  free_loop(dev, img)
  t.check(ok, "logical pool: " .. tostring(err))
end)

t.done()
