-- test_migrate_net.lua - live migration (issue 12) between two "hosts" on
-- this machine: this test's network namespace with its state root, and a
-- second namespace joined to it by a veth pair, with a state root of its
-- own served by an sshd inside it, and a mount namespace of its own: a
-- directory that is this host's own storage here is a tmpfs of its own
-- there. The guest's disk is on storage both see (the same path), or on
-- that local storage and copied (--copy-storage-all/-inc, over NBD); its
-- memory goes QEMU to QEMU over the veth. A counter on the guest's console
-- goes on counting across the move (no restart).
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")
local sshd = require("sshd")
local migrate = require("recipes.migrate")

local function sh(cmd) return g.sh(cmd) end

if not sshd.available() then
  t.skip("openssh-server is not installed (make deps installs it): migration not tested")
  os.exit(t.done())
end

-- host B: a namespace of its own, 10.88.0.2; this one is 10.88.0.1
sh("ip link set lo up")
local b = sh("unshare --net --mount --propagation private sleep 3600 >/dev/null 2>&1 & " ..
  "echo $!"):match("%d+")
t.eventually(function()
  return sh("readlink /proc/" .. b .. "/ns/net") ~= sh("readlink /proc/self/ns/net")
end, 10)
local function in_b(cmd) return sh("nsenter -t " .. b .. " -n " .. cmd) end
sh("ip link add lvmig0 type veth peer name lvmig1")
sh("ip link set lvmig1 netns " .. b)
in_b("ip link set lo up")
in_b("ip addr add 10.88.0.2/24 dev lvmig1")
in_b("ip link set lvmig1 up")
sh("ip addr add 10.88.0.1/24 dev lvmig0")
sh("ip link set lvmig0 up")
local host = sshd.start{addr = "10.88.0.2", netns = b, mountns = true}
local URI = host.uri()

-- shared storage: one directory both roots' QEMUs reach
local store = sh("mktemp -d /tmp/lvmigdisk.XXXXXX"):gsub("%s+$", "")
sh("chmod 711 " .. store)
-- local storage: the same path, a directory here and a tmpfs there
local lstore = sh("mktemp -d /tmp/lvmiglocal.XXXXXX"):gsub("%s+$", "")
sh("chmod 711 " .. lstore)
in_b("-m mount -t tmpfs -o mode=0711 lvmiglocal " .. lstore)
-- a path as host B sees it (its mount namespace)
local function there(path) return "/proc/" .. b .. "/root" .. path end

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

local function guest_xml(name, disk, base)
  disk = disk or store .. "/" .. name .. ".qcow2"
  if not exists(disk) then sh("qemu-img create -q -f qcow2 " .. disk .. " 64M") end
  local chain = base and ("<backingStore type='file'><format type='qcow2'/><source file='" ..
    base .. "'/><backingStore/></backingStore>") or ""
  return (g.xml(name, {cmdline = "lv.counter=1"}):gsub("</devices>",
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" ..
    disk .. "'/>" .. chain .. "<target dev='vda' bus='virtio'/></disk></devices>"))
end

-- a guest of this host, running and counting
local function running_guest(name, count, disk, base)
  local d = virt.define_domain(guest_xml(name, disk, base))
  d:start()
  d:wait_console("LUAVIRT-COUNTER " .. (count or 2), 120)
  return d
end

-- the last counter value on a console log
local function last_count(log)
  local n
  for v in log:gmatch("LUAVIRT%-COUNTER (%d+)\r?\n") do n = tonumber(v) end
  return n
end

