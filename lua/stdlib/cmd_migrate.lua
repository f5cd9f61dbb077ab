-- cmd_migrate.lua - `luavirt migrate`: virsh migrate over the migrate
-- recipe (lua/recipes/migrate.lua).
local M = {}

table.insert(M, {
  name = "migrate", group = "domain",
  help = "migrate domain to another host",
  desc = "Move a running guest to the host of desturi (qemu+ssh://[user@]host/system):\n" ..
    "    its memory goes QEMU to QEMU; its disks must be on storage both hosts see\n" ..
    "    at the same paths, unless --copy-storage-all (or -inc) copies them there.\n" ..
    "    A failure leaves it running here.",
  args = {
    {name = "domain", help = "domain name"},
    {name = "desturi", help = "the destination's connection URI (qemu+ssh://...)"},
  },
  opts = {
    {name = "live", help = "live migration: the guest runs while its memory is copied"},
    {name = "offline", help = "move the definition only (with --persistent)"},
    {name = "persistent", help = "define the domain on the destination too"},
    {name = "undefinesource", help = "undefine the domain here afterwards"},
    {name = "suspend", help = "leave the domain paused on the destination"},
    {name = "verbose", help = "show the migration's progress"},
    {name = "copy-storage-all", help = "copy the disks too (non-shared storage)"},
    {name = "tunnelled", help = "through ssh: no port is opened for the data"},
    {name = "p2p", help = "peer to peer (virsh's spelling; luavirt here always speaks to " ..
      "the destination itself)"},
    {name = "copy-storage-inc", help = "copy the disks' top images (their backing files are there)"},
    {name = "bandwidth", value = true, help = "bandwidth limit in MiB/s"},
    {name = "max-downtime", value = true, help = "the longest pause at the switch, in ms"},
  },
  run = function(ctx, o)
    local function number(key)
      if o[key] == nil then return nil end
      local n = tonumber(o[key])
      if not n or n <= 0 then
        ctx.raise("invalid", string.format("command 'migrate': --%s must be a positive number", key))
      end
      return n
    end
    if o["copy-storage-all"] and o["copy-storage-inc"] then
      ctx.raise("invalid", "command 'migrate': --copy-storage-all and --copy-storage-inc " ..
        "exclude each other")
    end
    local migrate = require("recipes.migrate")
    local shown, phase = -1, nil
    local _, stats = migrate{
      domain = o.domain, dest = o.desturi, live = o.live or nil, offline = o.offline or nil,
      persistent = o.persistent or nil, undefine_source = o.undefinesource or nil,
      suspend = o.suspend or nil, bandwidth = number("bandwidth"),
      max_downtime = number("max-downtime"),
      copy_storage = o["copy-storage-all"] and "all" or o["copy-storage-inc"] and "inc" or nil,
      tunnelled = o.tunnelled or nil,
      progress = o.verbose and function(s)
        local pct = s.total > 0 and math.floor(100 * (s.total - s.remaining) / s.total) or 0
        if s.status == "completed" then pct = 100 end
        -- the disks first (copying storage), then the memory
        local now = s.status == "mirror" and "Copying disks" or "Migration"
        if now ~= phase then
          if phase then io.stderr:write("\n") end
          phase, shown = now, -1
        end
        if pct ~= shown then
          shown = pct
          io.stderr:write(string.format("\r%s: [%3d %%]", phase, pct))
        end
      end or nil,
    }
    if o.verbose then
      io.stderr:write(string.format("\rMigration: [100 %%]\n"))
      ctx.extra(string.format("Migrated in %d ms, downtime %d ms", stats.total_ms, stats.downtime_ms))
    end
  end,
})

local function mib(n) return string.format("%.3f MiB", n / 1048576) end

table.insert(M, {
  name = "domjobinfo", group = "domain",
  help = "domain job information",
  desc = "The migration a guest is in now: time, data processed, remaining and total.",
  args = {{name = "domain", help = "domain name"}},
  json = true,
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local j = d:job_info()
    if o.json then return ctx.json(j) end
    local active = j.status == "active" or j.status == "setup" or j.status == "device" or
      j.status == "pre-switchover"
    if not active then
      ctx.kv({{"Job type:", "None"}}, 17)
      return
    end
    ctx.kv({
      {"Job type:", "Unbounded"},
      {"Operation:", "Migration"},
      {"Time elapsed:", j.total_ms .. " ms"},
      {"Data processed:", mib(j.transferred)},
      {"Data remaining:", mib(j.remaining)},
      {"Data total:", mib(j.total)},
    }, 17)
  end,
})

local function tune(name, key, help, unit)
  table.insert(M, {
    name = name, group = "domain", help = help,
    desc = help .. " of the migration the guest is in now (" .. unit .. ").",
    args = {{name = "domain", help = "domain name"}, {name = "value", help = unit}},
    run = function(ctx, o)
      local n = tonumber(o.value)
      if not n or n <= 0 or n ~= math.floor(n) then
        ctx.raise("invalid", string.format("command '%s': '%s' is not a positive whole number",
          name, tostring(o.value)))
      end
      ctx.domain(o.domain):migrate_tune{[key] = n}
    end,
  })
end
tune("migrate-setspeed", "bandwidth", "set the maximum migration bandwidth", "MiB/s")
tune("migrate-setmaxdowntime", "max_downtime", "set the maximum tolerable downtime", "ms")

return M
