-- cmd_batch.lua - `luavirt batch ACTION`: many guests at once over the
-- batch recipe (lua/recipes/batch.lua): provision from a template, start,
-- shutdown, destroy, undefine by filter. A progress bar on a terminal,
-- plain lines otherwise, and a final table; per-guest failures are listed
-- and make the exit status non-zero, without stopping the others.
local M = {}

local ACTIONS = {"provision", "start", "shutdown", "destroy", "undefine"}

local function kv_list(s)   -- "user-data=a.yaml,meta-data=b.yaml"
  local t = {}
  for part in s:gmatch("[^,]+") do
    local k, v = part:match("^([%w%-]+)=(.*)$")
    if not k then return nil, part end
    t[k] = v
  end
  return t
end

local function read_file(ctx, path, what)
  local f, msg = io.open(path, "rb")
  if not f then ctx.raise("invalid", string.format("%s: cannot read '%s': %s", what, path, msg)) end
  local s = f:read("a")
  f:close()
  return s
end

local function cloud_init(ctx, spec)
  local t, bad = kv_list(spec)
  if not t then ctx.raise("invalid", "--cloud-init: expected KEY=FILE, got '" .. bad .. "'") end
  local ci = {}
  for k, v in pairs(t) do
    local key = ({["user-data"] = "user_data", ["meta-data"] = "meta_data",
                  ["network-config"] = "network_config"})[k]
    if not key then ctx.raise("invalid", "--cloud-init: unknown key '" .. k .. "'") end
    ci[key] = read_file(ctx, v, "--cloud-init " .. k)
  end
  return ci
end

local function bar(done, total, width)
  local n = math.floor(done / total * width + 0.5)
  return "[" .. string.rep("#", n) .. string.rep(".", width - n) .. "]"
end

table.insert(M, {
  name = "batch", group = "recipe",
  help = "act on many domains at once (provision, start, shutdown, destroy, undefine)",
  desc = "provision: make --count domains from a shut off --template (linked clones\n" ..
    "    named PREFIX1.., new uuids and MACs, a cloud-init seed each with\n" ..
    "    --cloud-init), start them --jobs at a time and wait for each one's IP.\n" ..
    "    start/shutdown/destroy/undefine: the domains --name (a glob), --state,\n" ..
    "    --autostart select (--all: every one). A failing domain is reported and\n" ..
    "    the others go on.",
  args = {{name = "action", choices = ACTIONS, help = "provision, start, shutdown, destroy, undefine"}},
  opts = {
    {name = "template", value = true, help = "provision: the shut off domain to copy"},
    {name = "count", value = true, int = true, help = "provision: how many"},
    {name = "prefix", value = true, help = "provision: names are PREFIX1, PREFIX2, ..."},
    {name = "network", value = true, help = "provision: put the NICs on this network"},
    {name = "full", help = "provision: full disk copies, not linked clones"},
    {name = "cloud-init", value = true, help = "provision: user-data=FILE[,meta-data=FILE][,network-config=FILE]"},
    {name = "wait", value = true, help = "provision: ip (default), none, or console=MARKER"},
    {name = "jobs", value = true, int = true, help = "at most this many at once (default 4)"},
    {name = "timeout", value = true, int = true, help = "seconds to wait per domain"},
    {name = "name", value = true, help = "the domains whose names match this glob"},
    {name = "state", value = true, help = "the domains in this state (running, shut off, ...)"},
    {name = "autostart", help = "the domains that start with the host"},
    {name = "all", help = "every domain, active or not"},
    {name = "remove-all-storage", help = "undefine: remove their disks too"},
  },
  run = function(ctx, o)
    local batch = require("recipes.batch")
    local tty = ctx.isatty()
    local function progress(row, done, total)
      if tty then
        ctx.write(string.format("\r%s %d/%d %s", bar(done, total, 30), done, total,
          row.error and ("(" .. row.name .. " failed)") or ""))
        ctx.flush()
      else
        ctx.print(string.format("%s: %s%s", row.name, row.error and "failed: " or "done",
          row.error or (row.ip and (" " .. row.ip) or "")))
      end
    end
    local rows
    if o.action == "provision" then
      if not o.template then ctx.raise("invalid", "batch provision: --template is required") end
      local wait = o.wait or "ip"
      if wait:match("^console=") then wait = {console = wait:sub(9)}
      elseif wait ~= "ip" and wait ~= "none" then
        ctx.raise("invalid", "batch provision: --wait must be ip, none or console=MARKER")
      end
      rows = batch.provision{template = o.template, count = o.count, prefix = o.prefix,
        network = o.network, linked = not o.full, jobs = o.jobs, timeout = o.timeout,
        wait = wait, cloud_init = o["cloud-init"] and cloud_init(ctx, o["cloud-init"]),
        progress = progress}
    else
      local f = {name = o.name, state = o.state, autostart = o.autostart or nil,
        all = o.all or nil, jobs = o.jobs, progress = progress}
      if o.action == "shutdown" then f.timeout = o.timeout end
      if o.action == "undefine" then f.storage = o["remove-all-storage"] or nil end
      rows = batch[o.action](f)
    end
    if tty and #rows > 0 then ctx.write("\n") end
    local out, failed = {}, {}
    for _, r in ipairs(rows) do
      out[#out + 1] = {r.name, r.state or "-", r.ip or "-", tostring(r.seconds or 0) .. " s",
        r.error or ""}
      if r.error then failed[#failed + 1] = r.name end
    end
    ctx.table({"Name", "State", "IP", "Time", "Error"}, out)
    if #failed > 0 then
      ctx.raise("system", string.format("batch %s: %d of %d failed: %s", o.action,
        #failed, #rows, table.concat(failed, ", ")))
    end
  end,
})

return M