t.test("live migration: the guest goes on counting on the other host", function()
  local d = running_guest("mig1", 3)
  local before = last_count(d:console_log())
  local seen = 0
  local nd, stats = migrate{domain = d, dest = URI, live = true, persistent = true,
    progress = function() seen = seen + 1 end}
  t.eq(d.state, "shut off", "the source is shut off")
  t.eq(d:info().reason or select(2, g.cli("domstate --reason mig1")):match("%((.-)%)"),
    "migrated", "(migrated)")
  t.check(d.persistent, "its definition stays here (no undefine_source)")
  t.eq(nd.state, "running", "running there")
  t.eq(nd.persistent, true, "and defined there (persistent)")
  t.check(stats.total_ms > 0 and stats.transferred > 0, "figures: " ..
    stats.total_ms .. " ms, " .. stats.transferred .. " bytes")
  t.check(seen > 0, "progress was reported")
  t.check(stats.downtime_ms > 0 and stats.downtime_ms < 10000,
    "the guest's pause, until it ran there: " .. stats.downtime_ms .. " ms")
  -- the guest did not restart: its counter goes on from where it was
  local after
  t.eventually(function()
    local _, log = host.cli("console-log mig1")
    after = last_count(nd:console_log() or "")
    return after and after > before + 1
  end, 60)
  t.check(after and after > before, "counted on there: " .. tostring(before) .. " -> " ..
    tostring(after))
  t.check(not (nd:console_log() or ""):find("Linux version", 1, true), "no boot there")
  local code, o = host.cli("domstate --reason mig1")
  t.eq(code, 0, "domstate there")
  t.check(o:find("running", 1, true), o)
  nd:destroy()
  nd:undefine()
  d:undefine()
end)

t.test("the CLI: migrate --live --persistent --undefinesource", function()
  local d = running_guest("mig2")
  local code, o, e = g.cli("migrate --live --persistent --undefinesource mig2 '" .. URI .. "'")
  t.eq(code, 0, "migrate: " .. e)
  t.check(o:match("^%s*$"), "silent, as virsh: " .. o)
  t.eq(virt.find_domain("mig2"), nil, "undefined here")
  local _, st = host.cli("domstate mig2")
  t.eq(st, "running\n\n", "running there")
  local _, names = host.cli("list --all --persistent --name")
  t.check(names:find("mig2", 1, true), "persistent there")
  host.cli("destroy mig2")
  host.cli("undefine mig2")
end)

t.test("domjobinfo and migrate-setspeed while a slow migration goes", function()
  local d = running_guest("mig5")
  local code, o = g.cli("domjobinfo mig5")
  t.eq(code, 0, "domjobinfo before")
  t.check(o:find("Job type:%s+None"), o)
  -- 4 MiB/s: some minutes for its memory, unless sped up
  sh("(" .. g.bin .. " migrate --live --bandwidth 4 mig5 '" .. URI .. "' > " .. store ..
    "/mig.out 2>&1; echo rc=$? >> " .. store .. "/mig.out) >/dev/null 2>&1 &")
  local info = t.eventually(function()
    local c2, o2 = g.cli("domjobinfo mig5")
    return c2 == 0 and o2:find("Data processed", 1, true) and o2
  end, 30) or ""
  t.check(info:find("Job type:%s+Unbounded"), "a job: " .. info)
  t.check(info:find("Data total:%s+%d"), info)
  code = g.cli("migrate-setspeed mig5 10000")
  t.eq(code, 0, "migrate-setspeed")
  local out = t.eventually(function()
    local s2 = g.read(store .. "/mig.out") or ""
    return s2:find("rc=", 1, true) and s2
  end, 60) or ""
  t.check(out:find("rc=0", 1, true), "the migration completed: " .. out)
  t.eq(d.state, "shut off", "gone from here")
  local _, st = host.cli("domstate mig5")
  t.eq(st, "running\n\n", "running there")
  code, o = g.cli("migrate-setspeed mig5 10")
  t.eq(code, 1, "no migration to tune: an error")
  t.check(o:match("^%s*$"), "nothing printed: " .. o)
  code, _, o = g.cli("migrate-setspeed mig5 fast")
  t.check(o:find("'fast' is not a positive whole number", 1, true), o)
  host.cli("destroy mig5")
  d:undefine()
end)

