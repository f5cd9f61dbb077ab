-- test_cli_unit.lua - the command line without the binary: option parsing,
-- table layouts, dispatch, messages and errors over a fake `virt`.
-- Run: LUA_PATH='lua/stdlib/?.lua;tests/lua/?.lua' lua5.4 tests/lua/test_cli_unit.lua
local t = require("harness")
local args = require("cli_args")
local tbl = require("cli_table")
local cli = require("cli")

-- ---- a fake virt ----

local err_meta = {__tostring = function(e) return e.message end}
local function verr(code, msg)
  error(setmetatable({code = code, message = msg}, err_meta), 0)
end

local function fake_virt()
  local v = {calls = {}, doms = {}}
  local dom_mt = {}
  dom_mt.__index = dom_mt
  function dom_mt:start() self.state = "running"; self.id = 1; self.active = true
    table.insert(v.calls, "start " .. self.name) end
  function dom_mt:destroy() self.state = "shut off"; self.id = nil; self.active = false end
  function dom_mt:shutdown(o) v.last_mode = o and o.mode end
  function dom_mt:reboot() end
  function dom_mt:reset() end
  function dom_mt:suspend() self.state = "paused" end
  function dom_mt:resume() self.state = "running" end
  function dom_mt:undefine() v.doms[self.name] = nil end
  function dom_mt:set_autostart(b) self.autostart = b end
  function dom_mt:rename(n) v.doms[self.name] = nil; self.name = n; v.doms[n] = self end
  function dom_mt:xml() return self.xmltext end
  function dom_mt:redefine(x) self.xmltext = x end
  function dom_mt:description(o)
    if o and o.title then return self.title end
    return self.desc
  end
  function dom_mt:set_description(text, o)
    if o and o.title then self.title = text else self.desc = text end
  end
  function dom_mt:state_reason() return self.state, self.reason or "unknown" end
  function dom_mt:console() v.consoled = self.name end
  function dom_mt:qmp(name, a) return {name = name, args = a} end
  function dom_mt:info()
    return {state = self.state, id = self.id, uuid = self.uuid, os_type = "hvm",
      max_memory_kib = 262144, memory_kib = 262144, vcpus = 1,
      cpu_time_ns = self.id and 1234000000 or 0, persistent = self.persistent,
      autostart = self.autostart, managed_save = false, security_model = "none"}
  end
  local function mk(name, uuid, state, id, extra)
    local d = setmetatable({name = name, uuid = uuid, state = state, id = id,
      active = id ~= nil, persistent = true, autostart = false,
      xmltext = "<domain><name>" .. name .. "</name></domain>\n"}, dom_mt)
    for k, x in pairs(extra or {}) do d[k] = x end
    v.doms[name] = d
    return d
  end
  v.mk = mk
  mk("web1", "11111111-1111-1111-1111-111111111111", "running", 1)
  mk("db", "22222222-2222-2222-2222-222222222222", "shut off", nil,
    {autostart = true, reason = "destroyed"})
  mk("cache", "33333333-3333-3333-3333-333333333333", "paused", 2, {persistent = false})
  function v.domains(q)
    v.last_query = q
    local out = {}
    for _, d in pairs(v.doms) do
      local active = d.id ~= nil
      if (q and (q.all or (q.inactive and not active) or (not q.inactive and active)))
        or (not q and active) then
        table.insert(out, d)
      end
    end
    table.sort(out, function(a, b)
      if a.id and b.id then return a.id < b.id end
      if a.id or b.id then return a.id ~= nil end
      return a.name < b.name
    end)
    return out
  end
  v.domain_rows = v.domains
  function v.domain(n)
    for _, d in pairs(v.doms) do
      if d.name == n or d.uuid == n or tostring(d.id) == n then return d end
    end
    verr("no-domain", "domain '" .. n .. "': no such domain")
  end
  function v.define_domain(xml)
    local name = xml:match("<name>(.-)</name>")
    if not name then verr("xml", "domain XML line 1: missing <name>") end
    return v.doms[name] or mk(name, "44444444-4444-4444-4444-444444444444", "shut off")
  end
  function v.create_domain(xml)
    local d = v.define_domain(xml); d.persistent = false; d:start(); return d
  end
  function v.validate(xml)
    if xml:find("frobnicate") then return false, {"line 1: unsupported element <frobnicate>"} end
    return true, {}
  end
  function v.to_native() return {"qemu-system-x86_64", "-name", "guest=web1", "-append", "console=ttyS0 x"} end
  function v.json(x)
    -- a tiny encoder, enough for the tests (sorted keys, one line)
    local function enc(y)
      if type(y) == "table" then
        if #y > 0 or next(y) == nil then
          local p = {}
          for _, e in ipairs(y) do table.insert(p, enc(e)) end
          return "[" .. table.concat(p, ",") .. "]"
        end
        local keys = {}
        for k in pairs(y) do table.insert(keys, k) end
        table.sort(keys)
        local p = {}
        for _, k in ipairs(keys) do table.insert(p, string.format("%q:%s", k, enc(y[k]))) end
        return "{" .. table.concat(p, ",") .. "}"
      elseif type(y) == "string" then return string.format("%q", y)
      else return tostring(y) end
    end
    return enc(x)
  end
  function v.nodeinfo()
    return {model = "x86_64", memory_kib = 8179176, cpus = 8, mhz = 1000, sockets = 2,
      cores = 4, threads = 1, nodes = 1}
  end
  function v.version() return {luavirt = "0.1.0", qemu = "7.2.22"} end
  function v.hostname() return "host1" end
  function v.uri() return "qemu:///session" end
  function v.capabilities() return {default_type = "qemu", kvm = {present = false}} end
  function v.autostart_all()
    return {{name = "db", ok = true}, {name = "x", ok = false, error = "domain 'x': boom"}}
  end
  return v
