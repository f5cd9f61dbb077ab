-- complete.lua - what the REPL (core/repl.c) offers on Tab: global names,
-- fields and methods through dots and colons, domain names in
-- virt.domain("...") and as the argument of a virsh-style command; and the
-- recognition of such command lines ("start web1", "list --all").
local M = {}

-- virsh's command names (../shared/COMMANDS.md), for when the cli module
-- does not say which commands it has.
local FALLBACK_COMMANDS = [[
list define create undefine start shutdown destroy reboot reset suspend
resume autostart dumpxml edit dominfo domstate domid domname domuuid
domrename desc domxml-to-native validate setvcpus vcpucount vcpuinfo vcpupin
emulatorpin setmem setmaxmem dommemstat memtune attach-disk detach-disk
attach-interface detach-interface attach-device detach-device update-device
change-media domblklist domiflist domblkinfo domblkstat domifstat
domif-setlink domif-getlink domstats cpu-stats console vncdisplay domdisplay
screenshot qemu-monitor-command qemu-agent-command domifaddr domhostname
send-key event top save restore managedsave managedsave-remove
snapshot-create-as snapshot-create snapshot-list snapshot-info
snapshot-current snapshot-revert snapshot-delete snapshot-dumpxml
snapshot-parent migrate blockcommit blockpull blockresize net-list net-define
net-create net-start net-destroy net-undefine net-autostart net-info
net-dumpxml net-edit net-update net-dhcp-leases net-uuid net-name pool-list
pool-define pool-define-as pool-create pool-create-as pool-build pool-start
pool-destroy pool-delete pool-undefine pool-autostart pool-info pool-dumpxml
pool-edit pool-refresh vol-list vol-create-as vol-create vol-create-from
vol-clone vol-delete vol-info vol-path vol-name vol-key vol-pool vol-dumpxml
vol-resize vol-upload vol-download vol-wipe capabilities domcapabilities
nodeinfo nodecpustats nodememstats freecell hostname uri version connect
install clone bridge batch help
]]

-- Commands whose first argument is not a domain name.
local NOT_DOMAIN_ARG = {}
for w in ([[list define create validate restore domxml-to-native
  capabilities domcapabilities nodeinfo nodecpustats nodememstats freecell
  hostname uri version connect install clone bridge batch help event top
  ]]):gmatch("%S+") do
  NOT_DOMAIN_ARG[w] = true
end

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in
  local nil not or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[w] = true
end

local function set_of(text)
  local set = {}
  for w in text:gmatch("%S+") do set[w] = true end
  return set
end

local FALLBACK_SET = set_of(FALLBACK_COMMANDS)

-- The cli module when it can be loaded (it is optional in the REPL).
local function cli_module()
  local ok, cli = pcall(require, "cli")
  if ok and type(cli) == "table" and type(cli.main) == "function" then
    return cli
  end
  return nil
end

-- The set of command names: cli.commands as a map keyed by name, an array
-- of names or of {name=...}, or a function returning one; else virsh's.
local function command_set(cli)
  local c = cli.commands
  if type(c) == "function" then
    local ok, r = pcall(c)
    c = ok and r or nil
  end
  if type(c) ~= "table" then return FALLBACK_SET end
  local set = {}
  for k, v in pairs(c) do
    if type(k) == "string" then set[k] = true end
    if type(v) == "string" then set[v] = true end
    if type(v) == "table" and type(v.name) == "string" then set[v.name] = true end
  end
  return next(set) and set or FALLBACK_SET
end

local function is_command(cli, word)
  if type(cli.is_command) == "function" then
    local ok, yes = pcall(cli.is_command, word)
    if ok then return yes and true or false end
  end
  return command_set(cli)[word] == true
end

