-- test_domain.lua - domains end to end with real QEMU under TCG: the
-- lifecycle, transient guests, autostart, errors that change nothing,
-- a guest powering itself off, and races between shells.
local t = require("harness")
local g = require("guest")

local READY = g.READY

t.test("define, start, console, suspend, resume, reboot, shutdown, undefine", function()
  local d = virt.define_domain(g.xml("life"))
  t.eq(d.name, "life", "name")
  t.eq(d.state, "shut off", "state after define")
  t.eq(d.persistent, true, "persistent")
  t.check(d.uuid:match("^%x+%-%x+%-%x+%-%x+%-%x+$"), "uuid generated: " .. tostring(d.uuid))
  d:start()
  t.eq(d.state, "running", "state after start")
  t.check(type(d.id) == "number" and d.id > 0, "id while running")
  t.check(d:pid() ~= nil, "QEMU pid")
  d:wait_console(READY, 60)
  t.check(d:console_log():find(READY, 1, true), "marker in the console log")
  t.check(d:xml():find("<domain type='qemu' id='" .. d.id .. "'", 1, true),
    "live XML carries the id")
  t.check(d:xml():find("/dev/pts/", 1, true), "live XML carries the pty path")
  t.check(not d:xml{inactive = true}:find(" id=", 1, true), "inactive XML has no id")
  d:suspend()
  t.eq(d.state, "paused", "state after suspend")
  d:resume()
  t.eq(d.state, "running", "state after resume")
  -- reboot: ACPI power button answered by a reset; the guest boots again
  local offset = #d:console_log()
  d:reboot()
  d:wait_console("Linux version", 60, offset)
  d:wait_console(READY, 60, offset)
  t.eq(g.count(d:console_log(), READY), 2, "boots in the log")
  t.eq(d.state, "running", "state after reboot")
  d:wait_console(READY, 60)
  d:shutdown()
  d:wait{state = "shut off", timeout = 60}
  t.eq(d.state, "shut off", "state after ACPI shutdown")
  t.eq(select(2, d:state_reason()), "shutdown", "reason")
  t.check(d:console_log():find("LUAVIRT-SHUTDOWN", 1, true), "the guest saw the power button")
  t.eq(#g.qemu_pids("life"), 0, "no QEMU left")
  d:undefine()
  t.eq(virt.find_domain("life"), nil, "gone after undefine")
end)

t.test("suspend and resume in quick succession: each state read is right", function()
  local d = virt.create_domain(g.xml("sr"))
  for i = 1, 15 do
    d:suspend()
    t.eq(d.state, "paused", "paused #" .. i)
    d:resume()
    t.eq(d.state, "running", "running #" .. i)
  end
  d:destroy()
  t.raises("no-domain", {"sr"}, function() d:resume() end)  -- a transient guest is gone
end)

t.test("destroy stops QEMU at once and says so", function()
  local d = virt.define_domain(g.xml("des"))
  d:start()
  t.eq(#g.qemu_pids("des"), 1, "one QEMU")
  local t0 = os.time()
  t.eq(d:destroy(), d, "destroy returns the domain")
  -- whole seconds: under 3 s is "at once" beside destroy's 10 s kill timeout
  t.check(os.time() - t0 <= 3, "destroy took " .. (os.time() - t0) .. " s")
  t.eq(d.state, "shut off", "state after destroy")
  t.eq(select(2, d:state_reason()), "destroyed", "reason")
  t.eq(#g.qemu_pids("des"), 0, "QEMU gone")
  t.raises("state", {"des", "not running"}, function() d:destroy() end)
  d:undefine()
end)

t.test("transient create: running, then gone when stopped", function()
  local d = virt.create_domain(g.xml("tr"))
  t.eq(d.state, "running", "state")
  t.eq(d.persistent, false, "transient")
  local listed = virt.domains{}
  t.check(#listed == 1 and listed[1] == d, "listed while running")
  d:destroy()
  t.eq(virt.find_domain("tr"), nil, "gone after destroy")
  t.eq(#virt.domains{all = true}, 0, "not listed")
  t.check(t.eventually(function()
    return not io.open(g.root .. "/run/qemu/tr/status")
      and os.execute("test ! -d " .. g.root .. "/run/qemu/tr")
  end, 10), "nothing of it is left in the run dir")
end)

t.test("autostart flag and autostart_all", function()
  local d = virt.define_domain(g.xml("auto"))
  t.eq(d.autostart, false, "off by default")
  d:set_autostart(true)
  t.eq(d.autostart, true, "on")
  local rows = virt.autostart_all()
  t.eq(#rows, 1, "one autostart domain")
  t.eq(rows[1].ok, true, "started")
  t.eq(d.state, "running", "running after autostart_all")
  local listed = virt.domain_rows{all = true, autostart = true}
  t.eq(#listed, 1, "list autostart filter")
  d:destroy()
  d:set_autostart(false)
  t.eq(d.autostart, false, "off again")
  d:undefine()
end)

t.test("a guest that powers itself off is shut off with no shell watching", function()
  t.eq(g.write(g.root .. "/po.xml", g.xml("po", {cmdline = "lv.poweroff=1"})), nil)
  local code, _, err = g.cli("define " .. g.root .. "/po.xml")
  t.eq(code, 0, "define: " .. err)
  code, _, err = g.cli("start po")
  t.eq(code, 0, "start: " .. err)
  -- this process only waits; the supervisor alone sees the power-off
  local d = virt.domain("po")
  d:wait{state = "shut off", timeout = 60}
  local state, reason = d:state_reason()
  t.eq(state, "shut off", "state")
  t.eq(reason, "shutdown", "reason")
  t.eq(#g.qemu_pids("po"), 0, "QEMU gone")
  code = select(2, g.cli("domstate po"))
  t.check(code:find("shut off", 1, true), "domstate from a new process: " .. code)
  d:undefine()
end)

t.test("errors name the object and change nothing", function()
  local d = virt.define_domain(g.xml("err1"))
  d:start()
  local snap = g.snapshot()
  t.raises("state", {"err1", "already running"}, function() d:start() end)
  t.eq(#g.qemu_pids("err1"), 1, "still one QEMU")
  -- same name, another uuid
  local other = (g.xml("err1"):gsub("<name>", "<uuid>11111111-2222-3333-4444-555555555555</uuid><name>", 1))
  t.raises("exists", {"err1", "already exists"}, function() virt.define_domain(other) end)
  t.raises("xml", {"line"}, function() virt.define_domain("<domain type='qemu'><name>x</name>") end)
  t.raises("xml", {"frobnicate", "line"}, function()
    virt.define_domain((g.xml("err2"):gsub("<devices>", "<frobnicate/><devices>")))
  end)
  t.raises("no-domain", {"nosuch"}, function() virt.domain("nosuch") end)
  -- what start would refuse, define and validate refuse: the element named
  local ppc = (g.xml("err3"):gsub("<devices>",
    "<devices><controller type='scsi' index='3' model='ibmvscsi'/>", 1))
  t.raises("unsupported", {"err3", "controller 'scsi' 3", "ibmvscsi"}, function() virt.define_domain(ppc) end)
  local ok, problems = virt.validate(ppc)
  t.eq(ok, false, "validate refuses it too")
  t.check(table.concat(problems, "\n"):find("ibmvscsi", 1, true), "validate names the model")
  t.check(g.same_snapshot(snap, g.snapshot()), "state dir unchanged")
  t.eq(virt.find_domain("err2"), nil, "rejected XML defined nothing")
  d:destroy()
  d:undefine()
end)

t.test("two shells starting one guest at once: exactly one QEMU", function()
  virt.define_domain(g.xml("race"))
  local a = io.popen(g.bin .. " start race 2>&1; echo rc=$?")
  local b = io.popen(g.bin .. " start race 2>&1; echo rc=$?")
  local ra, rb = a:read("a"), b:read("a")
  a:close()
  b:close()
  local oks = select(2, (ra .. rb):gsub("rc=0", ""))
  t.eq(oks, 1, "exactly one start succeeded:\n" .. ra .. rb)
  t.check((ra .. rb):find("already running", 1, true), "the other says why")
  t.eq(#g.qemu_pids("race"), 1, "one QEMU")
  virt.domain("race"):destroy()
  virt.domain("race"):undefine()
end)

t.test("kill -9 of the shell mid-start leaves a state list reads right", function()
  virt.define_domain(g.xml("k9"))
  for _, delay in ipairs({"0.05", "0.2"}) do
    os.execute(g.bin .. " start k9 >/dev/null 2>&1 & pid=$!; sleep " .. delay ..
      "; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null")
    local d = virt.domain("k9")
    -- a supervisor the shell had forked may still be starting QEMU: wait
    -- until that is over, either way
    local st, n
    t.check(t.eventually(function()
      st, n = d.state, #g.qemu_pids("k9")
      local sup = g.sh("pgrep -f -- '[_]_supervise .*" .. g.root .. "/run/qemu/k9' || true")
      return n == 1 or (n == 0 and sup == "" and st == "shut off")
    end, 30), "the start settled: state " .. tostring(st) .. ", " .. tostring(n) .. " QEMU")
    -- whatever happened, what list says matches the processes
    if n == 1 then
      t.check(st == "running" or st == "paused", "QEMU alive, state " .. st)
      -- the supervisor finishes the start on its own
      d:wait{state = "running", timeout = 30}
      st = d.state
      local code, out = g.cli("list --all")
      t.eq(code, 0, "list")
      t.check(out:find("k9%s+" .. st), "list shows " .. st .. ":\n" .. out)
      d:destroy()
    else
      t.eq(n, 0, "no QEMU")
      t.eq(st, "shut off", "state with no QEMU")
    end
    t.eq(d.state, "shut off", "shut off after cleanup")
  end
  virt.domain("k9"):undefine()
end)

t.test("a start QEMU refuses fails at once with QEMU's reason; undefine leaves nothing", function()
  local x = g.xml("badcpu"):gsub("</os>", "</os><cpu mode='custom' match='exact'>" ..
    "<model fallback='forbid'>nosuchcpu</model></cpu>", 1)
  local d = virt.define_domain(x)
  local t0 = os.time()
  t.raises("qemu", {"domain 'badcpu'", "cannot start", "unable to find CPU model 'nosuchcpu'"},
    function() d:start() end)
  t.check(os.time() - t0 <= 5, "failed within seconds, not the start timeout: " ..
    (os.time() - t0) .. " s")
  t.eq(d.state, "shut off", "shut off after the failed start")
  t.eq(#g.qemu_pids("badcpu"), 0, "no QEMU left")
  local code, _, err = g.cli("start badcpu")
  t.check(code ~= 0 and err:find("nosuchcpu", 1, true), "CLI: non-zero exit, QEMU's reason")
  d:undefine()
  t.eq(g.sh("ls " .. g.root .. "/run/qemu/badcpu 2>&1"):find("No such file", 1, true) ~= nil,
    true, "no run dir left after undefine")
end)

g.cleanup()
t.done()
