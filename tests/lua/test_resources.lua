-- test_resources.lua - a running guest's resources end to end under TCG:
-- vCPU hotplug seen by the guest (lv-cmd cpus), pinning of its threads,
-- the balloon seen by QEMU and the guest, domstats/cpu-stats, and the VNC
-- display, screenshot and password; bad input changes nothing.
local t = require("harness")
local g = require("guest")

-- A test guest with <vcpu current=cur>max</vcpu>, a virtio balloon (its
-- <stats period=> from opts.period) and,
-- with opts.vnc, <graphics type='vnc' autoport> (opts.vnc is extra
-- attributes).
local function xml(name, opts)
  opts = opts or {}
  local x = g.xml(name, {memory = opts.memory})
  x = x:gsub("<vcpu placement='static'>1</vcpu>", string.format(
    "<vcpu placement='static' current='%d'>%d</vcpu>", opts.cur or 1, opts.max or 2))
  x = x:gsub("<memballoon model='none'/>", opts.period and
    ("<memballoon model='virtio'><stats period='" .. opts.period .. "'/></memballoon>")
    or "<memballoon model='virtio'/>")
  if opts.vnc then
    x = x:gsub("</devices>", "<graphics type='vnc' port='-1' autoport='yes'" ..
      opts.vnc .. "/></devices>")
  end
  return x
end

-- "LUAVIRT-CPUS 0-1 94520": the guest's online CPU list and MemTotal.
local function guest_cpus(d)
  local line = g.ask(d, "lv-cmd cpus", "LUAVIRT-CPUS")
  local cpus, mem = line:match("^LUAVIRT%-CPUS (%S+) (%d+)")
  return cpus, tonumber(mem)
end

local function host_cpus()
  return virt.nodeinfo().cpus
end

