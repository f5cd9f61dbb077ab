-- cmd_domxml.lua - domain XML commands of the command line: dumpxml, edit
-- (validated before saving, with virsh's "Try again?" loop), desc,
-- domxml-to-native and validate (like virt-xml-validate).
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}

local function add(c)
  c.group = c.group or "domain"
  table.insert(M, c)
end

local function write_file(ctx, path, data)
  local f, msg = io.open(path, "wb")
  if not f then ctx.raise("system", string.format("cannot write '%s': %s", path, msg)) end
  local ok, wmsg = f:write(data)
  local cok, cmsg = f:close()
  if not ok or not cok then
    ctx.raise("system", string.format("cannot write '%s': %s", path, tostring(wmsg or cmsg)))
  end
end

-- Run fn(path) on a temporary file holding `data`; the file is removed
-- afterwards whatever happens.
local function with_temp(ctx, data, fn)
  local path = os.tmpname()
  local ok, res = pcall(function()
    write_file(ctx, path, data)
    return fn(path)
  end)
  os.remove(path)
  if not ok then error(res, 0) end
  return res
end

local function run_editor(ctx, path, what)
  ctx.flush()
  local st = ctx.editor(path)
  if st ~= 0 then
    ctx.raise("system", string.format("%s: editor exited with status %s; changes not saved",
      what, tostring(st)))
  end
  return ctx.read_file(path)
end

