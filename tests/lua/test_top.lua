-- test_top.lua - luavirt top (issue 10): the batch table with sane numbers
-- and the inactive count; on a terminal (script(1)) the alternate screen,
-- a sort key and q, and the terminal given back; bad options.
local g = require("guest")
local t = require("harness")

local function xml_vnc(name)
  return (g.xml(name):gsub("</devices>",
    "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/></devices>", 1))
end

local a = virt.define_domain(xml_vnc("topa"))
local b = virt.define_domain(g.xml("topb"))
virt.define_domain(g.xml("topc"))      -- stays shut off
a:start()
b:start()
a:wait_console(g.READY, 90)
b:wait_console(g.READY, 90)

local function row(out, name)
  local last
  for line in out:gmatch("[^\n]+") do
    if line:match("^%s*%d+%s+" .. name .. "%s") then last = line end
  end
  return last
end

t.test("top --batch: a row per active guest, the inactive counted, numbers", function()
  local code, out, err = g.cli("top --batch -n 2 -d 1 --sort name")
  t.eq(code, 0, "top --batch: " .. err)
  t.check(out:find("3 domains, 2 active, 2 running, 1 inactive", 1, true), out)
  local ra, rb = row(out, "topa"), row(out, "topb")
  t.check(ra and rb, "both rows:\n" .. out)
  t.check(not row(out, "topc"), "no row for the inactive one")
  -- ID NAME STATE PID %CPU %MEM VCPU MEM VNC RD WR
  local f = {}
  for w in (ra or ""):gmatch("%S+") do f[#f + 1] = w end
  t.eq(f[3], "running", "state")
  t.eq(tonumber(f[4]), a:pid(), "QEMU's pid")
  t.check(tonumber(f[5]) and tonumber(f[5]) >= 0 and tonumber(f[5]) <= 250,
    "%CPU of the second sample: " .. tostring(f[5]))
  t.check(tonumber(f[6]) and tonumber(f[6]) > 0, "%MEM: " .. tostring(f[6]))
  t.eq(f[7], "1", "vCPUs")
  t.eq(f[8], "128", "memory MiB")
  t.eq(f[9], a:vnc_display(), "the VNC display")
  local pa = out:find(row(out, "topa"), 1, true)
  t.check(pa and pa < out:find(row(out, "topb"), pa, true), "sorted by name")
end)

t.test("top on a terminal: alternate screen, sort key, q, terminal given back", function()
  local input = g.root .. "/top.in"
  -- n, then q after a moment (the first screen is drawn at once)
  g.write(input, "n")
  local cmd = string.format("(cat %s; sleep 1; printf q) | LUAVIRT_ROOT=%s timeout 30 " ..
    "script -qec '%s top -d 0.3' /dev/null; echo rc=$?", input, g.root, g.bin)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  t.check(out:find("rc=0", 1, true), "q quits, exit 0: " .. out:sub(-200))
  t.check(out:find("\27[?1049h", 1, true), "the alternate screen is entered")
  t.check(out:find("sort: n", 1, true), "n sorts by name")
  t.check(out:find("\27[?25h\27[?1049l", 1, true), "the cursor and screen given back")
end)

t.test("bad options: clear errors", function()
  local code, _, err = g.cli("top --batch -d 0")
  t.check(code ~= 0 and err:find("--delay", 1, true), err)
  code, _, err = g.cli("top --batch --sort bogus")
  t.check(code ~= 0 and err:find("bogus", 1, true), err)
end)

a:destroy()
b:destroy()
g.cleanup()
t.done()