end

-- Run a command line; returns status, stdout, stderr.
local function run(v, argv, extra)
  local out, err = {}, {}
  local env = {virt = v, out = function(s) table.insert(out, s) end,
    err = function(s) table.insert(err, s) end}
  for k, x in pairs(extra or {}) do env[k] = x end
  local st = cli.main(argv, env)
  return st, table.concat(out), table.concat(err)
end

-- ---- cli_args ----

local START = {name = "start", args = {{name = "domain"}},
  opts = {{name = "paused"}, {name = "mode", value = true}, {name = "n", value = true, int = true}}}

t.test("args: positional, flags, values", function()
  local o = args.parse(START, {"web1", "--paused", "--mode", "acpi"})
  t.eq(o.domain, "web1"); t.eq(o.paused, true); t.eq(o.mode, "acpi")
  o = args.parse(START, {"--mode=agent", "--domain", "db"})
  t.eq(o.domain, "db"); t.eq(o.mode, "agent"); t.eq(o.paused, nil)
  o = args.parse(START, {"--domain=x", "--n", "7"})
  t.eq(o.domain, "x"); t.eq(o.n, 7)
  o = args.parse(START, {"--", "--weird"})
  t.eq(o.domain, "--weird")
end)

t.test("args: errors name the command", function()
  t.raises("invalid", {"command 'start' requires <domain> option"}, args.parse, START, {})
  t.raises("invalid", {"command 'start' doesn't support option --frob"},
    args.parse, START, {"web1", "--frob"})
  t.raises("invalid", {"'start'", "--mode"}, args.parse, START, {"web1", "--mode"})
  t.raises("invalid", {"'start'", "unexpected data 'b'"}, args.parse, START, {"a", "b"})
  t.raises("invalid", {"'start'", "numeric"}, args.parse, START, {"a", "--n", "x"})
  t.raises("invalid", {"'start'", "-x"}, args.parse, START, {"a", "-x"})
  t.raises("invalid", {"takes no value"}, args.parse, START, {"a", "--paused=1"})
end)