add({
  name = "dumpxml", help = "domain information in XML",
  desc = "Output the domain information as an XML dump to stdout.",
  args = {DOMAIN},
  opts = {
    {name = "inactive", help = "show inactive defined XML"},
    {name = "security-info", help = "include security sensitive information in XML dump"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local xml = d:xml({inactive = o.inactive or nil, security_info = o["security-info"] or nil})
    ctx.write(xml:sub(-1) == "\n" and xml or xml .. "\n")
  end,
})

-- ---- edit ----

local REEDIT_HELP = [[
y - yes, start editor again
n - no, throw away my changes
i - turn off validation and try to redefine again (keep unknown elements)
f - force, try to redefine again
? - print this help]]

-- virsh's vshAskReedit: nil when stdin is not a terminal (fail, save nothing).
local function ask_reedit(ctx)
  if not ctx.isatty() then return nil end
  while true do
    ctx.write("Failed. Try again? [y,n,i,f,?]: ")
    ctx.flush()
    local line = ctx.read_line()
    if line == nil then return "n" end
    local c = line:sub(1, 1):lower()
    if c == "?" then
      ctx.write(REEDIT_HELP .. "\n")
    elseif c == "y" or c == "n" or c == "i" or c == "f" then
      return c
    end
  end
end

-- Try to save the edited XML; returns true or the list of problems.
local function try_save(ctx, d, xml, relaxed)
  if not relaxed then
    local ok, problems = ctx.virt.validate(xml)
    if not ok then return problems or {"invalid XML"} end
  end
  local ok, err = pcall(function()
    if relaxed then
      ctx.virt.define_domain(xml, {keep_unknown = true})
    else
      d:redefine(xml)
    end
  end)
  if ok then return true end
  return {tostring(err)}
end

local function edit_loop(ctx, d, path, orig)
  local name = d.name
  local edited = run_editor(ctx, path, string.format("domain '%s'", name))
  if edited == orig then
    ctx.extra(string.format("Domain '%s' XML configuration not changed.", name))
    return 0
  end
  local relaxed = false
  while true do
    local res = try_save(ctx, d, edited, relaxed)
    if res == true then
      ctx.extra(string.format("Domain '%s' XML configuration edited.", name))
      return 0
    end
    for _, p in ipairs(res) do ctx.ewrite("error: " .. tostring(p) .. "\n") end
    local c = ask_reedit(ctx)
    if c == nil or c == "n" then
      ctx.raise("invalid", string.format(
        "domain '%s': edited XML rejected; changes not saved", name))
    elseif c == "y" then
      relaxed = false
      edited = run_editor(ctx, path, string.format("domain '%s'", name))
      if edited == orig then
        ctx.extra(string.format("Domain '%s' XML configuration not changed.", name))
        return 0
      end
    elseif c == "i" then
      relaxed = true
    end
  end
end

add({
  name = "edit", help = "edit XML configuration for a domain",
  desc = "Edit the XML configuration for a domain in $VISUAL/$EDITOR; the result is validated and only a valid one is saved.",
  args = {DOMAIN},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local orig = d:xml({inactive = true, security_info = true})
    return with_temp(ctx, orig, function(path)
      return edit_loop(ctx, d, path, orig)
    end)
  end,
})

-- ---- desc ----

add({
  name = "desc", help = "show or set domain's description or title",
  desc = "Allows setting or modifying the description or title of a domain.",
  args = {DOMAIN, {name = "new-desc", rest = true, optional = true,
    help = "message to be used as new description"}},
  opts = {
    {name = "live", help = "modify/get running state"},
    {name = "config", help = "modify/get persistent configuration"},
    {name = "current", help = "modify/get current state configuration"},
    {name = "title", help = "modify/get the title instead of description"},
    {name = "edit", help = "open an editor to modify the description"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local what = o.title and "title" or "description"
    local text = o["new-desc"] and table.concat(o["new-desc"], " ")
    if o.edit then
      local cur = d:description({title = o.title or nil}) or ""
      text = with_temp(ctx, cur, function(path)
        return run_editor(ctx, path, string.format("domain '%s'", d.name))
      end)
      if o.title then text = text:gsub("\n.*$", "") end
      if text == cur then
        ctx.extra(string.format("Domain %s not changed", what))
        return
      end
    end
    if text == nil then
      local cur = d:description({title = o.title or nil})
      if cur and cur ~= "" then
        ctx.print(cur)
      else
        ctx.extra(string.format("No %s for domain: %s", what, d.name))
      end
      return
    end
    d:set_description(text, {title = o.title or nil, live = o.live or nil,
      config = o.config or nil})
    ctx.extra(string.format("Domain %s updated successfully", what))
  end,
})

-- ---- domxml-to-native, validate ----

-- Quote a word for a shell the way virCommandToString shows argv.
local function shell_word(w)
  if w ~= "" and not w:find("[^%w%-_./=:,@+%%]") then return w end
  return "'" .. w:gsub("'", "'\\''") .. "'"
end

add({
  name = "domxml-to-native", help = "Convert domain XML to native config",
  desc = "Convert domain XML config to a native guest configuration format (qemu-argv).",
  args = {
    {name = "format", choices = {"qemu-argv"}, help = "target config data type format"},
    {name = "xml", optional = true, help = "xml data file to export from"},
  },
  opts = {{name = "domain", value = true, help = "domain name, id or uuid"}},
  run = function(ctx, o)
    local xml
    if o.xml and o.domain then
      ctx.raise("invalid", "command 'domxml-to-native': options --domain and --xml are mutually exclusive")
    elseif o.xml then
      xml = ctx.read_file(o.xml)
    elseif o.domain then
      xml = ctx.domain(o.domain):xml({})
    else
      ctx.raise("invalid", "command 'domxml-to-native' requires --domain or --xml option")
    end
    local words = {}
    for _, w in ipairs(ctx.virt.to_native(xml)) do table.insert(words, shell_word(w)) end
    ctx.print(table.concat(words, " "))
  end,
})

add({
  name = "validate", help = "validate a domain XML file",
  desc = "Check a domain XML file against what luavirt accepts (like virt-xml-validate).",
  args = {{name = "file", help = "file containing an XML domain description"}},
  run = function(ctx, o)
    local ok, problems = ctx.virt.validate(ctx.read_file(o.file), o.file)
    if ok then
      ctx.print(string.format("%s validates", o.file))
      return 0
    end
    for _, p in ipairs(problems or {}) do ctx.ewrite(tostring(p) .. "\n") end
    ctx.raise("invalid", string.format("%s fails to validate", o.file))
  end,
})

return M
