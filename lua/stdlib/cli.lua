-- cli.lua - the virsh-style command line: `luavirt list --all`. Finds the
-- command, parses its options (cli_args), runs it over the `virt` API and
-- turns raised luavirt.error values into `error: <message>` and exit 1.
-- Command modules (cmd_*.lua) return an array of command definitions:
--   {name=, group=, help= (one line), desc=, args={...}, opts={...},
--    json=true (adds --json), run=function(ctx, o) ... end}
local args_mod = require("cli_args")
local tbl = require("cli_table")

local M = {}

-- Groups in `help` order, after virsh's (help keyword, title).
local GROUPS = {
  {"domain", "Domain Management"},
  {"monitor", "Domain Monitoring"},
  {"host", "Host and Hypervisor"},
  {"interface", "Interface"},
  {"network", "Networking"},
  {"pool", "Storage Pool"},
  {"volume", "Storage Volume"},
  {"snapshot", "Snapshot"},
  {"recipe", "Recipes"},
  {"virsh", "luavirt itself"},
}

-- Command modules, loaded when present (others are added by other parts).
local MODULES = {
  "cmd_domain", "cmd_domxml", "cmd_dominfo", "cmd_domdev", "cmd_host",
  "cmd_network", "cmd_pool", "cmd_volume", "cmd_snapshot", "cmd_recipes",
  "cmd_domsave",
  "cmd_domnet", "cmd_clone",
  "cmd_domres", "cmd_event",
  "cmd_install", "cmd_batch", "cmd_bridge", "cmd_top", "cmd_migrate",
}

-- Which module defines which commands. Only a shortcut for one-shot
-- commands (parsing every module costs more than `list` itself): a name
-- not found here loads all modules. test_cli_unit checks it is complete.
M.INDEX = {
  cmd_domain = "define create undefine start shutdown destroy reboot reset suspend " ..
    "resume autostart autostart-all domrename console qemu-agent-command qemu-monitor-command",
  cmd_domxml = "dumpxml edit desc domxml-to-native validate",
  cmd_dominfo = "list dominfo domstate domid domname domuuid",
  cmd_host = "capabilities nodeinfo hostname uri version",
  cmd_pool = "pool-list pool-define-as pool-create-as pool-define pool-create pool-build " ..
    "pool-start pool-destroy pool-delete pool-undefine pool-autostart pool-refresh pool-info " ..
    "pool-dumpxml pool-edit",
  cmd_volume = "vol-list vol-create-as vol-create vol-create-from vol-clone vol-delete vol-wipe " ..
    "vol-resize vol-upload vol-download vol-info vol-dumpxml vol-path vol-name vol-key vol-pool",
  cmd_snapshot = "snapshot-create-as snapshot-create snapshot-list snapshot-info " ..
    "snapshot-current snapshot-revert snapshot-delete snapshot-dumpxml snapshot-parent",
  cmd_domsave = "save restore managedsave managedsave-remove",
  cmd_clone = "clone",
  cmd_install = "install",
  cmd_network = "net-list net-define net-create net-start net-destroy net-undefine net-autostart net-info net-dumpxml net-uuid net-name net-edit net-update net-dhcp-leases net-port-forward",
  cmd_domdev = "attach-disk detach-disk change-media update-device domblklist domblkinfo domblkstat blockresize",
  cmd_domnet = "attach-interface detach-interface domiflist domifstat domif-setlink " ..
    "domif-getlink domifaddr",
  cmd_domres = "setvcpus vcpucount vcpuinfo vcpupin emulatorpin setmem setmaxmem " ..
    "dommemstat domstats cpu-stats vncdisplay domdisplay screenshot",
  cmd_event = "event",
  cmd_batch = "batch",
  cmd_bridge = "bridge",
  cmd_top = "top",
  cmd_migrate = "migrate domjobinfo migrate-setspeed migrate-setmaxdowntime",
}

local registry = nil

local function help_cmd() return M.help_command end

-- Per-command setup done once, whichever way the command was loaded.
local function prepare(c)
  if c.json and not c.prepared then
    c.opts = c.opts or {}
    table.insert(c.opts, {name = "json", help = "print the result as JSON"})
  end
  c.prepared = true
  return c
end

-- The command name from its indexed module alone, or nil.
local function find_indexed(name)
  for m, names in pairs(M.INDEX) do
    if (" " .. names .. " "):find(" " .. name .. " ", 1, true) then
      for _, c in ipairs(require(m)) do
        if c.name == name then return prepare(c) end
      end
    end
  end
  return nil
end

local function load_registry()
  if registry then return registry end
  registry = {list = {}, by_name = {}}
  local function add(c)
    if registry.by_name[c.name] then
      error("cli: command '" .. c.name .. "' defined twice", 0)
    end
    prepare(c)
    registry.by_name[c.name] = c
    table.insert(registry.list, c)
  end
  for _, m in ipairs(MODULES) do
    if package.searchpath(m, package.path) then
      for _, c in ipairs(require(m)) do add(c) end
    end
  end
  add(help_cmd())
  table.sort(registry.list, function(a, b) return a.name < b.name end)
  return registry
