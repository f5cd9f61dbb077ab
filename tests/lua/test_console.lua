-- test_console.lua - the serial console (issue 10): a stream for scripts
-- (expect a marker, send a command, read its answer); `luavirt console`
-- on a terminal (script(1)): Ctrl+] leaves and the terminal is given back;
-- a second session is refused, --force takes over; bad cases.
local g = require("guest")
local t = require("harness")

local d = virt.define_domain(g.xml("con"))
d:start()

local function sh_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

t.test("a stream: wait for the marker, send a command, read its answer", function()
  local s = d:console_stream()
  local boot = s:expect(g.READY, 90)
  t.check(boot:find(g.READY, 1, true), "the boot up to the marker")
  s:write("lv-cmd cpus\n")
  local out = s:expect("LUAVIRT-CPUS", 30)
  t.check(out:sub(-12) == "LUAVIRT-CPUS", "expect returns up to and with the text")
  local rest = ""
  t.check(t.eventually(function()
    rest = rest .. s:read{timeout = 5}
    return rest:find("\n", 1, true)
  end, 20), "read gives the rest of the answer: " .. rest)
  t.check(rest:match("^ [0-9-]+ %d+"), "cpus and memory: " .. rest)
  t.raises("timeout", {"con", "nothing new on the console", "1 s"}, function()
    s:read{timeout = 1}
  end)
  t.raises("timeout", {"con", "NEVER-THERE", "1 s"}, function() s:expect("NEVER-THERE", 1) end)
  s:close()
  t.check(not pcall(s.read, s), "a closed stream refuses")
  t.check(tostring(s):find("closed", 1, true), tostring(s))
end)

t.test("streams in parallel tasks: each waits without holding the other", function()
  local e = virt.create_domain(g.xml("con2"))
  e:wait_console(g.READY, 90)
  local r = virt.parallel({d, e}, function(dom)
    local s = dom:console_stream()
    dom:console_write("lv-cmd blocks\n")
    return s:expect("LUAVIRT-BLOCKS", 60)
  end)
  t.check(r[1].ok and r[2].ok, "both answered: " .. tostring(r[1].error or r[2].error))
  e:destroy()
end)

-- script(1) gives the command a terminal; in: what is typed
local function on_terminal(cmd, input, secs)
  local f = g.root .. "/typed"
  g.write(f, input)
  local p = io.popen(string.format("(sleep %s; cat %s) | LUAVIRT_ROOT=%s timeout 30 script -qec %s " ..
    "/dev/null; echo rc=$?", secs or 1, f, g.root, sh_quote(cmd)))
  local out = p:read("a")
  p:close()
  return out
end

t.test("luavirt console on a terminal: Ctrl+] leaves, the terminal comes back", function()
  local out = on_terminal("sh -c '" .. g.bin .. " console con; stty -a'", "\29", 2)
  t.check(out:find("Connected to domain 'con'", 1, true), out)
  t.check(out:find("Escape character is ^] (Ctrl + ])", 1, true), out)
  t.check(out:find(" icanon ", 1, true) and out:find(" echo ", 1, true),
    "canonical mode and echo are back after the console: " .. out:sub(-400))
  t.check(out:find("rc=0", 1, true), "exit 0")
end)

t.test("a second console session is refused; --force takes over", function()
  -- the first session: a terminal whose input stays open for 20 s
  local first = g.root .. "/first.out"
  os.remove(g.root .. "/run/qemu/con/console.lock")   -- the last session's pid
  os.execute(string.format("(sleep 20) | LUAVIRT_ROOT=%s timeout 30 script -qec %s %s " ..
    ">/dev/null 2>&1 &", g.root, sh_quote(g.bin .. " console con"), first))
  local err, holder
  t.check(t.eventually(function()
    -- (no input: should it attach before the first one does, it leaves at once)
    local p = io.popen("LUAVIRT_ROOT=" .. g.root .. " " .. g.bin ..
      " console con </dev/null 2>&1; echo rc=$?")
    err = p:read("a")
    p:close()
    holder = err:match("a console session is already attached %(pid (%d+)%)")
    return not err:find("rc=0", 1, true) and holder
  end, 20), "a second session is refused, naming the holder: " .. tostring(err))
  t.check(holder and g.sh("cat /proc/" .. holder .. "/cmdline | tr '\\0' ' '"):find("console con",
    1, true), "the holder is the first session")
  local out = on_terminal(g.bin .. " console con --force", "\29", 2)
  t.check(out:find("Connected to domain 'con'", 1, true) and out:find("rc=0", 1, true),
    "--force takes it over: " .. out)
  t.check(t.eventually(function()
    return not g.sh("ps -o pid= -p " .. holder):match("%d")
  end, 10), "the first session has left")
end)

t.test("bad cases: clear errors", function()
  local code, _, err = g.cli("console con --devname serial3")
  t.check(code ~= 0 and err:find("serial3", 1, true), err)
  d:destroy()
  code, _, err = g.cli("console con")
  t.check(code ~= 0 and err:find("con", 1, true) and err:find("not running", 1, true), err)
  t.raises("state", {"con", "not running"}, function() d:console_stream() end)
  d:undefine()
end)

g.cleanup()
t.done()
