-- test_confine.lua - QEMU confined as libvirt confines it (issue 11, defect
-- 2): a system-scope guest's QEMU runs as luavirt-qemu with no
-- capabilities, no-new-privs and QEMU's seccomp sandbox; its images are
-- handed over by ownership and given back at stop, even after a crash; the
-- paths it is given are resolved once and checked (/etc, /proc, /sys,
-- /dev, /boot, another guest's image, a backing file nobody named).
local t = require("harness")
local g = require("guest")

local READY = g.READY
local IMG = g.root .. "/img"
os.execute("mkdir -p " .. IMG)

if g.sh("id -u"):match("%d+") ~= "0" then
  t.skip("confinement needs root (system scope)")
  return t.done()
end

local function sh_ok(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  assert(ok, cmd)
end

local function owner(path)
  return (g.sh("stat -c %u:%g " .. path):match("^(%d+:%d+)"))
end

-- The fields of /proc/PID/status a confinement is measured by.
local function status(pid)
  local s = g.read("/proc/" .. pid .. "/status")
  local r = {}
  for _, k in ipairs{"Uid", "Gid", "CapEff", "CapPrm", "CapBnd", "CapAmb",
                     "NoNewPrivs", "Seccomp"} do
    r[k] = s:match("\n" .. k .. ":%s+([^\n]*)")
  end
  return r
end

local function qemu_pid(name)
  local pids = g.qemu_pids(name)
  t.eq(#pids, 1, "one QEMU for " .. name)
  return pids[1]
end

-- A defined guest with the disk img (qcow2) as vda.
local function guest_with_disk(name, img)
  local d = virt.define_domain(g.xml(name))
  d:attach_disk({source = img, target = "vda", format = "qcow2", config = true})
  return d
end

t.test("system-scope QEMU runs as luavirt-qemu: no caps, no-new-privs, seccomp", function()
  local img = IMG .. "/conf.qcow2"
  sh_ok("qemu-img create -q -f qcow2 " .. img .. " 32M")
  sh_ok("chown 1234:2345 " .. img .. " && chmod 600 " .. img)
  local d = guest_with_disk("conf", img)
  d:start()
  d:wait_console(READY, 90)
  local uid = g.sh("id -u luavirt-qemu"):match("%d+")
  local gid = g.sh("id -g luavirt-qemu"):match("%d+")
  t.check(uid and uid ~= "0", "user luavirt-qemu exists, not root: " .. tostring(uid))
  local st = status(qemu_pid("conf"))
  t.eq(st.Uid, string.format("%s\t%s\t%s\t%s", uid, uid, uid, uid), "Uid: all four luavirt-qemu")
  t.eq(st.Gid, string.format("%s\t%s\t%s\t%s", gid, gid, gid, gid), "Gid: all four luavirt-qemu")
  t.eq(st.CapEff, "0000000000000000", "CapEff 0")
  t.eq(st.CapPrm, "0000000000000000", "CapPrm 0")
  t.eq(st.CapBnd, "0000000000000000", "CapBnd 0: the bounding set dropped")
  t.eq(st.CapAmb, "0000000000000000", "CapAmb 0")
  t.eq(st.NoNewPrivs, "1", "NoNewPrivs 1")
  t.eq(st.Seccomp, "2", "Seccomp 2 (filter)")
  local cmd = g.read("/proc/" .. qemu_pid("conf") .. "/cmdline")
  t.check(cmd:find("-sandbox\0on,obsolete=deny,elevateprivileges=deny,spawn=deny," ..
    "resourcecontrol=deny\0", 1, true), "-sandbox on,... in QEMU's argv")
  -- the image is QEMU's while it runs, and its owner's again after
  t.eq(owner(img), uid .. ":" .. gid, "image handed to luavirt-qemu")
  t.check(g.ask(d, "lv-cmd blocks", "LUAVIRT-BLOCKS"):find("vda", 1, true), "guest sees vda")
  d:destroy()
  t.eq(owner(img), "1234:2345", "image given back to its owner at stop")
  t.eq(g.sh("stat -c %a " .. img):match("%d+"), "600", "mode untouched")
  d:undefine()
end)

t.test("killed supervisor and QEMU: the next start gives the image back first", function()
  local img = IMG .. "/crash.qcow2"
  sh_ok("qemu-img create -q -f qcow2 " .. img .. " 32M")
  sh_ok("chown 1234:2345 " .. img)
  local d = guest_with_disk("crash", img)
  d:start()
  local info = g.read(g.root .. "/run/qemu/crash/status")
  local sup = info:match("sup_pid=(%d+)")
  local qpid = qemu_pid("crash")
  if sup then os.execute("kill -9 " .. sup) end
  os.execute("kill -9 " .. qpid)
  t.eventually(function() return #g.qemu_pids("crash") == 0 end, 20)
  t.eventually(function() return d.state == "shut off" end, 20)
  t.check(owner(img) ~= "1234:2345", "still handed over after the crash")
  d:start()
  d:destroy()
  t.eq(owner(img), "1234:2345", "owner back after crash, start, destroy")
  d:undefine()
end)

t.test("hotplugged disk and disk-only snapshot overlay: handed over, given back", function()
  local base = IMG .. "/hb.qcow2"
  local extra = IMG .. "/hx.qcow2"
  sh_ok("qemu-img create -q -f qcow2 " .. base .. " 32M")
  sh_ok("qemu-img create -q -f qcow2 " .. extra .. " 16M")
  local d = guest_with_disk("hot", base)
  d:start()
  d:wait_console(READY, 90)
  local uid = g.sh("id -u luavirt-qemu"):match("%d+")
  d:attach_disk({source = extra, target = "vdb", live = true})
  t.check(owner(extra):match("^" .. uid .. ":"), "hotplugged image handed over")
  -- the guest takes the ACPI hotplug in its own time under TCG
  t.check(t.eventually(function()
    return g.ask(d, "lv-cmd blocks", "LUAVIRT-BLOCKS"):find("vdb", 1, true)
  end, 60), "guest sees vdb")
  local s = d:create_snapshot({name = "ov"}, {disk_only = true})
  t.eq(s.name, "ov", "disk-only snapshot taken")
  local live = d:disks()[1].source
  t.check(live ~= base, "vda now on an overlay: " .. tostring(live))
  t.check(owner(live):match("^" .. uid .. ":"), "overlay QEMU writes is luavirt-qemu's")
  d:create_snapshot({name = "int"}, {})
  d:destroy()
  t.eq(owner(extra), "0:0", "hotplugged image given back")
  t.eq(owner(base), "0:0", "base image given back")
  t.eq(owner(live), "0:0", "overlay given back")
end)

t.test("an overlay whose backing file only root may read: the chain is handed over", function()
  -- the chain is in the image headers, not the XML: luavirt finds it, as
  -- libvirt does, names every layer in the live XML and hands each over
  local base = IMG .. "/chain-base.raw"
  local top = IMG .. "/chain-top.qcow2"
  sh_ok("qemu-img create -q -f raw " .. base .. " 8M")
  local f = assert(io.open(base, "r+b"))
  f:write("FROM-THE-BACKING-FILE\n")
  f:close()
  sh_ok("qemu-img create -q -f qcow2 -b " .. base .. " -F raw " .. top)
  sh_ok("chmod 600 " .. base .. " " .. top)
  local d = guest_with_disk("chain", top)
  d:start()
  d:wait_console(READY, 90)
  t.check(g.ask(d, "lv-cmd read vda", "LUAVIRT-READ"):find("FROM-THE-BACKING-FILE", 1, true),
    "the guest reads the backing file's data through the overlay")
  local live = d:xml()
  t.check(live:find("<backingStore type='file'>", 1, true) and
    live:find(base, 1, true), "the live XML names the backing layer")
  t.check(not d:xml{inactive = true}:find("backingStore", 1, true),
    "the persistent definition is left as written")
  d:destroy()
  t.eq(owner(base), "0:0", "the backing file given back")
  d:undefine()
end)

t.test("a state root made 0700 (mktemp -d) is made searchable, not readable", function()
  sh_ok("chmod 700 " .. g.root)
  local d = virt.define_domain(g.xml("rootmode"))
  d:start()
  d:wait_console(READY, 90)
  t.eq(g.sh("stat -c %a " .. g.root), "701\n", "o+x added, nothing else")
  d:destroy()
  d:undefine()
  sh_ok("chmod 711 " .. g.root)
end)

t.test("a disk that leads into /etc, /proc, /dev or /boot is refused", function()
  os.execute("ln -sf /etc/shadow " .. IMG .. "/shadow.img")
  local d = virt.define_domain(g.xml("evil"))
  d:attach_disk({source = IMG .. "/shadow.img", target = "vda", format = "raw",
                 config = true})
  t.raises("invalid", {"disk 'vda'", IMG .. "/shadow.img", "/etc/shadow", "under /etc"},
    function() d:start() end)
  t.eq(d.state, "shut off", "not started")
  t.eq(owner("/etc/shadow"), "0:" .. g.sh("stat -c %g /etc/shadow"):match("%d+"),
    "/etc/shadow untouched")
  d:detach_disk("vda", {config = true})
  for _, case in ipairs{{"/proc/self/environ", "under /proc"},
                        {"/dev/null", "block devices under /dev"},
                        {g.sh("ls /boot/vmlinuz-* | head -1"):match("[^\n]+"),
                         "/boot are given to guests only as kernel"}} do
    os.execute("ln -sfn " .. case[1] .. " " .. IMG .. "/link.img")
    d:attach_disk({source = IMG .. "/link.img", target = "vda", format = "raw",
                   config = true})
    t.raises("invalid", {"disk 'vda'", case[2]}, function() d:start() end)
    d:detach_disk("vda", {config = true})
  end
  d:undefine()
end)

t.test("a kernel from /boot is allowed", function()
  local k = g.sh("ls /boot/vmlinuz-*cloud* | head -1"):match("[^\n]+")
  if not k then return t.skip("no /boot/vmlinuz-*cloud*") end
  local x = g.xml("bootk"):gsub("<kernel>[^<]*</kernel>", "<kernel>" .. k .. "</kernel>")
  local d = virt.define_domain(x)
  d:start()
  d:wait_console(READY, 90)
  t.eq(d.state, "running", "started with a /boot kernel")
  d:destroy()
  d:undefine()
end)

t.test("another guest's image through a link is refused", function()
  local img = IMG .. "/mine.qcow2"
  sh_ok("qemu-img create -q -f qcow2 " .. img .. " 16M")
  local a = guest_with_disk("owner", img)
  os.execute("ln -sf " .. img .. " " .. IMG .. "/alias.qcow2")
  local b = guest_with_disk("thief", IMG .. "/alias.qcow2")
  t.raises("invalid", {"disk 'vda'", "image of domain 'owner'"}, function() b:start() end)
  b:undefine()
  a:undefine()
end)

t.test("a backing file nobody named: only from a pool or the image's directory", function()
  os.execute("mkdir -p " .. g.root .. "/elsewhere")
  local far = g.root .. "/elsewhere/base.qcow2"
  local ov = IMG .. "/ov.qcow2"
  sh_ok("qemu-img create -q -f qcow2 " .. far .. " 16M")
  sh_ok("qemu-img create -q -f qcow2 -F qcow2 -b " .. far .. " " .. ov)
  local d = guest_with_disk("back", ov)
  t.raises("invalid", {"disk 'vda'", far, "outside every pool", "<backingStore>"},
    function() d:start() end)
  -- named in the XML, it is the user's choice
  local x = d:xml{inactive = true}:gsub("(<source file='" .. ov:gsub("%p", "%%%0") ..
    "'/>)", "%1<backingStore type='file'><format type='qcow2'/><source file='" ..
    far .. "'/><backingStore/></backingStore>")
  d = virt.define_domain(x)
  d:start()
  t.eq(d.state, "running", "explicit <backingStore> starts")
  d:destroy()
  -- a header that points into /etc is refused whatever the directory
  local bad = IMG .. "/badback.qcow2"
  sh_ok("qemu-img create -q -f qcow2 -F raw -u -b /etc/shadow " .. bad .. " 16M")
  local e = guest_with_disk("badback", bad)
  t.raises("invalid", {"disk 'vda'", "/etc/shadow", "under /etc"}, function() e:start() end)
  e:undefine()
  d:undefine()
end)

t.test("vol-create-as --backing-vol /etc/shadow is refused", function()
  local dir = g.root .. "/pool1"
  os.execute("mkdir -p " .. dir)
  t.eq((g.cli("pool-define-as p1 dir --target " .. dir)), 0, "pool defined")
  t.eq((g.cli("pool-start p1")), 0, "pool started")
  local code, _, err = g.cli("vol-create-as p1 v1.qcow2 16M --format qcow2 " ..
    "--backing-vol /etc/shadow --backing-vol-format raw")
  t.check(code ~= 0, "refused")
  t.check(err:find("/etc/shadow", 1, true) and err:find("under /etc", 1, true),
    "names the file and the cause: " .. err)
  t.check(not io.open(dir .. "/v1.qcow2"), "no volume made")
  os.execute("ln -sf /etc/passwd " .. dir .. "/pw")
  code, _, err = g.cli("vol-create-as p1 v2.qcow2 16M --format qcow2 " ..
    "--backing-vol " .. dir .. "/pw --backing-vol-format raw")
  t.check(code ~= 0 and err:find("/etc/passwd", 1, true), "a link into /etc too: " .. err)
  os.remove(dir .. "/pw")
  g.cli("pool-destroy p1")
  g.cli("pool-undefine p1")
end)

t.test("QEMU has a private /dev with only what it needs", function()
  local d = virt.define_domain(g.xml("devns"))
  d:start()
  d:wait_console(READY, 90)
  local pid = qemu_pid("devns")
  t.check(g.sh("readlink /proc/" .. pid .. "/ns/mnt") ~= g.sh("readlink /proc/self/ns/mnt"),
    "QEMU has a mount namespace of its own")
  local devs = " " .. g.sh("ls /proc/" .. pid .. "/root/dev"):gsub("%s+", " ") .. " "
  for _, n in ipairs{"null", "zero", "urandom", "ptmx", "pts"} do
    t.check(devs:find(" " .. n .. " ", 1, true), "/dev/" .. n .. " there: " .. devs)
  end
  for _, n in ipairs{"mem", "kmsg", "loop0", "tty0", "console"} do
    t.check(not devs:find(" " .. n .. " ", 1, true), "/dev/" .. n .. " not there")
  end
  t.check(g.sh("ls /dev"):find("loop0", 1, true), "the host's /dev is unchanged")
  t.check(d:console_log():find(READY, 1, true), "console (a host pty) works")
  d:destroy()
  d:undefine()
end)

t.test("block device disks appear in QEMU's /dev, at start and hotplugged", function()
  local a, b = IMG .. "/blk-a.raw", IMG .. "/blk-b.raw"
  sh_ok("truncate -s 16M " .. a .. " " .. b)
  local la = g.sh("losetup -f --show " .. a):match("^(/dev/loop%d+)")
  local lb = la and g.sh("losetup -f --show " .. b):match("^(/dev/loop%d+)")
  if not (la and lb) then
    if la then os.execute("losetup -d " .. la) end
    return t.skip("no loop devices")
  end
  local ok, err = pcall(function()
    local was = owner(la)
    local d = virt.define_domain(g.xml("blk"))
    d:attach_disk({source = la, target = "vda", format = "raw", config = true})
    d:start()
    d:wait_console(READY, 90)
    local pid = qemu_pid("blk")
    t.check(g.sh("stat -c %F /proc/" .. pid .. "/root" .. la):find("block", 1, true),
      la .. " in QEMU's /dev")
    t.check(g.ask(d, "lv-cmd blocks", "LUAVIRT-BLOCKS"):find("vda", 1, true), "guest sees vda")
    d:attach_disk({source = lb, target = "vdb", format = "raw", live = true})
    t.check(g.sh("stat -c %F /proc/" .. pid .. "/root" .. lb):find("block", 1, true),
      lb .. " made in QEMU's /dev at hotplug")
    -- the guest takes the ACPI hotplug in its own time under TCG
  t.check(t.eventually(function()
    return g.ask(d, "lv-cmd blocks", "LUAVIRT-BLOCKS"):find("vdb", 1, true)
  end, 60), "guest sees vdb")
    d:destroy()
    t.eq(owner(la), was, "host node given back")
    d:undefine()
  end)
  os.execute("losetup -d " .. la .. " " .. lb)
  if not ok then error(err, 0) end
end)

t.test("session scope runs QEMU unchanged, as the caller", function()
  local f = g.root .. "/sess.xml"
  g.write(f, g.xml("sess"))
  t.eq((g.cli("-c qemu:///session define " .. f)), 0, "defined in session scope")
  t.eq((g.cli("-c qemu:///session start sess")), 0, "started in session scope")
  local st = status(qemu_pid("sess"))
  t.eq(st.Uid:match("^%d+"), g.sh("id -u"):match("%d+"), "QEMU runs as the caller")
  t.check(st.CapEff ~= "0000000000000000", "capabilities kept in session scope")
  g.cli("-c qemu:///session destroy sess")
  g.cli("-c qemu:///session undefine sess")
end)

t.done()