t.test("args: rest argument and synopsis", function()
  local c = {name = "qmc", args = {{name = "domain"}, {name = "cmd", rest = true}}, opts = {{name = "hmp"}}}
  local o = args.parse(c, {"web1", "info", "--hmp", "status"})
  t.eq(table.concat(o.cmd, " "), "info status"); t.eq(o.hmp, true)
  t.eq(args.synopsis(c), "qmc [--domain] <string> [--cmd] <string>... [--hmp]")
end)

-- ---- cli_table ----

t.test("table: virsh list layout", function()
  local s = tbl.render({"Id", "Name", "State"},
    {{"1", "web1", "running"}, {"-", "db", "shut off"}})
  t.eq(s, " Id   Name   State\n" ..
          "-----------------------\n" ..
          " 1    web1   running\n" ..
          " -    db     shut off\n")
  t.eq(tbl.render({"Id", "Name", "State"}, {}), " Id   Name   State\n--------------------\n",
    "empty table")
  t.eq(tbl.render({"A", "B"}, {{"xx", "y"}}, {header = false}), " xx   y\n", "no header")
  t.eq(tbl.render({"A", "B"}, {{"é", "y"}}), " A   B\n--------\n é   y\n", "utf-8 width")
  t.eq(tbl.render({"N"}, {{"a\tb"}}), " N\n---------\n a\\x09b\n", "control characters")
end)

t.test("table: key/value blocks", function()
  t.eq(tbl.kv({{"Id:", "1"}, {"CPU time:", nil}, {"Name:", "web1"}}, 15),
    "Id:             1\nName:           web1\n")
end)

-- ---- dispatch and commands ----

t.test("list layouts", function()
  local v = fake_virt()
  local st, out = run(v, {"list"})
  t.eq(st, 0)
  t.eq(out, " Id   Name    State\n" ..
            "-----------------------\n" ..
            " 1    web1    running\n" ..
            " 2    cache   paused\n\n")
  st, out = run(v, {"list", "--all"})
  t.check(out:find(" %-    db      shut off\n"), "inactive row: " .. out)
  st, out = run(v, {"list", "--all", "--name"})
  t.eq(out, "web1\ncache\ndb\n\n")
  st, out = run(v, {"list", "--all", "--uuid", "--name"})
  t.check(out:find("^11111111%-1111%-1111%-1111%-111111111111 web1\n"), out)
  st, out = run(v, {"list", "--all", "--id"})
  t.eq(out, "1\n2\n\n")
  st, out = run(v, {"-q", "list", "--all", "--name"})
  t.eq(out, "web1\ncache\ndb\n")
  st, out = run(v, {"list", "--inactive", "--name"})
  t.eq(out, "db\n\n")
  st, out = run(v, {"list", "--state-paused", "--name"})
  t.eq(out, "cache\n\n")
  st, out = run(v, {"list", "--all", "--autostart", "--name"})
  t.eq(out, "db\n\n")
  st, out = run(v, {"list", "--all", "--transient", "--name"})
  t.eq(out, "cache\n\n")
  st, out = run(v, {"list", "--json"})
  t.check(out:find('^%[{"autostart":false,"id":1,"name":"web1"'), out)
  t.check(not out:find("\n\n$"), "no trailing blank line after JSON")
  st = run(v, {"list", "--table", "--name"})
  t.eq(st, 1)
end)

