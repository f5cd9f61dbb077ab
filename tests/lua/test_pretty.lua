-- test_pretty.lua - pretty.lua and complete.lua (the REPL's Lua side) with a
-- fake `virt` and a fake `cli`; no QEMU. Run from the repo root with
-- LUA_PATH="lua/stdlib/?.lua;tests/lua/?.lua".
local t = require("harness")
local pretty = require("pretty")
local complete = require("complete")

-- A fake domain object: userdata-like with methods through __index and a
-- __methods list, as the C binding exposes them.
local dom_mt = {
  __index = { start = function() end, shutdown = function() end, name = "web1" },
  __methods = { "start", "shutdown", "destroy", "info" },
  __tostring = function(d) return "domain '" .. d.n .. "' (" .. d.s .. ")" end,
}
local function fake_dom(n, s)
  return setmetatable({ n = n, s = s }, dom_mt)
end

local function install_virt()
  _G.virt = {
    domains = function() return {} end,
    find_domain = function() end,
    domain = function() end,
    domain_rows = function(opts)
      assert(opts and opts.all)
      return { { name = "web2" }, { name = "db1" }, { name = "web1" } }
    end,
  }
end

local function install_cli(fields)
  local cli = { main = function() return 0 end }
  for k, v in pairs(fields or {}) do cli[k] = v end
  package.loaded.cli = cli
  return cli
end

local function remove_cli()
  package.loaded.cli = nil
  package.preload.cli = function() error("no cli here") end
end

local function same(got, want, msg)
  local a, b = table.concat(got, ","), table.concat(want, ",")
  return t.eq(a, b, msg)
end

-- ---------------------------------------------------------------- pretty

t.test("scalars", function()
  t.eq(pretty.format(42), "42")
  t.eq(pretty.format(1.5), "1.5")
  t.eq(pretty.format(nil), "nil")
  t.eq(pretty.format(true), "true")
  t.eq(pretty.format("a\"b\n"), [["a\"b\n"]])
  t.eq(pretty.format("\1x"), [["\001x"]])
end)

t.test("arrays and records", function()
  t.eq(pretty.format({}), "{}")
  t.eq(pretty.format({ 1, 2, "x" }), '{ 1, 2, "x" }')
  t.eq(pretty.format({ b = 1, a = "s", ["not id"] = true, [10] = 0 }),
    '{ [10] = 0, a = "s", b = 1, ["not id"] = true }')
  t.eq(pretty.format({ "x", y = 2 }), '{ "x", y = 2 }')
  t.eq(pretty.format({ ["end"] = 1 }), '{ ["end"] = 1 }')
end)

t.test("nested tables indent when long", function()
  local v = { name = "web1", disks = { { path = "/images/web1-disk.qcow2",
    format = "qcow2", bus = "virtio" } }, memory_kib = 1048576 }
  local want = table.concat({
    "{",
    "  disks = {",
    '    { bus = "virtio", format = "qcow2", path = "/images/web1-disk.qcow2" },',
    "  },",
    "  memory_kib = 1048576,",
    '  name = "web1",',
    "}",
  }, "\n")
  t.eq(pretty.format(v), want)
  v.disks[1].path = "/var/lib/luavirt/images/web1.qcow2"
  want = table.concat({
    "{",
    "  disks = {",
    "    {",
    '      bus = "virtio",',
    '      format = "qcow2",',
    '      path = "/var/lib/luavirt/images/web1.qcow2",',
    "    },",
    "  },",
    "  memory_kib = 1048576,",
    '  name = "web1",',
    "}",
  }, "\n")
  t.eq(pretty.format(v), want)
end)

t.test("cycles and depth", function()
  local a = { name = "a" }
  a.self = a
  t.eq(pretty.format(a), '{ name = "a", self = <cycle> }')
  local shared = { 1 }
  t.eq(pretty.format({ shared, shared }), "{ { 1 }, { 1 } }")
  t.eq(pretty.format({ { { 1 } } }, { max_depth = 2 }), "{ { {...} } }")
end)

t.test("objects through __tostring", function()
  t.eq(pretty.format(fake_dom("web1", "running")), "domain 'web1' (running)")
  t.eq(pretty.format({ fake_dom("a", "running"), fake_dom("b", "shut off") }),
    "{ domain 'a' (running), domain 'b' (shut off) }")
  local bad = setmetatable({}, { __tostring = function() error("boom") end })
  t.eq(pretty.format(bad), "<table>")
end)

t.test("array of records as columns", function()
  local rows = {
    { id = 1, name = "web1", state = "running" },
    { name = "db1", state = "shut off" },
    { id = 12, name = "web2", state = "paused" },
  }
  local want = table.concat({
    "id  name  state",
    "---------------",
    " 1  web1  running",
    " -  db1   shut off",
    "12  web2  paused",
  }, "\n")
  t.eq(pretty.format(rows), want)
  -- nested arrays of records stay Lua-like
  t.eq(pretty.format({ rows = { { a = 1 }, { a = 2 } } }),
    "{ rows = { { a = 1 }, { a = 2 } } }")
  -- records that are not alike are not a table
  t.eq(pretty.format({ { a = 1 }, { b = 2 } }), "{ { a = 1 }, { b = 2 } }")
  t.eq(pretty.format({ { a = 1 }, { a = 2 } }, { columns = false }),
    "{ { a = 1 }, { a = 2 } }")
end)

t.test("many items are cut", function()
  local big = {}
  for i = 1, 20 do big[i] = i end
  local s = pretty.format(big, { max_items = 5 })
  t.check(s:find("... (15 more)", 1, true), s)
end)

t.test("print", function()
  local out = {}
  local real = io.stdout
  io.stdout = { write = function(_, ...) for _, s in ipairs({ ... }) do out[#out + 1] = s end end }
  local ok, err = pcall(function()
    pretty.print("plain", 1, nil)
    pretty.print({ k = "v" })
    pretty.print()
  end)
  io.stdout = real
  t.check(ok, err)
  t.eq(table.concat(out), 'plain\t1\tnil\n{ k = "v" }\n')
end)

-- -------------------------------------------------------------- complete

t.test("globals and fields", function()
  install_virt()
  remove_cli()
  same(complete.candidates("virt.domains", "virt.domains"), { "virt.domains" })
  same(complete.candidates("x = virt.fi", "virt.fi"), { "virt.find_domain" })
  same(complete.candidates("stri", "stri"), { "string" })
  same(complete.candidates("fun", "fun"), { "function" })
  same(complete.candidates("string.up", "string.up"), { "string.upper" })
  same(complete.candidates("1+virt.domain_r", "1+virt.domain_r"), { "1+virt.domain_rows" })
  same(complete.candidates("nosuch.x", "nosuch.x"), {})
  same(complete.candidates("1.5", "1.5"), {})
end)

t.test("methods through the metatable", function()
  install_virt()
  _G.d = fake_dom("web1", "running")
  same(complete.candidates("d:s", "d:s"), { "d:shutdown", "d:start" })
  same(complete.candidates("d:de", "d:de"), { "d:destroy" })
  same(complete.candidates("d:", "d:"),
    { "d:destroy", "d:info", "d:shutdown", "d:start" })
  _G.s = "text"
  same(complete.candidates("s:len", "s:len"), { "s:len" })
  _G.d, _G.s = nil, nil
end)

t.test("domain names in strings", function()
  install_virt()
  same(complete.candidates('virt.domain("we', "we"), { "web1", "web2" })
  same(complete.candidates("d = virt.find_domain('d", "d"), { "db1" })
  same(complete.candidates('virt.domain("', ""), { "db1", "web1", "web2" })
  virt.domain_rows = function() error("no connection") end
  same(complete.candidates('virt.domain("we', "we"), {})
end)

t.test("command lines", function()
  install_virt()
  remove_cli()
  t.eq(complete.command_words("list --all"), nil, "no cli: Lua")
  same(complete.candidates("start we", "we"), {})
  install_cli()
  same(complete.command_words("list --all"), { "list", "--all" })
  same(complete.command_words([[start "my vm" 'a b' c\ d]]),
    { "start", "my vm", "a b", "c d" })
  same(complete.command_words("net-list"), { "net-list" })
  t.eq(complete.command_words("virt.domains()"), nil)
  t.eq(complete.command_words("list = 3"), nil)
  t.eq(complete.command_words("list.x"), nil)
  t.eq(complete.command_words("frobnicate web1"), nil)
  t.eq(complete.command_words("print 'x'"), nil, "a global")
  _G.start = 1
  t.eq(complete.command_words("start web1"), nil, "a global now")
  _G.start = nil
  local ok, err = pcall(complete.command_words, 'start "web1')
  t.check(not ok and tostring(err):find("unterminated", 1, true), err)
  same(complete.candidates("start we", "we"), { "web1 ", "web2 " })
  same(complete.candidates("start --paused d", "d"), { "db1 " })
  same(complete.candidates('start "we', "we"), { 'web1" ', 'web2" ' })
  same(complete.candidates("attach-disk web1 we", "we"), {})
  same(complete.candidates("net-start de", "de"), {})
  same(complete.candidates("sta", "sta"), { "start " })
  same(complete.candidates("help net-li", "net-li"), { "net-list " })
end)

t.test("cli's own command list and completer", function()
  install_virt()
  install_cli({ commands = { "hello", "list" } })
  same(complete.command_words("hello x"), { "hello", "x" })
  t.eq(complete.command_words("start web1"), nil)
  install_cli({ commands = { hello = {} } })
  same(complete.command_words("hello"), { "hello" })
  install_cli({ is_command = function(w) return w == "zap" end })
  same(complete.command_words("zap 1"), { "zap", "1" })
  install_cli({ complete = function(cmd, words, word)
    return { cmd .. #words, "x" .. word }
  end })
  same(complete.candidates("start a", "a"), {})
  same(complete.candidates("start x", "x"), { "xx " })
  remove_cli()
end)

t.done()