t.test("the destination killed mid-stream; --suspend, transient there", function()
  local d = running_guest("mig12")
  sh("(" .. g.bin .. " migrate --live --bandwidth 4 mig12 '" .. URI .. "' > " .. store ..
    "/mig12.out 2>&1; echo rc=$? >> " .. store .. "/mig12.out) >/dev/null 2>&1 &")
  t.eventually(function()
    local c2, o2 = g.cli("domjobinfo mig12")
    return c2 == 0 and o2:find("Data processed", 1, true)
  end, 30)
  -- its memory is on the way: the QEMU there dies
  sh("pkill -9 -f 'qemu-system.*" .. host.root .. "/.*mig12'")
  local out = t.eventually(function()
    local s2 = g.read(store .. "/mig12.out") or ""
    return s2:find("rc=", 1, true) and s2
  end, 60) or ""
  t.check(out:find("rc=1", 1, true) and out:find("error: domain 'mig12'", 1, true),
    "the migration failed, naming the guest: " .. out)
  t.eq(d.state, "running", "still running here")
  local n1 = last_count(d:console_log())
  d:wait_console("LUAVIRT-COUNTER " .. (n1 + 1), 30)
  t.check(true, "and counting")
  t.eventually(function() return host.cli("domstate mig12") == 1 end, 10)
  local _, names = host.cli("list --all --name")
  t.check(not names:find("mig12", 1, true), "nothing there: " .. names)
  -- again, the guest to stay paused there; no --persistent: transient
  -- there, its definition still here (as virsh leaves them)
  local code, _, e = g.cli("migrate --live --suspend mig12 '" .. URI .. "'")
  t.eq(code, 0, "migrate --suspend: " .. e)
  local _, st = host.cli("domstate mig12")
  t.eq(st, "paused\n\n", "paused there")
  _, names = host.cli("list --all --persistent --name")
  t.check(not names:find("mig12", 1, true), "transient there")
  t.eq(d.state, "shut off", "shut off here")
  t.check(d.persistent, "still defined here")
  host.cli("resume mig12")
  _, st = host.cli("domstate mig12")
  t.eq(st, "running\n\n", "and it runs on when resumed")
  host.cli("destroy mig12")
  t.eq(host.cli("domstate mig12"), 1, "a transient guest destroyed there is gone")
  d:undefine()
end)

-- the first bytes of an image, as qemu-io dumps them (text on the right,
-- "." for what is not a letter)
local function image_head(path)
  return sh("qemu-io -r -U -c 'read -v 0 32' " .. path)
end

t.test("--copy-storage-all: the disk goes too, to a host that does not see it", function()
  local disk = lstore .. "/mig6.qcow2"
  local d = running_guest("mig6", 2, disk)
  t.eq(g.ask(d, "lv-cmd write vda written-here", "LUAVIRT-WROTE"),
    "LUAVIRT-WROTE vda written-here", "the guest wrote its disk here")
  t.check(not exists(there(disk)), "host B has no such image: the storage is not shared")
  local before = last_count(d:console_log())
  local seen = {}
  local nd = migrate{domain = d, dest = URI, live = true, copy_storage = "all",
    progress = function(s) seen[s.status] = true end}
  t.check(seen.mirror, "the disk was copied first (progress 'mirror')")
  t.eq(d.state, "shut off", "shut off here")
  t.eq(nd.state, "running", "running there")
  local after
  t.eventually(function()
    after = last_count(nd:console_log() or "")
    return after and after > before + 1
  end, 60)
  t.check(after and after > before, "counted on there: " .. tostring(before) .. " -> " ..
    tostring(after))
  t.eq(g.ask(nd, "lv-cmd read vda", "LUAVIRT-READ"), "LUAVIRT-READ vda written-here",
    "what it wrote here, it reads there")
  t.eq(g.ask(nd, "lv-cmd write vda written-there", "LUAVIRT-WROTE"),
    "LUAVIRT-WROTE vda written-there", "and it writes there")
  t.check(exists(there(disk)), "the image was made there, at the same path")
  t.check(not nd:xml():find("<backingStore type=", 1, true), "a full copy stands alone")
  nd:destroy()
  local head = image_head(there(disk))
  t.check(head:find("written.there", 1, true), "the write is in the image there: " .. head)
  head = image_head(disk)
  t.check(head:find("written.here", 1, true), "the image here is as it was left: " .. head)
  t.check(not nd.persistent and virt.find_domain("mig6"), "not defined there, still here")
  d:undefine()
end)