t.test("dominfo and domstate", function()
  local v = fake_virt()
  local st, out = run(v, {"dominfo", "web1"})
  t.eq(st, 0)
  t.eq(out, table.concat({
    "Id:             1", "Name:           web1",
    "UUID:           11111111-1111-1111-1111-111111111111",
    "OS Type:        hvm", "State:          running", "CPU(s):         1",
    "CPU time:       1.2s", "Max memory:     262144 KiB", "Used memory:    262144 KiB",
    "Persistent:     yes", "Autostart:      disable", "Managed save:   no",
    "Security model: none", "Security DOI:   0", "", ""}, "\n"))
  st, out = run(v, {"dominfo", "db"})
  t.check(out:find("^Id:             %-\n"), out)
  t.check(not out:find("CPU time"), "no CPU time when inactive")
  st, out = run(v, {"domstate", "db"})
  t.eq(out, "shut off\n\n")
  st, out = run(v, {"domstate", "--reason", "db"})
  t.eq(out, "shut off (destroyed)\n\n")
  st, out = run(v, {"domstate", "db", "--json"})
  t.eq(out, '{"reason":"destroyed","state":"shut off"}\n')
  st, out = run(v, {"domid", "db"}); t.eq(out, "-\n\n")
  st, out = run(v, {"domid", "web1"}); t.eq(out, "1\n\n")
  st, out = run(v, {"domname", "1"}); t.eq(out, "web1\n\n")
  st, out = run(v, {"domuuid", "db"}); t.eq(out, "22222222-2222-2222-2222-222222222222\n\n")
end)

t.test("lifecycle messages", function()
  local v = fake_virt()
  local cases = {
    {{"start", "db"}, "Domain 'db' started"},
    {{"suspend", "db"}, "Domain 'db' suspended"},
    {{"resume", "--domain", "db"}, "Domain 'db' resumed"},
    {{"shutdown", "db", "--mode=acpi"}, "Domain 'db' is being shutdown"},
    {{"reboot", "db"}, "Domain 'db' is being rebooted"},
    {{"reset", "db"}, "Domain 'db' was reset"},
    {{"destroy", "db"}, "Domain 'db' destroyed"},
    {{"autostart", "web1"}, "Domain 'web1' marked as autostarted"},
    {{"autostart", "web1", "--disable"}, "Domain 'web1' unmarked as autostarted"},
    {{"domrename", "db", "db2"}, "Domain successfully renamed"},
    {{"undefine", "db2"}, "Domain 'db2' has been undefined"},
  }
  for _, c in ipairs(cases) do
    local st, out, err = run(v, c[1])
    t.eq(st, 0, table.concat(c[1], " ") .. " status (" .. err .. ")")
    t.eq(out, c[2] .. "\n\n", table.concat(c[1], " "))
  end
  t.eq(v.last_mode, "acpi")
  t.eq(v.doms.db2, nil, "undefined")
  local st, out = run(v, {"-q", "start", "web1"})
  t.eq(st, 0); t.eq(out, "", "quiet")
  st = run(v, {"shutdown", "web1", "--mode", "signal"})
  t.eq(st, 1, "bad choice")
end)

t.test("define, create, validate, files", function()
  local v = fake_virt()
  local path = os.tmpname()
  local f = io.open(path, "w"); f:write("<domain><name>new1</name></domain>"); f:close()
  local st, out = run(v, {"define", path})
  t.eq(st, 0); t.eq(out, "Domain 'new1' defined from " .. path .. "\n\n")
  st, out = run(v, {"validate", path})
  t.eq(out, path .. " validates\n\n")
  f = io.open(path, "w"); f:write("<domain><name>c1</name></domain>"); f:close()
  st, out = run(v, {"create", path, "--console"})
  t.eq(st, 0)
  t.eq(out, "Domain 'c1' created from " .. path .. "\nConnected to domain 'c1'\n" ..
    "Escape character is ^] (Ctrl + ])\n\n")
  t.eq(v.consoled, "c1")
  f = io.open(path, "w"); f:write("<domain><frobnicate/></domain>"); f:close()
  local err
  st, out, err = run(v, {"validate", path})
  t.eq(st, 1)
  t.check(err:find("unsupported element <frobnicate>", 1, true), err)
  t.check(err:find("error: " .. path .. " fails to validate", 1, true), err)
  st, out, err = run(v, {"define", path})
  t.eq(st, 1); t.eq(err, "error: domain XML line 1: missing <name>\n")
  os.remove(path)
  st, out, err = run(v, {"define", "/nonexistent/x.xml"})
  t.eq(st, 1)
  t.eq(err, "error: cannot read '/nonexistent/x.xml': No such file or directory\n")
  st, out = run(v, {"domxml-to-native", "qemu-argv", "--domain", "web1"})
  t.eq(out, "qemu-system-x86_64 -name guest=web1 -append 'console=ttyS0 x'\n\n")
  st, out, err = run(v, {"domxml-to-native", "xen-xm", "--domain", "web1"})
  t.eq(st, 1); t.check(err:find("xen%-xm"), err)
end)