t.test("setvcpus --live plugs a vCPU the guest sees; vcpucount and vcpuinfo follow", function()
  local d = virt.define_domain(xml("cpu1"))
  d:start()
  d:wait_console(g.READY, 60)
  t.eq((guest_cpus(d)), "0", "one CPU online at boot")
  local code, out = g.cli("vcpucount cpu1")
  t.eq(code, 0, "vcpucount")
  t.eq(out, "maximum      config         2\nmaximum      live           2\n" ..
    "current      config         1\ncurrent      live           1\n\n", "vcpucount layout")

  -- the emulator's CPUs do not pass on to a vCPU plugged later
  d:pin_emulator("0", {live = true})
  code, out = g.cli("setvcpus cpu1 2 --live")
  t.eq(code, 0, "setvcpus --live: " .. out)
  local online = t.eventually(function()
    local c = guest_cpus(d)
    return c == "0-1" and c
  end, 30)
  t.eq(online, "0-1", "the guest has CPUs 0-1 online")
  local c = d:vcpu_count()
  t.eq(c.current.live, 2, "live count 2")
  t.eq(c.current.config, 1, "config count unchanged")
  t.check(d:xml():find("<vcpu placement='static'>2</vcpu>", 1, true),
    "live XML: 2 vcpus: " .. d:xml():match("<vcpu[^\n]*"))
  code, out = g.cli("vcpucount cpu1 --active --live")
  t.eq(out, "2\n\n", "vcpucount --active --live")

  local info = d:vcpu_info()
  t.eq(#info, 2, "vcpuinfo lists 2 vCPUs")
  t.check(info[2].vcpu == 1 and info[2].thread > 0 and info[2].time >= 0,
    "vcpu 1 has a thread")
  local n = host_cpus()
  t.eq(info[2].affinity, n > 1 and ("0-" .. (n - 1)) or "0",
    "the plugged vCPU may run on every host CPU")
  code, out = g.cli("vcpuinfo cpu1")
  t.check(out:find("VCPU:           1\nCPU:            %d+\nState:          running\n" ..
    "CPU time:       [%d.]+s\nCPU Affinity:   [y-]+\n") ~= nil, "vcpuinfo layout: " .. out)

  -- back to one: the guest lets vCPU 1 go
  d:set_vcpus(1, {live = true})
  t.eq(d:vcpu_count().current.live, 1, "unplugged")
  t.check(d:xml():find("current='1'>2</vcpu>", 1, true),
    "live XML: current 1: " .. d:xml():match("<vcpu[^\n]*"))
  t.eq((guest_cpus(d)), "0", "the guest has CPU 0 only")

  -- errors: above the maximum, --maximum live, 0; nothing changes
  local before = g.snapshot()
  t.raises("invalid", {"cpu1", "above the maximum of 2"}, function()
    d:set_vcpus(3, {live = true})
  end)
  t.raises("invalid", {"cpu1", "above the maximum of 2"}, function()
    d:set_vcpus(3, {config = true})
  end)
  t.raises("invalid", {"cpu1", "maximum"}, function()
    d:set_vcpus(4, {live = true, maximum = true})
  end)
  code, out, err = g.cli("setvcpus cpu1 0")
  t.check(code == 1 and err:find("error:", 1, true), "setvcpus 0 refused: " .. err)
  t.check(g.same_snapshot(before, g.snapshot()), "bad setvcpus changed nothing")

  -- --config: the next boot's count
  d:set_vcpus(2, {config = true})
  t.check(d:xml{inactive = true}:find("<vcpu placement='static'>2</vcpu>", 1, true),
    "config current 2 = max: " .. d:xml{inactive = true}:match("<vcpu[^\n]*"))
  d:set_vcpus(3, {config = true, maximum = true})
  t.check(d:xml{inactive = true}:find("current='2'>3</vcpu>", 1, true),
    "config maximum 3: " .. d:xml{inactive = true}:match("<vcpu[^\n]*"))
  t.eq(d:vcpu_count().maximum.live, 2, "live maximum unchanged")
  d:destroy()

  t.raises("state", {"cpu1", "not running"}, function()
    d:set_vcpus(2, {live = true})
  end)
  d:undefine()
end)

t.test("vcpupin and emulatorpin set the threads' affinity and <cputune>", function()
  local n = host_cpus()
  local d = virt.define_domain(xml("pin1", {cur = 2, max = 2}))
  d:start()
  d:wait_console(g.READY, 60)
  local code, out, err = g.cli("vcpupin pin1 1 0 --live")
  t.eq(code, 0, "vcpupin --live: " .. err)
  local info = d:vcpu_info()
  t.eq(info[2].affinity, "0", "vcpu 1 runs on CPU 0 only")
  t.eq(info[1].affinity, n > 1 and ("0-" .. (n - 1)) or "0", "vcpu 0 untouched")
  -- the kernel's own view of the thread
  local st = g.read(string.format("/proc/%d/task/%d/status", d:pid(), info[2].thread))
  t.eq(st:match("Cpus_allowed_list:%s*(%S+)"), "0", "kernel: thread pinned")
  code, out = g.cli("vcpupin pin1")
  t.check(out:find("VCPU   CPU Affinity", 1, true) and out:find("\n 1      0\n", 1, true),
    "vcpupin query: " .. out)

  code, out, err = g.cli("emulatorpin pin1 0 --live")
  t.eq(code, 0, "emulatorpin --live: " .. err)
  st = g.read(string.format("/proc/%d/status", d:pid()))
  t.eq(st:match("Cpus_allowed_list:%s*(%S+)"), "0", "kernel: QEMU's main thread pinned")
  code, out = g.cli("emulatorpin pin1")
  t.check(out:find("       *: 0", 1, true), "emulatorpin query: " .. out)

  -- --config goes to <cputune> and applies at the next start
  d:pin_vcpu(0, "0", {config = true})
  d:pin_emulator("0", {config = true})
  local x = d:xml{inactive = true}
  t.check(x:find("<vcpupin vcpu='0' cpuset='0'/>", 1, true) and
    x:find("<emulatorpin cpuset='0'/>", 1, true), "cputune in the definition: " ..
    (x:match("<cputune>.-</cputune>") or "none"))

  -- errors: a CPU the host lacks, a vCPU past the maximum, a bad list
  local before = g.snapshot()
  t.raises("invalid", {"pin1", "host has no CPU 4000"}, function()
    d:pin_vcpu(0, "4000", {live = true, config = true})
  end)
  t.raises("invalid", {"pin1", "2 vcpus at most"}, function()
    d:pin_vcpu(5, "0", {config = true})
  end)
  t.raises("invalid", {"pin1", "cpu list 'x'"}, function() d:pin_emulator("x") end)
  t.check(g.same_snapshot(before, g.snapshot()), "bad pins changed nothing")
  t.eq(d:vcpu_info()[1].affinity, n > 1 and ("0-" .. (n - 1)) or "0",
    "vcpu 0 live affinity unchanged")

  d:destroy()
  d:start()
  d:wait_console(g.READY, 60)
  t.eq(d:vcpu_info()[1].affinity, "0", "<vcpupin> applied at start")
  st = g.read(string.format("/proc/%d/status", d:pid()))
  t.eq(st:match("Cpus_allowed_list:%s*(%S+)"), "0", "<emulatorpin> applied at start")
  d:destroy()
  d:undefine()
end)

-- QEMU's balloon size of d in KiB (query-balloon's actual).
local function balloon_kib(d)
  local r = d:monitor_command('{"execute":"query-balloon"}')
  return tonumber(r:match('"actual":%s*(%d+)')) // 1024
