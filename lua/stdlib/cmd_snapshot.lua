-- cmd_snapshot.lua - snapshot commands of the command line: snapshot-create-as,
-- snapshot-create, snapshot-list, snapshot-info, snapshot-current,
-- snapshot-revert, snapshot-delete, snapshot-dumpxml, snapshot-parent.
-- Layouts and messages are virsh 9's (tools/virsh-snapshot.c).
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}
local SNAP = {name = "snapshotname", help = "snapshot name"}

local function add(c)
  c.group = "snapshot"
  table.insert(M, c)
end

-- The snapshot's state as virsh prints it: the XML's word ("shutoff"),
-- where the API speaks the domain's ("shut off").
local function xml_state(state)
  return state and (state:gsub(" ", "")) or ""
end

local function time_text(t)
  return os.date("%Y-%m-%d %H:%M:%S %z", t)
end

add({
  name = "snapshot-create-as", help = "Create a snapshot from a set of args",
  desc = "Create a snapshot (disk and RAM) from arguments",
  args = {DOMAIN, {name = "name", optional = true, help = "name of snapshot"},
    {name = "description", optional = true, help = "description of snapshot"}},
  opts = {
    {name = "disk-only", help = "capture disk state but not vm state"},
    {name = "atomic", help = "require atomic operation"},
    {name = "print-xml", help = "print XML document rather than create"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local s = d:create_snapshot({name = o.name, description = o.description},
      {disk_only = o["disk-only"] or nil, atomic = o.atomic or nil})
    ctx.extra(string.format("Domain snapshot %s created", s.name))
  end,
})

add({
  name = "snapshot-create", help = "Create a snapshot from XML",
  desc = "Create a snapshot (disk and RAM) from XML",
  args = {DOMAIN, {name = "xmlfile", optional = true,
    help = "domain snapshot XML"}},
  opts = {
    {name = "disk-only", help = "capture disk state but not vm state"},
    {name = "atomic", help = "require atomic operation"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local xml = o.xmlfile and ctx.read_file(o.xmlfile) or nil
    local s = d:create_snapshot({xml = xml}, {disk_only = o["disk-only"] or nil,
      atomic = o.atomic or nil})
    if o.xmlfile then
      ctx.extra(string.format("Domain snapshot %s created from '%s'", s.name, o.xmlfile))
    else
      ctx.extra(string.format("Domain snapshot %s created", s.name))
    end
  end,
})

-- vshTreePrint: each node, its children indented under "+- " with "|" rails.
local function tree(ctx, infos)
  local kids = {}
  for _, i in ipairs(infos) do
    local p = i.parent or false
    kids[p] = kids[p] or {}
    table.insert(kids[p], i.name)
  end
  local out = {}
  local function walk(name, is_last, root, indent)
    out[#out + 1] = indent .. (root and "" or "+- ") .. name
    if not root then indent = indent .. (is_last and " " or "|") .. " " end
    local list = kids[name] or {}
    if #list > 0 then out[#out + 1] = indent .. "  |" end
    for k, c in ipairs(list) do walk(c, k == #list, false, indent .. "  ") end
    if #list == 0 and is_last then out[#out + 1] = indent end
  end
  for _, r in ipairs(kids[false] or {}) do walk(r, true, true, "") end
  for _, l in ipairs(out) do ctx.print(l) end
end

add({
  name = "snapshot-list", help = "List snapshots for a domain", json = true,
  desc = "Snapshot List",
  args = {DOMAIN},
  opts = {
    {name = "parent", help = "add a column showing parent snapshot"},
    {name = "roots", help = "list only snapshots without parents"},
    {name = "leaves", help = "list only snapshots without children"},
    {name = "no-leaves", help = "list only snapshots that are not leaves (with children)"},
    {name = "current", help = "list only the current snapshot"},
    {name = "tree", help = "list snapshots in a tree"},
    {name = "name", help = "list snapshot names only"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local infos = {}
    for _, s in ipairs(d:snapshots()) do
      local i = s:info()
      local keep = (not o.roots or not i.parent) and
        (not o.leaves or i.children == 0) and
        (not o["no-leaves"] or i.children > 0) and
        (not o.current or i.current)
      if keep then table.insert(infos, i) end
    end
    if o.json then return ctx.json(infos) end
    if o.tree then return tree(ctx, infos) end
    if o.name then
      for _, i in ipairs(infos) do ctx.print(i.name) end
      return
    end
    local headers = {"Name", "Creation Time", "State"}
    if o.parent then table.insert(headers, "Parent") end
    local rows = {}
    for _, i in ipairs(infos) do
      local r = {i.name, time_text(i.creation_time), xml_state(i.state)}
      if o.parent then table.insert(r, i.parent or "") end
      table.insert(rows, r)
    end
    ctx.table(headers, rows)
  end,
})

add({
  name = "snapshot-info", help = "snapshot information", json = true,
  desc = "Returns basic information about a snapshot.",
  args = {DOMAIN, {name = "snapshotname", optional = true, help = "snapshot name"}},
  opts = {{name = "current", help = "info on current snapshot"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local s
    if o.snapshotname then s = d:snapshot(o.snapshotname) else
      s = d:current_snapshot()
      if not s then
        ctx.raise("no-snapshot", string.format("domain '%s': no current snapshot", d.name))
      end
    end
    local i = s:info()
    if o.json then return ctx.json(i) end
    ctx.kv({
      {"Name:", i.name}, {"Domain:", d.name},
      {"Current:", i.current and "yes" or "no"}, {"State:", xml_state(i.state)},
      {"Location:", i.location}, {"Parent:", i.parent or "-"},
      {"Children:", i.children}, {"Descendants:", i.descendants},
      {"Metadata:", i.metadata and "yes" or "no"},
    }, 15)
  end,
})

add({
  name = "snapshot-current", help = "Get or set the current snapshot",
  desc = "Get the current snapshot",
  args = {DOMAIN},
  opts = {{name = "name", help = "list the name, rather than the full xml"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local s = d:current_snapshot()
    if not s then
      ctx.raise("no-snapshot", string.format("domain '%s': no current snapshot", d.name))
    end
    if o.name then ctx.print(s.name) else ctx.write(s:xml()) end
  end,
})

add({
  name = "snapshot-revert", help = "Revert a domain to a snapshot",
  desc = "Revert domain to snapshot",
  args = {DOMAIN, SNAP},
  opts = {
    {name = "running", help = "after reverting, change state to running"},
    {name = "paused", help = "after reverting, change state to paused"},
  },
  run = function(ctx, o)
    if o.running and o.paused then
      ctx.raise("invalid", "options --running and --paused are mutually exclusive")
    end
    local s = ctx.domain(o.domain):snapshot(o.snapshotname)
    s:revert({running = o.running or nil, paused = o.paused or nil})
  end,
})

add({
  name = "snapshot-delete", help = "Delete a domain snapshot",
  desc = "Snapshot Delete",
  args = {DOMAIN, SNAP},
  opts = {
    {name = "children", help = "delete snapshot and all children"},
    {name = "children-only", help = "delete children but not snapshot"},
    {name = "metadata", help = "delete only libvirt metadata, leaving snapshot contents behind"},
  },
  run = function(ctx, o)
    local s = ctx.domain(o.domain):snapshot(o.snapshotname)
    local _, gone = s:delete({children = o.children or nil,
      children_only = o["children-only"] or nil, metadata = o.metadata or nil})
    for _, n in ipairs(gone) do
      if n ~= o.snapshotname then ctx.extra(string.format("Domain snapshot %s deleted", n)) end
    end
    if o["children-only"] then
      ctx.extra(string.format("Domain snapshot %s children deleted", o.snapshotname))
    else
      ctx.extra(string.format("Domain snapshot %s deleted", o.snapshotname))
    end
  end,
})

add({
  name = "snapshot-dumpxml", help = "Dump XML for a domain snapshot",
  desc = "Snapshot Dump XML",
  args = {DOMAIN, SNAP},
  opts = {{name = "security-info", help = "include security sensitive information in XML dump"}},
  run = function(ctx, o)
    ctx.write(ctx.domain(o.domain):snapshot(o.snapshotname):xml())
  end,
})

add({
  name = "snapshot-parent", help = "Get the name of the parent of a snapshot",
  desc = "Extract the snapshot's parent, if any",
  args = {DOMAIN, SNAP},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local p = d:snapshot(o.snapshotname).parent
    if not p then
      ctx.raise("no-snapshot", string.format("snapshot '%s' of domain '%s': no parent",
        o.snapshotname, d.name))
    end
    ctx.print(p.name)
  end,
})

return M