t.test("errors", function()
  local v = fake_virt()
  local st, out, err = run(v, {"dominfo", "nope"})
  t.eq(st, 1); t.eq(err, "error: domain 'nope': no such domain\n")
  st, out, err = run(v, {"lsit"})
  t.eq(st, 1); t.eq(err, "error: unknown command: 'lsit'\ndid you mean 'list'?\n")
  t.eq(out, "")
  st, out, err = run(v, {"frobnicate"})
  t.eq(err, "error: unknown command: 'frobnicate'\n")
  st, out, err = run(v, {"start"})
  t.eq(st, 1); t.eq(err, "error: command 'start' requires <domain> option\n")
  st, out, err = run(v, {"list", "--bogus"})
  t.eq(st, 1); t.eq(err, "error: command 'list' doesn't support option --bogus\n")
  st, out, err = run(v, {"undefine", "web1", "--remove-all-storage"})
  t.eq(st, 1); t.check(err:find("not supported"), err)
  t.check(v.doms.web1 ~= nil, "nothing undefined")
  st, out, err = run(v, {"autostart-all"})
  t.eq(st, 1); t.eq(out, "Domain 'db' started\n\n"); t.eq(err, "error: domain 'x': boom\n")
end)

t.test("edit", function()
  local v = fake_virt()
  local d = v.doms.web1
  local function editor_writing(text)
    return function(path)
      local f = io.open(path, "w"); f:write(text); f:close(); return 0
    end
  end
  local st, out = run(v, {"edit", "web1"}, {editor = function() return 0 end})
  t.eq(st, 0); t.eq(out, "Domain 'web1' XML configuration not changed.\n\n")
  st, out = run(v, {"edit", "web1"}, {editor = editor_writing("<domain><name>web1</name><x/></domain>")})
  t.eq(st, 0); t.eq(out, "Domain 'web1' XML configuration edited.\n\n")
  t.eq(d.xmltext, "<domain><name>web1</name><x/></domain>")
  local before = d.xmltext
  local err
  st, out, err = run(v, {"edit", "web1"}, {isatty = false,
    editor = editor_writing("<domain><frobnicate/></domain>")})
  t.eq(st, 1); t.eq(d.xmltext, before, "invalid edit not saved")
  t.check(err:find("unsupported element <frobnicate>", 1, true), err)
  t.check(err:find("changes not saved", 1, true), err)
  -- on a terminal: answer y, then the second edit is valid
  local n = 0
  st, out = run(v, {"edit", "web1"}, {isatty = true,
    read_line = function() return "y" end,
    editor = function(path)
      n = n + 1
      local f = io.open(path, "w")
      f:write(n == 1 and "<domain><frobnicate/></domain>" or "<domain><name>web1</name><y/></domain>")
      f:close()
      return 0
    end})
  t.eq(st, 0); t.eq(n, 2)
  t.check(out:find("Try again? [y,n,i,f,?]: ", 1, true), out)
  t.eq(d.xmltext, "<domain><name>web1</name><y/></domain>")
  st, out, err = run(v, {"edit", "web1"}, {editor = function() return 3 end})
  t.eq(st, 1); t.check(err:find("status 3"), err)
end)

