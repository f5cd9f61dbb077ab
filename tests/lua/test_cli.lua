-- test_cli.lua - the virsh-style command line end to end: runs the real
-- build/luavirt (LUAVIRT_BIN overrides) as a user would, each test with its
-- own LUAVIRT_ROOT, and a real TCG guest from build/guest. Runs under
-- luavirt or lua5.4, from the repo root: `build/luavirt tests/lua/test_cli.lua`.
-- test_cli_ssh_net.lua runs it once more with every command through
-- `-c qemu+ssh://...` (CLI_VIA: root -> the URI of that root's host).
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local t = require("harness")

local BIN = os.getenv("LUAVIRT_BIN") or "build/luavirt"
local GUEST = os.getenv("LUAVIRT_GUEST_DIR") or "build/guest"

local function sh_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function slurp(path)
  local f = io.open(path, "rb")
  if not f then return "" end
  local s = f:read("a")
  f:close()
  return s
end

local function spurt(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

-- searchable by others, like /var/lib/luavirt: a system-scope QEMU runs
-- as luavirt-qemu and must reach its run dir below
local function mktemp_dir()
  local p = io.popen("d=$(mktemp -d /tmp/luavirt-cli.XXXXXX) && chmod 711 $d && echo $d")
  local d = p:read("l")
  p:close()
  return d
end

-- A fresh state root, removed by cleanup() (after destroying what runs).
local roots = {}
local function new_root()
  local r = mktemp_dir()
  table.insert(roots, r)
  return r
end

-- Run `luavirt ARGS...` in root; returns exit status, stdout, stderr.
local function lv(root, ...)
  local words = CLI_VIA and {"-c", sh_quote(CLI_VIA(root))} or {}
  for _, a in ipairs({...}) do table.insert(words, sh_quote(a)) end
  local out, err = root .. "/.out", root .. "/.err"
  local cmd = string.format("LUAVIRT_ROOT=%s timeout 60 %s %s >%s 2>%s </dev/null",
    sh_quote(root), sh_quote(BIN), table.concat(words, " "), sh_quote(out), sh_quote(err))
  local _, _, code = os.execute(cmd)
  return code, slurp(out), slurp(err)
end

-- The test guest's XML with name substituted.
local function guest_xml(name)
  local tpl = slurp(GUEST .. "/guest-template.xml")
  local dir = GUEST:sub(1, 1) == "/" and GUEST or (os.getenv("PWD") or ".") .. "/" .. GUEST
  local subst = {NAME = name, MEMORY = "128", CMDLINE = "",
    KERNEL = dir .. "/vmlinuz", INITRD = dir .. "/initrd.img"}
  return (tpl:gsub("@(%u+)@", function(k) return subst[k] end))
end

local function guest_file(root, name)
  local path = root .. "/" .. name .. ".xml"
  spurt(path, guest_xml(name))
  return path
end

local function cleanup()
  for _, r in ipairs(roots) do
    local _, out = lv(r, "list", "--name")
    for name in out:gmatch("[^\n]+") do lv(r, "destroy", name) end
    os.execute("rm -rf " .. sh_quote(r))
  end
end

if not io.open(BIN, "rb") then
  print("skip: " .. BIN .. " not built")
  t.skip(BIN .. " not built")
  t.done()
end
local have_guest = io.open(GUEST .. "/guest-template.xml", "rb") ~= nil

t.test("define, list layouts, dominfo, domstate", function()
  if not have_guest then return t.skip("no " .. GUEST .. " (make guest)") end
  local root = new_root()
  local path = guest_file(root, "e2e1")
  local st, out, err = lv(root, "define", path)
  t.eq(st, 0, "define: " .. err)
  t.eq(out, "Domain 'e2e1' defined from " .. path .. "\n\n")

  st, out = lv(root, "list")
  t.eq(out, " Id   Name   State\n--------------------\n\n", "list, nothing running")
  st, out = lv(root, "list", "--all")
  t.eq(out, " Id   Name   State\n-----------------------\n -    e2e1   shut off\n\n")
  st, out = lv(root, "list", "--all", "--name")
  t.eq(out, "e2e1\n\n")
  st, out = lv(root, "list", "--inactive", "--uuid")
  t.check(out:match("^%x+%-%x+%-%x+%-%x+%-%x+\n\n$"), "uuid line: " .. out)
  st, out = lv(root, "list", "--all", "--json")
  t.check(out:find('"name": "e2e1"', 1, true) and out:find('"state": "shut off"', 1, true),
    "list --json: " .. out)

  st, out = lv(root, "dominfo", "e2e1")
  t.eq(st, 0)
  t.check(out:find("^Id:             %-\nName:           e2e1\nUUID:           %x"), out)
  for _, line in ipairs({"OS Type:        hvm", "State:          shut off",
      "CPU(s):         1", "Max memory:     131072 KiB", "Used memory:    131072 KiB",
      "Persistent:     yes", "Autostart:      disable", "Managed save:   no"}) do
    t.check(out:find("\n" .. line .. "\n", 1, true), "dominfo line '" .. line .. "': " .. out)
  end
  st, out = lv(root, "dominfo", "e2e1", "--json")
  t.check(out:find('"persistent": true', 1, true), out)
  st, out = lv(root, "domstate", "e2e1")
  t.eq(out, "shut off\n\n")
  st, out = lv(root, "domid", "e2e1")
  t.eq(out, "-\n\n")
  st, out = lv(root, "autostart", "--domain", "e2e1")
  t.eq(out, "Domain 'e2e1' marked as autostarted\n\n")
  st, out = lv(root, "list", "--all", "--autostart", "--name")
  t.eq(out, "e2e1\n\n")
  st, out = lv(root, "-q", "autostart", "e2e1", "--disable")
  t.eq(st, 0); t.eq(out, "")
  st, out = lv(root, "validate", path)
  t.eq(out, path .. " validates\n\n")
end)

t.test("start, running list, destroy, undefine", function()
  if not have_guest then return t.skip("no " .. GUEST .. " (make guest)") end
  local root = new_root()
  local path = guest_file(root, "e2e2")
  t.eq((lv(root, "define", path)), 0, "define")
  local st, out, err = lv(root, "start", "e2e2")
  t.eq(st, 0, "start: " .. err)
  t.eq(out, "Domain 'e2e2' started\n\n")
  st, out = lv(root, "list")
  local id = out:match("\n (%d+)%s+e2e2%s+running\n")
  t.check(id, "list shows running with an id: " .. out)
  st, out = lv(root, "domid", "e2e2")
  t.eq(out, (id or "?") .. "\n\n")
  st, out = lv(root, "domstate", "e2e2")
  t.eq(out, "running\n\n")
  st, out = lv(root, "dominfo", "e2e2")
  t.check(out:find("\nState:          running\n", 1, true), out)
  st, out, err = lv(root, "start", "e2e2")
  t.eq(st, 1, "second start fails")
  t.check(err:find("^error: ") and err:find("e2e2", 1, true), "second start: " .. err)
  st, out, err = lv(root, "destroy", "e2e2")
  t.eq(st, 0, "destroy: " .. err)
  t.eq(out, "Domain 'e2e2' destroyed\n\n")
  st, out = lv(root, "domstate", "--reason", "e2e2")
  t.eq(out, "shut off (destroyed)\n\n")
  st, out = lv(root, "list", "--all")
  t.check(out:find("\n %-    e2e2   shut off\n"), out)
  st, out = lv(root, "undefine", "e2e2")
  t.eq(out, "Domain 'e2e2' has been undefined\n\n")
  st, out = lv(root, "list", "--all", "--name")
  t.eq(out, "\n")
end)

t.test("errors", function()
  local root = new_root()
  local st, out, err = lv(root, "dominfo", "nope")
  t.eq(st, 1, "unknown domain")
  t.check(err:find("^error: ") and err:find("nope", 1, true), "unknown domain: " .. err)
  st, out, err = lv(root, "start", "nope")
  t.eq(st, 1); t.check(err:find("nope", 1, true), err)
  st, out, err = lv(root, "frobnicate")
  t.eq(st, 1); t.eq(err, "error: unknown command: 'frobnicate'\n")
  st, out, err = lv(root, "lsit")
  t.eq(st, 1); t.check(err:find("did you mean 'list'", 1, true), err)
  st, out, err = lv(root, "start")
  t.eq(st, 1); t.eq(err, "error: command 'start' requires <domain> option\n")
  st, out, err = lv(root, "list", "--bogus")
  t.eq(st, 1); t.eq(err, "error: command 'list' doesn't support option --bogus\n")
  st, out, err = lv(root, "define", root .. "/missing.xml")
  t.eq(st, 1)
  t.eq(err, "error: cannot read '" .. root .. "/missing.xml': No such file or directory\n")
  local bad = root .. "/bad.xml"
  spurt(bad, "<domain type='qemu'><name>bad</name><memory>\n")
  st, out, err = lv(root, "define", bad)
  t.eq(st, 1, "malformed XML"); t.check(err:find("^error: "), err)
  st, out = lv(root, "list", "--all", "--name")
  t.eq(out, "\n", "nothing defined")
end)

t.test("host commands and help", function()
  local root = new_root()
  local st, out = lv(root, "nodeinfo")
  t.eq(st, 0)
  t.check(out:find("^CPU model:           %S+\nCPU%(s%):              %d+\n"), out)
  t.check(out:find("\nMemory size:         %d+ KiB\n"), out)
  st, out = lv(root, "version")
  t.check(out:find("^Compiled against library: luavirt ") and
    out:find("\nRunning hypervisor: QEMU %d"), out)
  st, out = lv(root, "uri")
  t.check(out:find(CLI_VIA and "^qemu%+ssh://%S+\n" or "^qemu:///%a+\n"), out)
  st, out = lv(root, "hostname")
  t.check(out:find("^%S+\n\n$"), out)
  st, out = lv(root, "nodeinfo", "--json")
  t.check(out:find('"cpus":', 1, true), out)
  st, out = lv(root, "help")
  t.check(out:find("Domain Management (help keyword 'domain')", 1, true), out)
  st, out = lv(root, "help", "list")
  t.check(out:find("  NAME\n    list - list domains\n", 1, true), out)
end)

-- (through ssh, the REPL is test_remote_net's)
if not CLI_VIA then t.test("REPL on a terminal: libedit loaded on demand, Tab completes, commands and Lua run", function()
  local root = new_root()
  local input = root .. "/.in"
  -- "pri<Tab>" must complete to print; "list" is a virsh-style line
  spurt(input, "pri\t(6*7)\nlist\n")
  local cmd = string.format("LUAVIRT_ROOT=%s timeout 30 script -qec %s /dev/null <%s",
    sh_quote(root), sh_quote(BIN), sh_quote(input))
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  t.check(out:find("luavirt> ", 1, true), "prompt on the terminal: " .. out)
  t.check(out:find("\n42\r?\n"), "Tab completed pri to print and the line ran: " .. out)
  t.check(out:find("Id%s+Name%s+State"), "a virsh-style line in the REPL: " .. out)
  local code, o = lv(root, "-e", "print(1)")
  t.eq(code, 0, "one-shot")
  local maps = io.open("/proc/self/maps"):read("a")
  t.check(not maps:find("libedit", 1, true), "libedit is not mapped by a non-interactive run")
end) end

cleanup()
t.done()