t.test("migrate --copy-storage-inc: the top image goes, the backing file is there", function()
  local base = store .. "/mig7-base.qcow2"
  sh("qemu-img create -q -f qcow2 " .. base .. " 64M")
  sh("qemu-io -f qcow2 -c 'write -P 0x5a 1M 8M' " .. base)
  local top = lstore .. "/mig7.qcow2"
  sh("qemu-img create -q -f qcow2 -b " .. base .. " -F qcow2 " .. top)
  local d = running_guest("mig7", 2, top, base)
  t.eq(g.ask(d, "lv-cmd write vda top-data", "LUAVIRT-WROTE"), "LUAVIRT-WROTE vda top-data",
    "written here")
  local code, o, e = g.cli("migrate --live --copy-storage-inc --persistent --undefinesource " ..
    "--verbose mig7 '" .. URI .. "'")
  t.eq(code, 0, "migrate: " .. e)
  t.check(e:find("Copying disks: [100 %]", 1, true) and e:find("Migration: [100 %]", 1, true),
    "--verbose shows the disks' copy, then the memory's: " .. e)
  t.check(o:find("Migrated in %d+ ms"), o)
  t.eq(virt.find_domain("mig7"), nil, "undefined here")
  local dst = virt.connect(URI)
  local nd = dst.domain("mig7")
  t.eq(nd.state, "running", "running there")
  t.eq(nd.persistent, true, "defined there")
  t.eq(g.ask(nd, "lv-cmd read vda", "LUAVIRT-READ"), "LUAVIRT-READ vda top-data",
    "the top image's data is there")
  local info = sh("qemu-img info -U --output=json " .. there(top))
  t.check(info:find('"backing-filename": "' .. base .. '"', 1, true), "on the same backing file")
  local size = tonumber(info:match('"actual%-size": (%d+)'))
  t.check(size and size < 4 * 1048576, "the backing file's 8 MiB did not travel: " ..
    tostring(size))
  t.check(nd:xml():find(base, 1, true), "the chain is in its definition there")
  nd:destroy()
  nd:undefine()
  dst.close()
end)

