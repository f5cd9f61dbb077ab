-- cmd_pool.lua - storage pool commands of the command line: pool-list,
-- pool-define(-as), pool-create(-as), pool-build, pool-start, pool-destroy,
-- pool-delete, pool-undefine, pool-autostart, pool-info, pool-dumpxml,
-- pool-edit, pool-refresh. Layouts and messages are virsh 9's
-- (tools/virsh-pool.c); listings and info also take --json.
local M = {}

local POOL = {name = "pool", help = "pool name or uuid"}

local function add(c)
  c.group = c.group or "pool"
  table.insert(M, c)
end

-- virsh's vshPrettyCapacity: "%.2lf %s" in the largest binary unit below 1024.
local UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
function M.pretty(bytes)
  local v, i = bytes or 0, 1
  while v >= 1024 and i < #UNITS do
    v = v / 1024
    i = i + 1
  end
  return string.format("%.2f %s", v, UNITS[i])
end

local function yes_no(b) return b and "yes" or "no" end

-- ---- pool-list ----

local function keep(p, o)
  local want_active = o.active or false
  local want_inactive = o.inactive or false
  if not (o.all or want_active or want_inactive) then want_active = true end
  if o.all then want_active, want_inactive = true, true end
  if p.active and not want_active then return false end
  if not p.active and not want_inactive then return false end
  if o.autostart ~= o["no-autostart"] then
    if o.autostart and not p.autostart then return false end
    if o["no-autostart"] and p.autostart then return false end
  end
  if o.persistent ~= o.transient then
    if o.persistent and not p.persistent then return false end
    if o.transient and p.persistent then return false end
  end
  if o.type then
    local ok = false
    for t in o.type:gmatch("[^,]+") do ok = ok or t == p.type end
    if not ok then return false end
  end
  return true
end

local function list_rows(pools, o)
  local rows = {}
  for _, p in ipairs(pools) do
    if not o.details then
      table.insert(rows, {p.name, p.active and "active" or "inactive", yes_no(p.autostart)})
    else
      local i = p.active and p:info() or {}
      table.insert(rows, {p.name, p.active and "running" or "inactive", yes_no(p.autostart),
        yes_no(p.persistent), i.capacity and M.pretty(i.capacity) or "-",
        i.allocation and M.pretty(i.allocation) or "-",
        i.available and M.pretty(i.available) or "-"})
    end
  end
  return rows
end

add({
  name = "pool-list", json = true,
  help = "list pools",
  desc = "Returns list of pools.",
  opts = {
    {name = "inactive", help = "list inactive pools"},
    {name = "all", help = "list inactive & active pools"},
    {name = "transient", help = "list transient pools"},
    {name = "persistent", help = "list persistent pools"},
    {name = "autostart", help = "list pools with autostart enabled"},
    {name = "no-autostart", help = "list pools with autostart disabled"},
    {name = "type", value = true, help = "only list pool of specified type(s) (if supported)"},
    {name = "details", help = "display extended details for pools"},
    {name = "uuid", help = "list UUID of active pools only"},
    {name = "name", help = "list name of active pools only"},
  },
  run = function(ctx, o)
    local pools = {}
    for _, p in ipairs(ctx.virt.pools{all = true}) do
      if keep(p, o) then table.insert(pools, p) end
    end
    if o.json then
      local out = {}
      for _, p in ipairs(pools) do
        local e = {name = p.name, uuid = p.uuid, type = p.type, active = p.active,
          autostart = p.autostart, persistent = p.persistent}
        if p.active then
          local i = p:info()
          e.capacity, e.allocation, e.available = i.capacity, i.allocation, i.available
        end
        table.insert(out, e)
      end
      return ctx.json(out)
    end
    if o.uuid or o.name then
      for _, p in ipairs(pools) do
        local w = {}
        if o.uuid then table.insert(w, p.uuid) end
        if o.name then table.insert(w, p.name) end
        ctx.print(table.concat(w, " "))
      end
      return
    end
    local headers = {"Name", "State", "Autostart"}
    if o.details then
      headers = {"Name", "State", "Autostart", "Persistent", "Capacity", "Allocation",
        "Available"}
    end
    ctx.table(headers, list_rows(pools, o))
  end,
})

-- ---- define / create ----

