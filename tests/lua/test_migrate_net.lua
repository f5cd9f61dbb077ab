-- test_migrate_net.lua - live migration (issue 12) between two "hosts" on
-- this machine: this test's network namespace with its state root, and a
-- second namespace joined to it by a veth pair, with a state root of its
-- own served by an sshd inside it. The guest's disk is on storage both see
-- (the same path); its memory goes QEMU to QEMU over the veth. A counter
-- on the guest's console goes on counting across the move (no restart).
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
local b = sh("unshare --net sleep 3600 >/dev/null 2>&1 & echo $!"):match("%d+")
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
local host = sshd.start{addr = "10.88.0.2", netns = b}
local URI = host.uri()

-- shared storage: one directory both roots' QEMUs reach
local store = sh("mktemp -d /tmp/lvmigdisk.XXXXXX"):gsub("%s+$", "")
sh("chmod 711 " .. store)

local function guest_xml(name)
  local disk = store .. "/" .. name .. ".qcow2"
  sh("qemu-img create -q -f qcow2 " .. disk .. " 64M")
  return (g.xml(name, {cmdline = "lv.counter=1"}):gsub("</devices>",
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" ..
    disk .. "'/><target dev='vda' bus='virtio'/></disk></devices>"))
end

-- a guest of this host, running and counting
local function running_guest(name, count)
  local d = virt.define_domain(guest_xml(name))
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
sh("rm -rf " .. store)
os.exit(t.done())