end

t.test("setmem --live shrinks the balloon; QEMU and the guest agree; dommemstat", function()
  local d = virt.define_domain(xml("mem1", {memory = 256, period = 3}))
  d:start()
  d:wait_console(g.READY, 60)
  -- <stats period='3'/>: the supervisor started the guest's statistics polling
  local poll = d:monitor_command('{"execute":"qom-get","arguments":{"path":' ..
    '"/machine/peripheral/balloon0","property":"guest-stats-polling-interval"}}')
  t.check(poll:find('"return":%s*3'), "stats period applied at start: " .. poll)
  local _, total0 = guest_cpus(d)
  t.eq(balloon_kib(d), 256 * 1024, "balloon starts at 256 MiB")
  local code, out, err = g.cli("setmem mem1 160M --live")
  t.eq(code, 0, "setmem --live: " .. err)
  t.check(t.eventually(function() return balloon_kib(d) == 160 * 1024 end, 30),
    "QEMU's balloon reaches 160 MiB: " .. balloon_kib(d))
  local total
  t.eventually(function()
    _, total = guest_cpus(d)
    return total <= total0 - 90 * 1024
  end, 30)
  -- the guest gave 96 MiB back: its MemTotal dropped by that much (±6 MiB)
  t.check(math.abs((total0 - total) - 96 * 1024) <= 6 * 1024,
    string.format("guest MemTotal %d -> %d kB", total0, total))
  t.check(d:xml():find("<currentMemory unit='KiB'>163840</currentMemory>", 1, true),
    "live currentMemory recorded")

  code, out = g.cli("dommemstat mem1 --period 1")
  t.eq(code, 0, "dommemstat")
  t.check(out:find("^actual 163840\n") and out:find("\nrss %d+\n"),
    "dommemstat actual and rss: " .. out)
  -- with polling on, the guest's own figures follow
  local s = t.eventually(function()
    local m = d:memory_stats()
    return m.usable and m.available and math.abs(m.available - total) <= 1024 and m
  end, 30)
  t.check(s and math.abs(s.available - total) <= 1024,
    "dommemstat available is the guest's MemTotal: " .. tostring(s and s.available))

  -- errors: above the maximum, a bad size, 0; nothing changes
  local before = g.snapshot()
  t.raises("invalid", {"mem1", "above the maximum of 256 MiB"}, function()
    d:set_memory("300M", {live = true})
  end)
  code, out, err = g.cli("setmem mem1 12X")
  t.check(code == 1 and err:find("12X", 1, true), "bad size refused: " .. err)
  t.raises("invalid", {"mem1", "0"}, function() d:set_memory("0") end)
  t.raises("invalid", {"mem1", "running", "--config"}, function()
    d:set_max_memory("512M", {live = true})
  end)
  t.check(g.same_snapshot(before, g.snapshot()), "bad setmem changed nothing")
  t.eq(balloon_kib(d), 160 * 1024, "balloon unchanged")

  -- --config: the definition's <memory> and <currentMemory>
  code, out, err = g.cli("setmaxmem mem1 512M --config")
  t.eq(code, 0, "setmaxmem --config: " .. err)
  d:set_memory("384M", {config = true})
  local x = d:xml{inactive = true}
  t.check(x:find("<memory unit='KiB'>524288</memory>", 1, true) and
    x:find("<currentMemory unit='KiB'>393216</currentMemory>", 1, true),
    "config memory: " .. x:match("<memory.-</currentMemory>"))
  t.raises("invalid", {"mem1", "above the maximum of 512 MiB"}, function()
    d:set_memory("1G", {config = true})
  end)
  d:destroy()
  t.raises("state", {"mem1", "not running"}, function() d:memory_stats() end)
  d:undefine()
end)