local AS_OPTS = {
  {name = "source-host", value = true, help = "source-host for underlying storage"},
  {name = "source-path", value = true, help = "source path for underlying storage"},
  {name = "source-dev", value = true, help = "source device for underlying storage"},
  {name = "source-name", value = true, help = "source name for underlying storage"},
  {name = "target", value = true, help = "target for underlying storage"},
  {name = "source-format", value = true, help = "format for underlying storage"},
}

-- The pool's table form (virt.define_pool{...}) from pool-define-as's options.
local function as_table(o)
  local source = {dir = o["source-path"], name = o["source-name"],
    format = o["source-format"], devices = o["source-dev"] and {o["source-dev"]} or nil,
    hosts = o["source-host"] and {o["source-host"]} or nil}
  return {name = o.name, type = o.type, source = source,
    target = o.target and {path = o.target} or nil}
end

local AS_ARGS = {
  {name = "name", help = "name of the pool"},
  {name = "type", help = "type of the pool"},
}

local function print_xml(ctx, xml)
  ctx.write(xml:sub(-1) == "\n" and xml or xml .. "\n")
end

add({
  name = "pool-define-as", help = "define a pool from a set of args",
  desc = "Define a pool.",
  args = AS_ARGS,
  opts = (function()
    local t = {{name = "print-xml", help = "print XML document, but don't define the pool"}}
    for _, x in ipairs(AS_OPTS) do table.insert(t, x) end
    return t
  end)(),
  run = function(ctx, o)
    if o["print-xml"] then
      return print_xml(ctx, ctx.virt.to_xml("pool", as_table(o)))
    end
    local p = ctx.virt.define_pool(as_table(o))
    ctx.extra(string.format("Pool %s defined", p.name))
  end,
})

add({
  name = "pool-create-as", help = "create a pool from a set of args",
  desc = "Create a pool.",
  args = AS_ARGS,
  opts = (function()
    local t = {{name = "print-xml", help = "print XML document, but don't define the pool"},
      {name = "build", help = "build the pool as normal"},
      {name = "no-overwrite", help = "build the pool without overwriting the existing pool data"},
      {name = "overwrite", help = "overwrite any existing data"}}
    for _, x in ipairs(AS_OPTS) do table.insert(t, x) end
    return t
  end)(),
  run = function(ctx, o)
    if o["print-xml"] then
      return print_xml(ctx, ctx.virt.to_xml("pool", as_table(o)))
    end
    local p = ctx.virt.create_pool(as_table(o),
      {build = o.build or o.overwrite or o["no-overwrite"] or nil,
       overwrite = o.overwrite or nil})
    ctx.extra(string.format("Pool %s created", p.name))
  end,
})

add({
  name = "pool-define", help = "define an inactive persistent storage pool or modify " ..
    "an existing persistent one from an XML file",
  desc = "Define or modify a persistent storage pool.",
  args = {{name = "file", help = "file containing an XML pool description"}},
  run = function(ctx, o)
    local p = ctx.virt.define_pool(ctx.read_file(o.file))
    ctx.extra(string.format("Pool %s defined from %s", p.name, o.file))
  end,
})

add({
  name = "pool-create", help = "create a pool from an XML file",
  desc = "Create a pool.",
  args = {{name = "file", help = "file containing an XML pool description"}},
  opts = {
    {name = "build", help = "build the pool as normal"},
    {name = "no-overwrite", help = "build the pool without overwriting the existing pool data"},
    {name = "overwrite", help = "overwrite any existing data"},
  },
  run = function(ctx, o)
    local p = ctx.virt.create_pool(ctx.read_file(o.file),
      {build = o.build or o.overwrite or o["no-overwrite"] or nil,
       overwrite = o.overwrite or nil})
    ctx.extra(string.format("Pool %s created from %s", p.name, o.file))
  end,
})

-- ---- lifecycle ----

local BUILD_OPTS = {
  {name = "no-overwrite", help = "do not overwrite any existing data"},
  {name = "overwrite", help = "overwrite any existing data"},
}

add({
  name = "pool-build", help = "build a pool",
  desc = "Build a given pool.",
  args = {POOL}, opts = BUILD_OPTS,
  run = function(ctx, o)
    if o.overwrite and o["no-overwrite"] then
      ctx.raise("invalid", "command 'pool-build': options --overwrite and --no-overwrite " ..
        "are mutually exclusive")
    end
    local p = ctx.virt.pool(o.pool)
    p:build{overwrite = o.overwrite or nil, no_overwrite = o["no-overwrite"] or nil}
    ctx.extra(string.format("Pool %s built", p.name))
  end,
})

