-- test_parallel.lua - virt.parallel and virt.sleep (issue 9): tasks with
-- at most jobs at once, a result per item in order, an error in one item
-- reported while the others finish; the waits for a guest (its console,
-- its state) give way to the other tasks, so guests boot side by side.
local g = require("guest")
local t = require("harness")

local function clock() return virt.now() end

t.test("sleeps in four tasks take the time of one; jobs=1 takes them in turn", function()
  local t0 = clock()
  local r = virt.parallel({1, 2, 3, 4}, function(i) virt.sleep(0.5) return i * 10 end, {jobs = 4})
  local par = clock() - t0
  t.check(par < 1.2, "four 0.5 s sleeps side by side: " .. par .. " s")
  for i = 1, 4 do
    t.eq(r[i].ok, true, "item " .. i .. " ok")
    t.eq(r[i].value, i * 10, "item " .. i .. "'s value, in order")
  end
  t0 = clock()
  virt.parallel({1, 2, 3, 4}, function() virt.sleep(0.3) end, {jobs = 1})
  local ser = clock() - t0
  t.check(ser >= 1.1, "jobs=1: one after another: " .. ser .. " s")
  t0 = clock()
  virt.sleep(0.2)
  t.check(clock() - t0 >= 0.19, "virt.sleep outside a task sleeps")
end)

t.test("an error in one item is its result; the others finish", function()
  local r = virt.parallel({"a", "b", "c"}, function(x)
    virt.sleep(0.1)
    if x == "b" then virt.domain("no-such-guest") end
    return x:upper()
  end)
  t.eq(r[1].value, "A", "a done")
  t.eq(r[3].value, "C", "c done")
  t.eq(r[2].ok, false, "b failed")
  t.eq(r[2].error.code, "no-domain", "its error is the luavirt.error")
  t.check(r[2].error.message:find("no-such-guest", 1, true), r[2].error.message)
  local r2 = virt.parallel({1, 2}, function(i) coroutine.yield() return i end)
  t.eq(r2[2].value, 2, "a plain coroutine.yield in a task is fine")
  local inner = virt.parallel({1}, function()
    return #virt.parallel({1, 2, 3}, function(i) virt.sleep(0.05) return i end)
  end)
  t.eq(inner[1].value, 3, "parallel inside a task")
  t.raises("invalid", {"virt.parallel", "jobs"}, function()
    virt.parallel({1}, print, {jobs = 0})
  end)
  t.raises("invalid", {"virt.parallel", "bogus"}, function()
    virt.parallel({1}, print, {bogus = 1})
  end)
end)

t.test("three guests boot side by side: each task waits while the others start", function()
  local names = {"par1", "par2", "par3"}
  for _, n in ipairs(names) do virt.define_domain(g.xml(n)) end
  local started, ready = {}, {}
  local r = virt.parallel(names, function(n)
    local d = virt.domain(n)
    d:start()
    started[#started + 1] = n
    d:wait_console(g.READY, 120)
    ready[#ready + 1] = {n, #started}
    d:destroy()
    d:wait{state = "shut off", timeout = 30}
    return n
  end, {jobs = 3})
  for i, n in ipairs(names) do t.eq(r[i].value, n, n .. " booted") end
  t.eq(#ready, 3, "three markers seen")
  t.eq(ready[1][2], 3, "all three were started before the first one's marker came: " ..
    "the waits gave way")
  for _, n in ipairs(names) do virt.domain(n):undefine() end
end)

t.test("waits outside a task still block; bad waits say why at once", function()
  local d = virt.define_domain(g.xml("par4"))
  t.raises("state", {"par4", "an address", "shut off"}, function() d:wait{ip = true} end)
  t.raises("invalid", {"exclude"}, function() d:wait{ip = true, state = "running"} end)
  d:start()
  t.eq(d:wait_console(g.READY, 90), true, "wait_console outside a task")
  t.eq(d:wait{state = "running", timeout = 5}, true, "a state it is in")
  t.raises("timeout", {"par4", "address", "1 s"}, function()
    d:wait{ip = true, timeout = 1}     -- no NIC: no lease ever comes
  end)
  d:destroy()
  d:undefine()
end)

g.cleanup()
t.done()