end

-- Edit distance with transpositions (optimal string alignment), for
-- "did you mean": "lsit" is one step from "list".
local function distance(a, b)
  local d = {}
  for i = 0, #a do d[i] = {[0] = i} end
  for j = 0, #b do d[0][j] = j end
  for i = 1, #a do
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      local v = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and a:byte(i) == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
        v = math.min(v, d[i - 2][j - 2] + 1)
      end
      d[i][j] = v
    end
  end
  return d[#a][#b]
end

local function suggest(name)
  local best, best_d = nil, math.huge
  for _, c in ipairs(load_registry().list) do
    local d = distance(name, c.name)
    if c.name:sub(1, #name) == name and #name >= 3 then d = math.min(d, 1) end
    if d < best_d then best, best_d = c.name, d end
  end
  if best and best_d <= math.max(2, #name // 3) then return best end
  return nil
end

-- ---- help ----

local function group_title(key)
  for _, g in ipairs(GROUPS) do
    if g[1] == key then return g[2] end
  end
  return key
end

local function list_group(ctx, key)
  ctx.write(string.format(" %s (help keyword '%s'):\n", group_title(key), key))
  for _, c in ipairs(load_registry().list) do
    if (c.group or "virsh") == key then
      ctx.write(string.format("    %-30s %s\n", c.name, c.help or ""))
    end
  end
  ctx.write("\n")
end

local function help_all(ctx)
  ctx.write("Grouped commands:\n\n")
  local seen = {}
  for _, g in ipairs(GROUPS) do
    seen[g[1]] = true
    for _, c in ipairs(load_registry().list) do
      if (c.group or "virsh") == g[1] then list_group(ctx, g[1]); break end
    end
  end
  for _, c in ipairs(load_registry().list) do
    local key = c.group or "virsh"
    if not seen[key] then seen[key] = true; list_group(ctx, key) end
  end
end

local function help_one(ctx, c)
  ctx.write(string.format("  NAME\n    %s - %s\n\n", c.name, c.help or ""))
  ctx.write(string.format("  SYNOPSIS\n    %s\n\n", args_mod.synopsis(c)))
  if c.desc then
    ctx.write(string.format("  DESCRIPTION\n    %s\n\n", c.desc))
  end
  local lines = args_mod.option_lines(c)
  if #lines > 0 then
    ctx.write("  OPTIONS\n")
    for _, l in ipairs(lines) do
      ctx.write(string.format("    %-15s  %s\n", l[1], l[2]))
    end
    ctx.write("\n")
  end
end

M.help_command = {
  name = "help", group = "virsh",
  help = "print help",
  desc = "Prints global help, command specific help, or help for a group of related commands",
  args = {{name = "command", optional = true, help = "Prints global help, command specific help, or help for a group of related commands"}},
  run = function(ctx, o)
    if not o.command then return help_all(ctx) end
    local c = load_registry().by_name[o.command]
    if c then return help_one(ctx, c) end
    for _, c2 in ipairs(load_registry().list) do
      if (c2.group or "virsh") == o.command then return list_group(ctx, o.command) end
    end
    args_mod.raise("invalid", string.format("command or command group '%s' doesn't exist",
      o.command))
  end,
}

-- ---- the context handed to commands ----

local function strerror_of(msg, path)
  -- io.open's message is "<path>: <strerror>"
  local p = path .. ": "
  if msg and msg:sub(1, #p) == p then return msg:sub(#p + 1) end
  return msg or "unknown error"
end

local function make_ctx(env)
  local ctx = {virt = env.virt, quiet = env.quiet, trailer = true}
  ctx.write = env.out
  ctx.ewrite = env.err
  -- A result line (always printed).
  function ctx.print(s) env.out(s .. "\n") end
  -- An informational line ("Domain 'x' started"); --quiet drops it.
  function ctx.extra(s) if not ctx.quiet then env.out(s .. "\n") end end
  function ctx.json(v)
    ctx.trailer = false
    env.out(ctx.virt.json(v) .. "\n")
  end
  function ctx.table(headers, rows)
    env.out(tbl.render(headers, rows, {header = not ctx.quiet}))
  end
  function ctx.kv(pairs, width) env.out(tbl.kv(pairs, width)) end
  function ctx.raise(code, msg) args_mod.raise(code, msg) end
  function ctx.domain(name) return ctx.virt.domain(name) end
  -- The method `name` of object obj, or an "unsupported" error naming
  -- what is missing (for API parts a build may not have yet).
  function ctx.method(obj, name, what)
    local f = obj[name]
    if type(f) ~= "function" then
      args_mod.raise("unsupported", string.format("%s: %s is not supported by this build",
        tostring(what or obj), name))
    end
    return function(...) return f(obj, ...) end
  end
  function ctx.read_file(path)
    local f, msg = io.open(path, "rb")
    if not f then
      args_mod.raise("system", string.format("cannot read '%s': %s", path,
        strerror_of(msg, path)))
    end
    local data, rmsg = f:read("a")
    f:close()
    if not data then
      args_mod.raise("system", string.format("cannot read '%s': %s", path,
        tostring(rmsg)))
    end
    return data
  end
  function ctx.isatty()
    if env.isatty ~= nil then return env.isatty end
    local v = ctx.virt
    return type(v.isatty) == "function" and v.isatty(0) or false
  end
  -- Before the terminal is handed to another program (editor, console)
  -- or a prompt waits for an answer, what was written must be out.
  ctx.flush = env.flush or function() io.stdout:flush() end
  ctx.read_line = env.read_line or function() return io.read("l") end
  ctx.editor = env.editor or function(path) return ctx.virt.run_editor(path) end
  return ctx
end

local function default_out(s) io.stdout:write(s) end
local function default_err(s) io.stderr:write(s) end

local function report(env, e, trace)
  local msg = tostring(e)
  if type(e) == "string" then
    msg = e          -- a Lua error, a bug: keep its position
  end
  env.err("error: " .. msg .. "\n")
  if trace and os.getenv("LUAVIRT_DEBUG") then env.err(trace .. "\n") end
end

-- Leading global options: -q/--quiet, -h/--help. Returns the index of the
-- command word, or nil and an error message.
local function global_options(argv, env)
  local i = 1
  while argv[i] and argv[i]:sub(1, 1) == "-" do
    local a = argv[i]
    if a == "-q" or a == "--quiet" then
      env.quiet = true
    elseif a == "-h" or a == "--help" then
      return i, "help"
    else
      return nil, string.format("unsupported option '%s'; see 'luavirt help'", a)
    end
    i = i + 1
  end
  return i
end

-- Run one command line. argv is an array of words, command first (global
-- options -q/--quiet and -h/--help may come before it). env (optional):
-- virt (default: the global virt module), out and err (functions writing
-- a string; default stdout/stderr), isatty (bool), read_line, editor,
-- flush (for tests). Returns the exit status: 0 on success, 1 on any error,
-- which has been printed as "error: <message>" on err.
function M.main(argv, env)
  env = env or {}
  local e2 = {
    virt = env.virt or package.loaded.virt or rawget(_G, "virt"),
    out = env.out or default_out, err = env.err or default_err,
    isatty = env.isatty, read_line = env.read_line, editor = env.editor,
    flush = env.flush,
  }
  local first, special = global_options(argv, e2)
  if not first then
    report(e2, special)
    return 1
  end
  local name = special or argv[first]
  if not name then name = "help" end
  local ok_reg, reg = true, nil
  local cmd = not registry and find_indexed(name)
  if not cmd then
    ok_reg, reg = pcall(load_registry)
    if not ok_reg then
      report(e2, reg)
      return 1
    end
    cmd = reg.by_name[name]
  end
  if not cmd then
    e2.err(string.format("error: unknown command: '%s'\n", name))
    local s = suggest(name)
    if s then e2.err(string.format("did you mean '%s'?\n", s)) end
    return 1
  end
  local ok, o = pcall(args_mod.parse, cmd, argv, special and #argv + 1 or first + 1)
  if not ok then
    report(e2, o)
    return 1
  end
  -- a command that streams to the terminal runs on the remote host itself
  -- (through ssh -t: luavirt -c qemu+ssh://h2/system console vm1)
  if cmd.on_host and type(e2.virt) == "table" and rawget(e2.virt, "run_there") then
    local rok, st = pcall(e2.virt.run_there, argv)
    if not rok then
      report(e2, st)
      return 1
    end
    return st
  end
  local ctx = make_ctx(e2)
  local trace
  local rok, rerr = xpcall(cmd.run, function(e)
    trace = debug.traceback("", 2)
    return e
  end, ctx, o)
  if not rok then report(e2, rerr, trace) end
  -- virsh prints an empty line after every command it ran (vshCommandRun),
  -- except with --quiet; JSON output stays clean for parsers.
  if ctx.trailer and not ctx.quiet and not o.json then e2.out("\n") end
  if not rok then return 1 end
  if type(rerr) == "number" then return rerr end
  return 0
end

-- Is word a command name? (the REPL tells command lines from Lua with it)
function M.is_command(word)
  return load_registry().by_name[word] ~= nil
end

-- All commands (for completion in the REPL): array of names, sorted.
function M.commands()
  local names = {}
  for _, c in ipairs(load_registry().list) do table.insert(names, c.name) end
  return names
end

return M