t.test("domstats in virsh's layout and as d:stats(); cpu-stats", function()
  local img = g.root .. "/st1.qcow2"
  os.execute("qemu-img create -q -f qcow2 " .. img .. " 16M")
  local x = xml("st1"):gsub("</devices>", "<disk type='file' device='disk'><driver " ..
    "name='qemu' type='qcow2'/><source file='" .. img .. "'/><target dev='vda' " ..
    "bus='virtio'/></disk></devices>")
  local d = virt.define_domain(x)
  virt.define_domain(xml("st2"))
  d:start()
  d:wait_console(g.READY, 60)
  local code, out = g.cli("domstats st1")
  t.eq(code, 0, "domstats")
  t.check(out:find("^Domain: 'st1'\n  state.state=1\n  state.reason=1\n  cpu.time=%d+\n" ..
    "  cpu.user=%d+\n  cpu.system=%d+\n  balloon.current=131072\n" ..
    "  balloon.maximum=131072\n"), "domstats head: " .. out)
  t.check(out:find("\n  vcpu.current=1\n  vcpu.maximum=2\n  vcpu.0.state=1\n" ..
    "  vcpu.0.time=%d+\n  net.count=0\n  block.count=1\n  block.0.name=vda\n" ..
    "  block.0.path=" .. img:gsub("%p", "%%%0") .. "\n  block.0.rd.reqs=[1-9]%d*\n"),
    "domstats vcpu, net, block: " .. out)
  t.check(out:find("\n  block.0.capacity=16777216\n", 1, true), "block capacity")
  t.check(out:sub(-2) == "\n\n", "a blank line ends each domain")

  local s, keys = d:stats{vcpu = true}
  t.eq(s["vcpu.current"], 1, "d:stats vcpu.current")
  t.eq(keys[1], "vcpu.current", "only the vcpu group, in order")
  t.eq(s["state.state"], nil, "no state group asked")
  t.check(s["vcpu.0.time"] > 0, "vcpu 0 has used CPU time")

  -- all domains, the shut-off one with its definition's sizes
  code, out = g.cli("domstats --state --balloon --vcpu")
  t.check(out:find("Domain: 'st2'\n  state.state=5\n  state.reason=0\n" ..
    "  balloon.current=131072\n  balloon.maximum=131072\n  vcpu.current=1\n" ..
    "  vcpu.maximum=2\n", 1, true), "inactive domain's stats: " .. out)
  t.check(out:find("Domain: 'st1'", 1, true), "running domain listed too")
  code, out = g.cli("domstats --list-inactive --state")
  t.eq(out, "Domain: 'st2'\n  state.state=5\n  state.reason=0\n\n\n", "--list-inactive")

  code, out = g.cli("cpu-stats st1 --total")
  t.eq(code, 0, "cpu-stats")
  t.check(out:find("^Total:\n\tcpu_time +[%d.]+ seconds\n\tuser_time +[%d.]+ seconds\n" ..
    "\tsystem_time +[%d.]+ seconds\n"), "cpu-stats layout: " .. out)
  local c = d:cpu_stats()
  t.check(c.cpu_time > 0 and c.vcpu_time > 0 and c.vcpu_time <= c.cpu_time + 0.05,
    string.format("cpu %.3f s, vcpus %.3f s", c.cpu_time, c.vcpu_time))

  t.raises("state", {"st2", "not running"}, function() virt.domain("st2"):cpu_stats() end)
  code, out, err = g.cli("domstats nosuch")
  t.check(code == 1 and err:find("nosuch", 1, true), "unknown domain: " .. err)
  d:destroy()
  d:undefine()
  virt.domain("st2"):undefine()
end)