t.test("desc, host commands, help", function()
  local v = fake_virt()
  local st, out = run(v, {"desc", "web1"})
  t.eq(out, "No description for domain: web1\n\n")
  st, out = run(v, {"desc", "web1", "a", "web", "server"})
  t.eq(out, "Domain description updated successfully\n\n")
  st, out = run(v, {"desc", "web1"}); t.eq(out, "a web server\n\n")
  st, out = run(v, {"desc", "web1", "--title", "--new-desc", "Web"})
  t.eq(v.doms.web1.title, "Web")
  st, out = run(v, {"nodeinfo"})
  t.eq(out, table.concat({"CPU model:           x86_64", "CPU(s):              8",
    "CPU frequency:       1000 MHz", "CPU socket(s):       2", "Core(s) per socket:  4",
    "Thread(s) per core:  1", "NUMA cell(s):        1", "Memory size:         8179176 KiB",
    "", ""}, "\n"))
  st, out = run(v, {"version"})
  t.check(out:find("Running hypervisor: QEMU 7.2.22\n", 1, true), out)
  st, out = run(v, {"version", "--json"})
  t.eq(out, '{"luavirt":"0.1.0","qemu":"7.2.22"}\n')
  st, out = run(v, {"uri"}); t.eq(out, "qemu:///session\n\n")
  st, out = run(v, {"hostname"}); t.eq(out, "host1\n\n")
  st, out = run(v, {"capabilities"}); t.check(out:find("default_type: qemu"), out)
  st, out = run(v, {"help"})
  t.eq(st, 0)
  t.check(out:find(" Domain Management (help keyword 'domain'):\n", 1, true), out)
  t.check(out:find(" Domain Monitoring (help keyword 'monitor'):\n", 1, true), out)
  t.check(out:find(" Host and Hypervisor (help keyword 'host'):\n", 1, true), out)
  t.check(out:find("    list                           list domains\n", 1, true), out)
  st, out = run(v, {"help", "start"})
  t.check(out:find("  SYNOPSIS\n    start [--domain] <string> [--console] [--paused]\n", 1, true), out)
  st, out = run(v, {"help", "host"})
  t.check(out:find("nodeinfo") and not out:find("dominfo"), out)
  st = run(v, {"help", "nope"}); t.eq(st, 1)
  st, out = run(v, {"--help"}); t.check(out:find("Grouped commands"), out)
  st, out = run(v, {"qemu-monitor-command", "web1", "query-status"})
  t.eq(out, '{"return":{"name":"query-status"}}\n\n')
  -- the real JSON coder from here on (the fake one writes one line only)
  v.json, v.json_decode = virt.json, virt.json_decode
  st, out = run(v, {"qemu-monitor-command", "web1", '{"execute":"query-kvm"}'})
  t.eq(out, '{"return":{"name":"query-kvm"}}\n\n', "JSON input as virsh takes it")
  st, out = run(v, {"qemu-monitor-command", "web1", "--pretty", "query-kvm"})
  t.eq(out, '{\n  "return": {\n    "name": "query-kvm"\n  }\n}\n\n', "--pretty")
  st, out = run(v, {"qemu-monitor-command", "web1", '{"execute":'})
  t.eq(st, 1, "bad JSON fails")
  t.check(cli.is_command("list") and not cli.is_command("nope"), "is_command")
end)

t.test("the command index names exactly what each module defines", function()
  for m, names in pairs(cli.INDEX) do
    local want = {}
    for _, c in ipairs(require(m)) do want[#want + 1] = c.name end
    t.eq(names, table.concat(want, " "), "index of " .. m)
  end
  -- every command of every module is reachable (indexed or not)
  local all = cli.commands()
  t.check(#all > 30, "commands listed: " .. #all)
end)

t.done()
