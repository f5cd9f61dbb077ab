-- cli_args.lua - the declarative option parser of the virsh-style command
-- line. A command declares its positional arguments and its options; like
-- virsh, a positional may also be given by name (`start --domain web1`), and
-- options take `--opt value` or `--opt=value`. Usage errors name the command.
local M = {}

-- The metatable of the errors raised here; when the C runtime offers a
-- constructor (virt.error) the real luavirt.error type is used instead.
local err_meta = {
  __name = "luavirt.error",
  __tostring = function(e) return e.message end,
}

-- Raise a luavirt.error-like value {code, message, object, errno}.
-- `object` is the first quoted name in the message, as the C side does.
function M.raise(code, message)
  local virt = package.loaded.virt
  if type(virt) == "table" and type(virt.error) == "function" then
    error(virt.error(code, message), 0)
  end
  local e = setmetatable({code = code, message = message, errno = 0,
    object = message:match("'([^']*)'")}, err_meta)
  error(e, 0)
end

local function usage(fmt, ...)
  M.raise("invalid", string.format(fmt, ...))
end

local function find(list, name)
  for _, o in ipairs(list or {}) do
    if o.name == name then return o end
    for _, a in ipairs(o.aliases or {}) do
      if a == name then return o end
    end
  end
  return nil
end

-- "<domain>" / "--mode <string>" as virsh writes them in messages and help.
local function kind_of(o)
  return o.kind or (o.int and "number") or "string"
end

local function convert(cmd, o, value)
  if o.int then
    local n = math.tointeger(tonumber(value))
    if not n then
      usage("command '%s': numeric value '%s' for <%s> option is malformed",
        cmd.name, value, o.name)
    end
    return n
  end
  if o.choices then
    for _, c in ipairs(o.choices) do
      if c == value then return value end
    end
    usage("command '%s': invalid value '%s' for --%s (one of: %s)", cmd.name,
      value, o.name, table.concat(o.choices, ", "))
  end
  return value
end

local function store_arg(cmd, res, a, value)
  if a.rest then
    res[a.name] = res[a.name] or {}
    table.insert(res[a.name], value)
  else
    res[a.name] = convert(cmd, a, value)
  end
end

-- Handle one `--name[=value]` word at argv[i]; returns the next index.
local function long_option(cmd, argv, i, res, filled)
  local word = argv[i]
  local name, value = word:match("^%-%-([^=]+)=(.*)$")
  name = name or word:sub(3)
  local o = find(cmd.opts, name)
  local a = not o and find(cmd.args, name)
  if not o and not a then
    usage("command '%s' doesn't support option --%s", cmd.name, name)
  end
  local spec = o or a
  if o and not o.value then
    if value then
      usage("command '%s': option --%s takes no value", cmd.name, name)
    end
    res[o.name] = true
    return i + 1
  end
  if not value then
    value = argv[i + 1]
    if value == nil then
      usage("command '%s': expected syntax: --%s <%s>", cmd.name, name, kind_of(spec))
    end
    i = i + 1
  end
  if a then
    store_arg(cmd, res, a, value)
    filled[a.name] = true
  elseif o.multi then
    res[o.name] = res[o.name] or {}
    table.insert(res[o.name], convert(cmd, o, value))
  else
    res[o.name] = convert(cmd, o, value)
  end
  return i + 1
end

-- A `-x [value]` word: the option whose short name is x, as its long form.
local function short_option(cmd, argv, i, res, filled)
  local letter = argv[i]:sub(2)
  for _, o in ipairs(cmd.opts or {}) do
    if o.short == letter then
      local words = {"--" .. o.name}
      if o.value then words[2] = argv[i + 1] end
      long_option(cmd, words, 1, res, filled)
      return i + (o.value and 2 or 1)
    end
  end
  usage("command '%s' doesn't support option %s", cmd.name, argv[i])
end

local function positional(cmd, res, filled, word)
  for _, a in ipairs(cmd.args or {}) do
    if a.rest then
      filled[a.name] = true
      store_arg(cmd, res, a, word)
      return
    end
    if not filled[a.name] then
      filled[a.name] = true
      store_arg(cmd, res, a, word)
      return
    end
  end
  usage("command '%s': unexpected data '%s'", cmd.name, word)
end

-- Parse argv[first..] for cmd ({name, args = {...}, opts = {...}}):
-- args entries {name, optional=, int=, rest=, choices=}, opts entries
-- {name, value=bool (takes a value), int=, choices=, aliases=, short= (a
-- letter: -x is --name), multi= (given again: a list of values)}. Returns a
-- table name -> value (true for flags, an array for a rest argument).
-- Raises a luavirt.error (code "invalid") naming the command on misuse.
function M.parse(cmd, argv, first)
  local res, filled = {}, {}
  local i, ended = first or 1, false
  while i <= #argv do
    local word = argv[i]
    if not ended and word == "--" then
      ended = true
      i = i + 1
    elseif not ended and word:match("^%-%-.") then
      i = long_option(cmd, argv, i, res, filled)
    elseif not ended and word:match("^%-%a$") then
      i = short_option(cmd, argv, i, res, filled)
    elseif not ended and word:match("^%-%a") then
      usage("command '%s' doesn't support option %s", cmd.name, word)
    else
      positional(cmd, res, filled, word)
      i = i + 1
    end
  end
  for _, a in ipairs(cmd.args or {}) do
    if not a.optional and res[a.name] == nil then
      usage("command '%s' requires <%s> option", cmd.name, a.name)
    end
  end
  for _, o in ipairs(cmd.opts or {}) do
    if o.required and res[o.name] == nil then
      usage("command '%s' requires --%s option", cmd.name, o.name)
    end
  end
  return res
end

-- The synopsis line of help: `start <domain> [--console] [--paused]`.
function M.synopsis(cmd)
  local parts = {cmd.name}
  for _, a in ipairs(cmd.args or {}) do
    local s = "[--" .. a.name .. "] <" .. kind_of(a) .. ">"
    if a.rest then s = s .. "..." end
    if a.optional then s = "[" .. s .. "]" end
    table.insert(parts, s)
  end
  for _, o in ipairs(cmd.opts or {}) do
    local s = "--" .. o.name
    if o.value then s = s .. " <" .. kind_of(o) .. ">" end
    if not o.required then s = "[" .. s .. "]" end
    table.insert(parts, s)
  end
  return table.concat(parts, " ")
end

-- The OPTIONS lines of help: {{"[--domain] <string>", "domain name"}, ...}.
function M.option_lines(cmd)
  local lines = {}
  for _, a in ipairs(cmd.args or {}) do
    table.insert(lines, {"[--" .. a.name .. "] <" .. kind_of(a) .. ">", a.help or ""})
  end
  for _, o in ipairs(cmd.opts or {}) do
    local s = "--" .. o.name
    if o.value then s = s .. " <" .. kind_of(o) .. ">" end
    table.insert(lines, {s, o.help or ""})
  end
  return lines
end

return M