-- The security types a VNC server at port offers (RFB 3.8 handshake):
-- "1" none, "2" VNC password.
local function vnc_security(port)
  local out = g.sh("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" .. port .. " && " ..
    "head -c 12 <&3 >/dev/null && printf \"RFB 003.008\\n\" >&3 && " ..
    "head -c 2 <&3 | od -An -tu1'")
  return (out:match("^%s*1%s+(%d+)"))
end

t.test("VNC: autoport displays differ; vncdisplay, domdisplay, screenshot; " ..
       "the password stays off the command line", function()
  local a = virt.define_domain(xml("vnc1", {vnc = " passwd='s3cr3tpw'"}))
  local b = virt.define_domain(xml("vnc2", {vnc = ""}))
  a:start()
  b:start()
  a:wait_console(g.READY, 60)
  local code, out, err = g.cli("vncdisplay vnc1")
  t.eq(code, 0, "vncdisplay: " .. err)
  local na = tonumber(out:match("^:(%d+)\n"))
  t.check(na, "vncdisplay prints :N: " .. out)
  local nb = tonumber(b:vnc_display():match("^:(%d+)$"))
  t.check(na and nb and na ~= nb, string.format("two autoport guests: :%s and :%s",
    tostring(na), tostring(nb)))
  code, out = g.cli("domdisplay vnc1")
  t.eq(out, string.format("vnc://127.0.0.1:%d\n\n", na or -1), "domdisplay")
  t.eq(b:display("vnc"), string.format("vnc://127.0.0.1:%d", nb or -1), "d:display")
  t.raises("invalid", {"vnc1", "no spice display"}, function() a:display("spice") end)

  -- the password went over QMP: QEMU asks for it, its argv does not hold it
  local cmdline = g.read("/proc/" .. a:pid() .. "/cmdline")
  t.check(not cmdline:find("s3cr3tpw", 1, true), "password not in /proc/PID/cmdline")
  t.check(cmdline:find("password=on", 1, true), "VNC started with password=on")
  t.eq(vnc_security(5900 + na), "2", "vnc1 asks for the VNC password")
  t.eq(vnc_security(5900 + nb), "1", "vnc2 asks for nothing")

  local shot = g.root .. "/shot.ppm"
  code, out, err = g.cli("screenshot vnc1 " .. shot)
  t.eq(code, 0, "screenshot: " .. err)
  t.eq(out, "Screenshot saved to " .. shot .. ", with type of image/x-portable-pixmap\n\n",
    "screenshot message")
  local img = g.read(shot)
  local w, h, body = img:match("^P6\n(%d+) (%d+)\n255\n()")
  t.check(w and tonumber(w) > 0 and tonumber(h) > 0, "PPM header: " .. img:sub(1, 20))
  t.eq(#img - body + 1, tonumber(w or 0) * tonumber(h or 0) * 3, "PPM pixel data size")

  -- errors: no VNC, shut off, an unwritable file (nothing left behind)
  local c = virt.define_domain(xml("novnc"))
  t.raises("state", {"novnc", "not running"}, function() c:vnc_display() end)
  c:start()
  t.raises("invalid", {"novnc", "no VNC display"}, function() c:vnc_display() end)
  t.raises("system", {"vnc1", "/nonexistent/x.ppm"}, function() a:screenshot("/nonexistent/x.ppm") end)
  for _, d in ipairs({a, b, c}) do d:destroy(); d:undefine() end
  t.raises("no-domain", {"vnc1"}, function() virt.domain("vnc1"):vnc_display() end)
end)

t.done()
