-- test_events.lua - domain events (issue 10): callbacks registered with
-- d:on/virt.on hear started, suspended, resumed, reboot and stopped in
-- order through virt.loop; define/undefine, a guest's own power-off and a
-- transient guest are heard too; virt.events{} keeps what happened for a
-- later shell; `luavirt event` prints them as virsh event does.
local g = require("guest")
local t = require("harness")

local function words(list)
  local out = {}
  for _, ev in ipairs(list) do
    out[#out + 1] = ev.event and (ev.event .. " " .. ev.detail) or ev.type
  end
  return table.concat(out, ", ")
end

t.test("callbacks hear started, suspended, resumed, reboot, stopped in order", function()
  local d = virt.define_domain(g.xml("ev1"))
  local seen = {}
  d:on("lifecycle", function(ev)
    t.eq(ev.domain, d, "the event's domain object")
    seen[#seen + 1] = ev
  end)
  d:on("reboot", function(ev) seen[#seen + 1] = ev end)
  d:start()
  d:wait_console(g.READY, 90)
  d:suspend()
  d:resume()
  d:reset()
  d:destroy()
  t.eq(virt.loop{timeout = 20, count = 5}, 5, "five events reached the callbacks")
  t.eq(words(seen), "Started Booted, Suspended Paused, Resumed Unpaused, reboot, " ..
    "Stopped Destroyed", "in order")
  t.check(math.abs(seen[1].time - os.time()) < 120, "time is wall-clock seconds")
  t.eq(virt.loop{timeout = 0.2}, 0, "nothing more: the loop ends at its timeout")
  d:off()
  d:undefine()
end)

t.test("every domain: define, a guest's own power-off, undefine; a transient one", function()
  local seen = {}
  virt.on("lifecycle", function(ev)
    if ev.name == "ev2" or ev.name == "ev3" then seen[#seen + 1] = ev end
    if ev.name == "ev3" and ev.event == "Stopped" then virt.quit_loop() end
  end)
  local d = virt.define_domain(g.xml("ev2"))
  d:start()
  d:wait_console(g.READY, 90)
  d:shutdown()            -- ACPI: the guest powers itself off
  d:wait{state = "shut off", timeout = 60}
  d:undefine()
  local tr = virt.create_domain(g.xml("ev3"))
  tr:wait_console(g.READY, 90)
  tr:destroy()
  virt.loop{timeout = 30}
  virt.off()
  t.eq(words(seen), "Defined Added, Started Booted, Shutdown Finished, Stopped Shutdown, " ..
    "Undefined Removed, Started Booted, Stopped Destroyed", "all of them, in order")
end)

t.test("virt.loop in a virt.parallel task hears what another task does", function()
  local d = virt.define_domain(g.xml("ev5"))
  local seen = {}
  d:on("lifecycle", function(ev) seen[#seen + 1] = ev end)
  local r = virt.parallel({"listen", "act"}, function(role)
    if role == "listen" then return virt.loop{count = 2, timeout = 60} end
    d:start()
    d:wait_console(g.READY, 90)
    d:destroy()
    return "acted"
  end)
  t.eq(r[1].value, 2, "the listening task heard two events")
  t.eq(r[2].value, "acted", "while the other started and stopped the guest")
  t.eq(words(seen), "Started Booted, Stopped Destroyed", "in order")
  d:off()
  d:undefine()
end)

t.test("a later shell reads what happened: virt.events and luavirt event", function()
  local hist = virt.events{domain = "ev1"}
  t.eq(words(hist), "Defined Added, Started Booted, Suspended Paused, Resumed Unpaused, " ..
    "reboot, Stopped Destroyed, Undefined Removed", "ev1's history")
  t.eq(#virt.events{domain = "ev2", type = "reboot"}, 0, "filtered by type")
  -- the CLI: a one-shot wait in the background hears the next start
  local out = g.root .. "/event.out"
  os.execute(g.bin .. " event --all --timeout 60 > " .. out .. " 2>&1 & echo $! > " ..
    g.root .. "/event.pid")
  t.eventually(function()      -- it is listening once its reader is open
    return g.sh("ls -l /proc/$(cat " .. g.root .. "/event.pid)/fd 2>/dev/null | grep -c inotify")
      :match("^1")
  end, 20)
  local d = virt.define_domain(g.xml("ev4"))
  t.eventually(function() return g.read(out):find("events received", 1, true) end, 30)
  t.eq(g.read(out), "event 'lifecycle' for domain 'ev4': Defined Added\nevents received: 1\n\n",
    "virsh's layout, one event")
  d:undefine()
  local code, o = g.cli("event --list")
  t.eq(code, 0, "event --list")
  t.eq(o, "lifecycle\nreboot\n\n", "the event types")
  code, o = g.cli("event --all --timeout 1 --timestamp")
  t.eq(code, 0, "a timeout is no error")
  t.eq(o, "event loop timed out\nevents received: 0\n\n", "nothing happened")
end)

t.test("bad input: clear errors", function()
  local code, _, o = g.cli("event")
  t.check(code ~= 0 and o:find("either --list or --event <type> or --all is required", 1, true),
    "no event type: " .. o)
  code, _, o = g.cli("event nosuch --all")
  t.check(code ~= 0 and o:find("nosuch", 1, true), "unknown domain named: " .. o)
  t.raises("invalid", {"unknown event type 'bogus'"}, function()
    virt.on("bogus", function() end)
  end)
end)

g.cleanup()
t.done()