t.test("--tunnelled: memory and disks through ssh, no port opened", function()
  local disk = lstore .. "/mig10.qcow2"
  local d = running_guest("mig10", 2, disk)
  t.eq(g.ask(d, "lv-cmd write vda through-ssh", "LUAVIRT-WROTE"), "LUAVIRT-WROTE vda through-ssh",
    "written here")
  local before = last_count(d:console_log())
  local ends = sh("(ls /tmp/luavirt-fwd-0/ 2>/dev/null)")
  local listening, looks = {}, 0
  local nd = migrate{domain = d, dest = URI, live = true, tunnelled = true, copy_storage = "all",
    progress = function()
      -- what listens on TCP there while it goes: sshd only
      looks = looks + 1
      for l in in_b("ss -ltnp"):gmatch("[^\n]+") do
        if l:find("LISTEN", 1, true) and not l:find("sshd", 1, true) then
          listening[#listening + 1] = l
        end
      end
    end}
  t.check(looks > 0, "looked while it went")
  t.eq(#listening, 0, "nothing but sshd listened there: " .. table.concat(listening, "; "))
  t.eq(nd.state, "running", "running there")
  t.eq(d.state, "shut off", "shut off here")
  t.eventually(function()
    local n = last_count(nd:console_log() or "")
    return n and n > before + 1
  end, 60)
  t.eq(g.ask(nd, "lv-cmd read vda", "LUAVIRT-READ"), "LUAVIRT-READ vda through-ssh",
    "its disk came through ssh too")
  t.eq(sh("(ls /tmp/luavirt-fwd-0/ 2>/dev/null)"), ends, "the tunnels' ends are gone")
  nd:destroy()
  d:undefine()
  -- the CLI, as virsh spells it (shared storage)
  d = running_guest("mig11")
  local code, _, e = g.cli("migrate --live --p2p --tunnelled --persistent mig11 '" .. URI .. "'")
  t.eq(code, 0, "migrate --p2p --tunnelled: " .. e)
  local _, st = host.cli("domstate mig11")
  t.eq(st, "running\n\n", "running there")
  host.cli("destroy mig11")
  host.cli("undefine mig11")
  d:undefine()
end)

t.test("copying storage: an image too small there, a destination gone", function()
  -- an image there, smaller than the guest's: refused, nothing changed
  local disk = lstore .. "/mig8.qcow2"
  in_b("-m qemu-img create -q -f qcow2 " .. disk .. " 32M")
  local d = running_guest("mig8", 2, disk)
  t.raises("invalid", {"mig8", "vda", disk, "33554432 bytes"}, function()
    return migrate{domain = d, dest = URI, live = true, copy_storage = "all"}
  end)
  t.eq(d.state, "running", "still running here")
  t.check(exists(there(disk)), "the image there is left as it was")
  local dst = virt.connect(URI)
  t.eq(dst.find_domain("mig8"), nil, "nothing there")
  d:destroy()
  d:undefine()
  -- the destination's QEMU gone once it waits: the image made there goes
  -- with it, the guest runs on here
  disk = lstore .. "/mig9.qcow2"
  d = running_guest("mig9", 2, disk)
  local nd, uri, nbd = dst.migrate_prepare(d:xml{security_info = true}, {listen = dst.address,
    copy_storage = "all", disks = d:migrate_disks{copy_storage = "all"}})
  t.check(nbd and nbd:match("^10%.88%.0%.2:%d+$"), "an NBD server on the address ssh reached: " ..
    tostring(nbd))
  t.check(exists(there(disk)), "the image was made there")
  nd:destroy()
  t.check(not exists(there(disk)), "and went with the guest that did not come")
  t.raises("qemu", {"mig9"}, function()
    return d:migrate_send(uri, {live = true, copy_storage = "all", nbd = nbd, timeout = 60})
  end)
  t.eq(d.state, "running", "still running here")
  local n1 = last_count(d:console_log())
  d:wait_console("LUAVIRT-COUNTER " .. (n1 + 1), 30)
  t.check(true, "and counting")
  t.eq(dst.find_domain("mig9"), nil, "nothing there")
  local code, _, e = g.cli("migrate --copy-storage-all --copy-storage-inc mig9 '" .. URI .. "'")
  t.eq(code, 1, "both copy modes: an error")
  t.check(e:find("exclude each other", 1, true), e)
  t.raises("invalid", {"offline", "copy storage"}, function()
    return migrate{domain = d, dest = dst, offline = true, persistent = true, copy_storage = "all"}
  end)
  dst.close()
  d:destroy()
  d:undefine()
end)

t.test("a failed migration leaves the guest running here and nothing there", function()
  local d = running_guest("mig3")
  -- the destination's QEMU is killed as soon as it waits for the stream
  local dst = virt.connect(URI)
  local nd, uri = dst.migrate_prepare(d:xml{security_info = true}, {listen = dst.address})
  host.cli("destroy mig3")
  t.raises("qemu", {"mig3"}, function() return d:migrate_send(uri, {live = true, timeout = 60}) end)
  t.eq(d.state, "running", "still running here")
  local n1 = last_count(d:console_log())
  d:wait_console("LUAVIRT-COUNTER " .. (n1 + 1), 30)
  t.check(true, "and counting")
  t.eq(dst.find_domain("mig3"), nil, "nothing there")
  -- the same through the recipe, with the destination gone mid-way
  local ok, err = pcall(migrate, {domain = d, dest = host.uri("&control=0&timeout=3"):gsub(
    "10.88.0.2:" .. host.port, "10.88.0.2:" .. (host.port + 1)), live = true})
  t.check(not ok and err.code == "connect", "an unreachable destination: " .. tostring(err))
  t.eq(d.state, "running", "still running here")
  t.raises("state", {"not running"}, function()
    return migrate{domain = virt.define_domain(g.xml("mig4")), dest = URI}
  end)
  t.raises("invalid", {"persistent"}, function()
    return migrate{domain = "mig4", dest = URI, offline = true}
  end)
  local od = migrate{domain = "mig4", dest = URI, offline = true, persistent = true,
    undefine_source = true}
  t.eq(od.state, "shut off", "offline: defined there, shut off")
  t.eq(virt.find_domain("mig4"), nil, "and gone here")
  od:undefine()
  dst.close()
  d:destroy()
  d:undefine()
end)

g.cleanup()
host.stop()
sh("kill " .. b)
sh("rm -rf " .. store .. " " .. lstore)
os.exit(t.done())