-- Does a line starting with `first`, followed by `rest`, read as a command
-- rather than as Lua? Not if `first` is a keyword or a global, nor if what
-- follows makes it Lua (`start = 1`, `list.x`, `list(...)`, `a, b = ...`).
local function command_cli(first, rest)
  -- the global help(obj) is Lua only with Lua after it: `help start` (not
  -- Lua) and a bare `help` stay virsh's command
  local cli_help = first == "help" and (rest:match("^%s*$") or rest:match("^%s+[%a%-]"))
  if KEYWORDS[first] or (rawget(_G, first) ~= nil and not cli_help) then return nil end
  if rest:match("^%s*[=(%.:%[{,+*/%%^<>~]") then return nil end
  local cli = cli_module()
  if cli and is_command(cli, first) then return cli end
  return nil
end

--- Split a command line into words like a shell: blanks separate words,
-- '...' is literal, "..." allows \" \\ \$ \`, a backslash outside quotes
-- takes the next character. Raises on an unterminated quote.
function M.split_words(s)
  local words, cur, i, n = {}, nil, 1, #s
  while i <= n do
    local c = s:sub(i, i)
    if c:match("%s") then
      if cur then words[#words + 1], cur = cur, nil end
    elseif c == "'" then
      local j = s:find("'", i + 1, true)
      if not j then error("command line: unterminated ' quote", 0) end
      cur, i = (cur or "") .. s:sub(i + 1, j - 1), j
    elseif c == '"' then
      local buf, j = {}, i + 1
      while s:sub(j, j) ~= '"' do
        if j > n then error('command line: unterminated " quote', 0) end
        if s:sub(j, j) == "\\" and s:sub(j + 1, j + 1):match('["\\$`]') then
          j = j + 1
        end
        buf[#buf + 1] = s:sub(j, j)
        j = j + 1
      end
      cur, i = (cur or "") .. table.concat(buf), j
    elseif c == "\\" and i < n then
      cur, i = (cur or "") .. s:sub(i + 1, i + 1), i + 1
    else
      cur = (cur or "") .. c
    end
    i = i + 1
  end
  if cur then words[#words + 1] = cur end
  return words
end

--- The words of a virsh-style line ("start web1", "list --all") when its
-- first word is a command of the cli module and not a Lua global; nil when
-- the line is Lua or there is no cli module. Raises on bad quoting.
function M.command_words(line)
  local first, rest = line:match("^%s*(%a[%w_%-]*)(.*)$")
  if not first or (rest ~= "" and not rest:match("^%s")) then return nil end
  if not command_cli(first, rest) then return nil end
  return M.split_words(line)
end

---------------------------------------------------------------------------
-- Candidates

local function domain_names()
  local virt = rawget(_G, "virt")
  if type(virt) ~= "table" or type(virt.domain_rows) ~= "function" then return {} end
  local ok, rows = pcall(virt.domain_rows, { all = true })
  local names = {}
  for i, r in ipairs(ok and rows or {}) do names[i] = r.name end
  return ok and type(names) == "table" and names or {}
end

local function add_keys(out, t, only_functions)
  if type(t) ~= "table" then return end
  for k, v in next, t do
    if type(k) == "string" and (not only_functions or type(v) == "function") then
      out[#out + 1] = k
    end
  end
end

-- Names reachable from v with "." (all fields) or ":" (methods): its own
-- keys if a table, then its metatable's __methods / __properties lists and
-- __index table, following __index tables a few levels (classes).
local function member_names(v, methods_only)
  local out = {}
  if type(v) == "table" then add_keys(out, v, methods_only) end
  local mt = debug.getmetatable(v)
  for _ = 1, 4 do
    if type(mt) ~= "table" then break end
    for _, list in ipairs({ mt.__methods, not methods_only and mt.__properties or nil }) do
      if type(list) == "table" then
        for _, name in ipairs(list) do out[#out + 1] = name end
      end
    end
    local idx = rawget(mt, "__index")
    if type(idx) ~= "table" then break end
    add_keys(out, idx, methods_only)
    mt = debug.getmetatable(idx)
  end
  return out
end

local function global_names()
  local out = member_names(_G, false)
  for k in pairs(KEYWORDS) do out[#out + 1] = k end
  return out
end

-- Follow "a.b.c" from _G; nil if any step fails.
local function resolve(path)
  local v = _G
  for name in path:gmatch("[^.]+") do
    local ok, r = pcall(function() return v[name] end)
    if not ok or r == nil then return nil end
    v = r
  end
  return v
end

-- Candidates for a Lua expression word such as "virt.li", "d:sta",
-- "x+pri": the whole word with its last name completed.
local function lua_candidates(word)
  local head, path = word:match("^(.-)([%a_][%w_.:]*)$")
  if not path then
    if word ~= "" and not word:match("[^%w_.:]$") then return {} end
    head, path = word, ""
  end
  local base, sep, partial = path:match("^(.*)([.:])([%w_]*)$")
  local names
  if not base then
    base, sep, partial, names = "", "", path, global_names()
  else
    if base == "" or base:find(":", 1, true) then return {} end
    local v = resolve(base)
    if v == nil then return {} end
    names = member_names(v, sep == ":")
  end
  local out = {}
  for _, name in ipairs(names) do
    if type(name) == "string" and name:match("^[%a_][%w_]*$") and
        name:sub(1, #partial) == partial then
      out[#out + 1] = head .. base .. sep .. name
    end
  end
  return out
end

-- The strings of list that start with prefix, each followed by suffix.
local function starting_with(list, prefix, suffix)
  local out = {}
  for _, s in ipairs(list) do
    if type(s) == "string" and s:sub(1, #prefix) == prefix then
      out[#out + 1] = s .. (suffix or "")
    end
  end
  return out
end

-- For a command line being typed: candidates for the word, each followed
-- by a blank (and the closing quote) as a shell does, or nil if the line
-- is not a command line.
local function command_candidates(before, word)
  local quote = before:match("[\"']$")
  local b, sp = before:gsub("[\"']$", ""), (quote or "") .. " "
  local first, rest = b:match("^%s*(%a[%w_%-]*)(%s.*)$")
  if not first then return nil end
  local cli = command_cli(first, rest)
  if not cli then return nil end
  local ok, words = pcall(M.split_words, rest)
  if not ok then return {} end
  if type(cli.complete) == "function" then
    local ok2, list = pcall(cli.complete, first, words, word)
    if ok2 and type(list) == "table" then return starting_with(list, word, sp) end
  end
  local args = 0
  for _, w in ipairs(words) do
    if w:sub(1, 1) ~= "-" then args = args + 1 end
  end
  if args > 0 or word:sub(1, 1) == "-" then return {} end
  if first == "help" then
    local names = {}
    for name in pairs(command_set(cli)) do names[#names + 1] = name end
    return starting_with(names, word, " ")
  end
  if NOT_DOMAIN_ARG[first] or first:match("^net%-") or first:match("^pool%-") or
      first:match("^vol%-") then
    return {}
  end
  return starting_with(domain_names(), word, sp)
end

local function sorted_unique(list)
  table.sort(list)
  local out = {}
  for _, s in ipairs(list) do
    if s ~= out[#out] then out[#out + 1] = s end
  end
  return out
end

--- Completions of `word`, the end of `line` (the text before the cursor),
-- each the whole word as it should read, sorted. word defaults to the
-- trailing run of name characters of line.
function M.candidates(line, word)
  word = word or line:match("[^%s\"'`()%[%]{},;=+*/%%^<>~#&|!$\\]*$")
  local before = line:sub(1, #line - #word)
  if before:match("virt%.domain%s*%(%s*[\"']$") or
      before:match("virt%.find_domain%s*%(%s*[\"']$") then
    return sorted_unique(starting_with(domain_names(), word))
  end
  local list = command_candidates(before, word)
  if list then return sorted_unique(list) end
  list = lua_candidates(word)
  if before:match("^%s*$") then
    local cli = cli_module()
    if cli and not word:find("[.:]") then
      for name in pairs(command_set(cli)) do
        if name:sub(1, #word) == word then list[#list + 1] = name .. " " end
      end
    end
  end
  return sorted_unique(list)
end

return M
