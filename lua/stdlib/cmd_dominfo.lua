-- cmd_dominfo.lua - domain monitoring commands of the command line: list,
-- dominfo, domstate, domid, domname, domuuid. Layouts follow virsh 9
-- (tools/virsh-domain-monitor.c); each also takes --json.
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}

local function yes_no(b) return b and "yes" or "no" end

-- ---- list ----

local LIST_FILTERS = {
  {"inactive", "list inactive domains"},
  {"all", "list inactive & active domains"},
  {"transient", "list transient domains"},
  {"persistent", "list persistent domains"},
  {"state-running", "list domains in running state"},
  {"state-paused", "list domains in paused state"},
  {"state-shutoff", "list domains in shutoff state"},
  {"state-other", "list domains in other states"},
  {"autostart", "list domains with autostart enabled"},
  {"no-autostart", "list domains with autostart disabled"},
  {"uuid", "list uuid's only"},
  {"name", "list domain names only"},
  {"id", "list domain IDs only"},
  {"table", "list table (default)"},
  {"title", "show domain title"},
}

local function list_opts()
  local opts = {}
  for _, f in ipairs(LIST_FILTERS) do
    table.insert(opts, {name = f[1], help = f[2]})
  end
  return opts
end

-- The virt.domains query for the options (virsh's flag logic of cmdList).
local function list_query(o)
  local q = {}
  if o.all then
    q.all = true
  elseif o.inactive then
    q.inactive = true
  end
  local any_state = o["state-running"] or o["state-paused"] or
    o["state-shutoff"] or o["state-other"]
  if any_state then
    q.all = true
    q.inactive = nil
    q.running = o["state-running"] or nil
    q.paused = o["state-paused"] or nil
    q.shutoff = o["state-shutoff"] or nil
  end
  if o.autostart and not o["no-autostart"] then q.autostart = true end
  if o["no-autostart"] and not o.autostart then q.autostart = false end
  if o.persistent and not o.transient then q.persistent = true end
  if o.transient and not o.persistent then q.persistent = false end
  return q, any_state
end

local KNOWN_STATES = {running = "running", paused = "paused", ["shut off"] = "shutoff"}

-- Apply the filters again on the objects, so the result is right whatever
-- subset of the query the C side implements.
local function keep(d, o, any_state)
  if any_state then
    local s = KNOWN_STATES[d.state] or "other"
    if not o["state-" .. s] then return false end
  end
  if o.autostart ~= o["no-autostart"] then
    if o.autostart and not d.autostart then return false end
    if o["no-autostart"] and d.autostart then return false end
  end
  if o.persistent ~= o.transient then
    if o.persistent and not d.persistent then return false end
    if o.transient and d.persistent then return false end
  end
  return true
end

local function list_run(ctx, o)
  local only = o.uuid or o.name or o.id
  if o.table and only then
    ctx.raise("invalid", "command 'list': options --table and --name/--uuid/--id are mutually exclusive")
  end
  local q, any_state = list_query(o)
  -- virt.domain_rows gives plain rows {id, name, state, persistent,
  -- autostart} without opening handles: enough unless uuid or title is shown.
  local lister = ctx.virt.domains
  if not o.uuid and not o.title and not o.json then
    lister = ctx.virt.domain_rows
  end
  local doms = {}
  for _, d in ipairs(lister(q)) do
    if keep(d, o, any_state) then table.insert(doms, d) end
  end
  if o.json then
    local out = {}
    for _, d in ipairs(doms) do
      local e = {id = d.id, name = d.name, uuid = d.uuid, state = d.state,
        persistent = d.persistent, autostart = d.autostart}
      if o.title then e.title = d:description{title = true} end
      table.insert(out, e)
    end
    return ctx.json(out)
  end
  if not only then
    local rows = {}
    for _, d in ipairs(doms) do
      local r = {d.id and tostring(d.id) or "-", d.name, d.state}
      if o.title then r[4] = d:description{title = true} or "" end
      table.insert(rows, r)
    end
    local headers = {"Id", "Name", "State"}
    if o.title then headers[4] = "Title" end
    return ctx.table(headers, rows)
  end
  for _, d in ipairs(doms) do
    local words = {}
    if o.uuid then table.insert(words, d.uuid) end
    if o.id then
      -- with --id alone, inactive domains (no id) are left out
      if not d.id and not o.uuid and not o.name then goto continue end
      table.insert(words, d.id and tostring(d.id) or "-")
    end
    if o.name then table.insert(words, d.name) end
    ctx.print(table.concat(words, " "))
    ::continue::
  end
end

table.insert(M, {
  name = "list", group = "monitor", json = true,
  help = "list domains",
  desc = "Returns list of domains.",
  opts = list_opts(),
  run = list_run,
})

-- ---- dominfo ----

local function cpu_time(ns)
  if not ns or ns == 0 then return nil end
  return string.format("%.1fs", ns / 1e9)
end

table.insert(M, {
  name = "dominfo", group = "monitor", json = true,
  help = "domain information",
  desc = "Returns basic information about the domain.",
  args = {DOMAIN},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local i = d:info()
    if o.json then
      i.name = d.name
      i.uuid = i.uuid or d.uuid
      return ctx.json(i)
    end
    local model = i.security_model
    ctx.kv({
      {"Id:", i.id and tostring(i.id) or "-"},
      {"Name:", d.name},
      {"UUID:", i.uuid or d.uuid},
      {"OS Type:", i.os_type},
      {"State:", i.state},
      {"CPU(s):", i.vcpus},
      {"CPU time:", cpu_time(i.cpu_time_ns)},
      {"Max memory:", i.max_memory_kib and (i.max_memory_kib .. " KiB") or "no limit"},
      {"Used memory:", i.memory_kib and (i.memory_kib .. " KiB")},
      {"Persistent:", yes_no(i.persistent)},
      {"Autostart:", i.autostart and "enable" or "disable"},
      {"Managed save:", yes_no(i.managed_save)},
      {"Security model:", model and model ~= "" and model or nil},
      {"Security DOI:", model and model ~= "" and tostring(i.security_doi or 0) or nil},
    }, 15)
  end,
})

-- ---- domstate, domid, domname, domuuid ----

table.insert(M, {
  name = "domstate", group = "monitor", json = true,
  help = "domain state",
  desc = "Returns state about a domain.",
  args = {DOMAIN},
  opts = {{name = "reason", help = "also print reason for the state"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local state, reason = d:state_reason()
    if o.json then return ctx.json({state = state, reason = reason}) end
    if o.reason then
      ctx.print(string.format("%s (%s)", state, reason or "unknown"))
    else
      ctx.print(state)
    end
  end,
})

table.insert(M, {
  name = "domid", group = "domain",
  help = "convert a domain name or UUID to domain id",
  desc = "Prints the id of a running domain, '-' for an inactive one.",
  args = {{name = "domain", help = "domain name or uuid"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    ctx.print(d.id and tostring(d.id) or "-")
  end,
})

table.insert(M, {
  name = "domname", group = "domain",
  help = "convert a domain id or UUID to domain name",
  desc = "Prints the name of a domain.",
  args = {{name = "domain", help = "domain id or uuid"}},
  run = function(ctx, o) ctx.print(ctx.domain(o.domain).name) end,
})

table.insert(M, {
  name = "domuuid", group = "domain",
  help = "convert a domain name or id to domain UUID",
  desc = "Prints the UUID of a domain.",
  args = {{name = "domain", help = "domain id or name"}},
  run = function(ctx, o) ctx.print(ctx.domain(o.domain).uuid) end,
})

return M