add({
  name = "pool-start", help = "start a (previously defined) inactive pool",
  desc = "Start a pool.",
  args = {POOL},
  opts = {
    {name = "build", help = "build the pool as normal"},
    {name = "no-overwrite", help = "build the pool without overwriting the existing pool data"},
    {name = "overwrite", help = "overwrite any existing data"},
  },
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    p:start{build = o.build or o.overwrite or o["no-overwrite"] or nil,
      overwrite = o.overwrite or nil}
    ctx.extra(string.format("Pool %s started", p.name))
  end,
})

add({
  name = "pool-destroy", help = "destroy (stop) a pool",
  desc = "Forcefully stop a given pool. Raw data in the pool is untouched",
  args = {POOL},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    p:destroy()
    ctx.extra(string.format("Pool %s destroyed", p.name))
  end,
})

add({
  name = "pool-delete", help = "delete a pool",
  desc = "Delete a given pool (its target directory, volume group or file system).",
  args = {POOL},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local _, removed = p:delete()
    ctx.extra(string.format("Pool %s deleted (removed %s)", p.name, removed))
  end,
})

add({
  name = "pool-undefine", help = "undefine an inactive pool",
  desc = "Undefine the configuration for an inactive pool.",
  args = {POOL},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local name = p.name
    p:undefine()
    ctx.extra(string.format("Pool %s has been undefined", name))
  end,
})

add({
  name = "pool-autostart", help = "autostart a pool",
  desc = "Configure a pool to be automatically started at boot.",
  args = {POOL},
  opts = {{name = "disable", help = "disable autostarting"}},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    p:set_autostart(not o.disable)
    if o.disable then
      ctx.extra(string.format("Pool %s unmarked as autostarted", p.name))
    else
      ctx.extra(string.format("Pool %s marked as autostarted", p.name))
    end
  end,
})

add({
  name = "pool-refresh", help = "refresh a pool",
  desc = "Refresh a given pool.",
  args = {POOL},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    p:refresh()
    ctx.extra(string.format("Pool %s refreshed", p.name))
  end,
})

-- ---- info / xml ----

add({
  name = "pool-info", json = true, help = "storage pool information",
  desc = "Returns basic information about the storage pool.",
  args = {POOL},
  opts = {{name = "bytes", help = "return pool info in bytes"}},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local i = p:info()
    if o.json then return ctx.json(i) end
    local function size(v)
      if v == nil then return nil end
      return o.bytes and tostring(math.tointeger(v) or v) or M.pretty(v)
    end
    ctx.kv({
      {"Name:", i.name}, {"UUID:", i.uuid}, {"State:", i.active and "running" or "inactive"},
      {"Persistent:", yes_no(i.persistent)}, {"Autostart:", yes_no(i.autostart)},
      {"Capacity:", i.active and size(i.capacity) or nil},
      {"Allocation:", i.active and size(i.allocation) or nil},
      {"Available:", i.active and size(i.available) or nil},
    }, 15)
  end,
})

add({
  name = "pool-dumpxml", help = "pool information in XML",
  desc = "Output the pool information as an XML dump to stdout.",
  args = {POOL},
  opts = {{name = "inactive", help = "show inactive defined XML"}},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    print_xml(ctx, p:xml{inactive = o.inactive or nil})
  end,
})

local function write_temp(ctx, data)
  local path = os.tmpname()
  local f = io.open(path, "wb")
  if not f then ctx.raise("system", "cannot write '" .. path .. "'") end
  f:write(data)
  f:close()
  return path
end

add({
  name = "pool-edit", help = "edit XML configuration for a storage pool",
  desc = "Edit the XML configuration for a storage pool; a rejected edit is not saved.",
  args = {POOL},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local orig = p:xml{inactive = true}
    local path = write_temp(ctx, orig)
    local ok, err = pcall(function()
      ctx.flush()
      local st = ctx.editor(path)
      if st ~= 0 then
        ctx.raise("system", string.format("pool '%s': editor exited with status %s; " ..
          "changes not saved", p.name, tostring(st)))
      end
      local edited = ctx.read_file(path)
      if edited == orig then
        ctx.extra(string.format("Pool %s XML configuration not changed.", p.name))
        return
      end
      local np = ctx.virt.define_pool(edited)
      ctx.extra(string.format("Pool %s XML configuration edited.", np.name))
    end)
    os.remove(path)
    if not ok then error(err, 0) end
  end,
})

return M
