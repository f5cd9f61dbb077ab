-- cmd_domres.lua - guest resource and monitoring commands of the command
-- line: setvcpus, vcpucount, vcpuinfo, vcpupin, emulatorpin, setmem,
-- setmaxmem, dommemstat, domstats, cpu-stats, vncdisplay, domdisplay and
-- screenshot. Options, messages and layouts follow virsh 9
-- (tools/virsh-domain.c, tools/virsh-domain-monitor.c).
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}

local AFFECT_OPTS = {
  {name = "config", help = "affect next boot"},
  {name = "live", help = "affect running domain"},
  {name = "current", help = "affect current domain"},
}

local function with_affect(opts)
  local r = {}
  for _, o in ipairs(opts or {}) do table.insert(r, o) end
  for _, o in ipairs(AFFECT_OPTS) do table.insert(r, o) end
  return r
end

-- virsh's --current/--live/--config into {live=, config=}.
local function affect(ctx, o, cmd)
  if o.current and (o.live or o.config) then
    ctx.raise("invalid", string.format("command '%s': options --current and " ..
      "--live/--config are mutually exclusive", cmd))
  end
  return {live = o.live or nil, config = o.config or nil}
end

table.insert(M, {
  name = "setvcpus", group = "domain",
  help = "change number of virtual CPUs",
  desc = "Change the number of virtual CPUs in the guest domain.",
  args = {DOMAIN, {name = "count", int = true, help = "number of virtual CPUs"}},
  opts = with_affect({{name = "maximum", help = "set maximum limit on next boot"}}),
  run = function(ctx, o)
    local f = affect(ctx, o, "setvcpus")
    ctx.domain(o.domain):set_vcpus(o.count, {live = f.live, config = f.config,
      maximum = o.maximum or nil})
  end,
})

table.insert(M, {
  name = "vcpucount", group = "domain", json = true,
  help = "domain vcpu counts",
  desc = "Returns the number of virtual CPUs used by the domain.",
  args = {DOMAIN},
  opts = {
    {name = "maximum", help = "get maximum count of vcpus"},
    {name = "active", help = "get number of currently active vcpus"},
    {name = "live", help = "get value from running domain"},
    {name = "config", help = "get value to be used on next boot"},
    {name = "current", help = "get value according to current domain state"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local c = d:vcpu_count()
    if o.json then return ctx.json(c) end
    if o.maximum and o.active then
      ctx.raise("invalid", "command 'vcpucount': options --maximum and --active " ..
        "are mutually exclusive")
    end
    local scope = o.live and "live" or o.config and "config" or nil
    if o.current then scope = d.active and "live" or "config" end
    local kind = o.maximum and "maximum" or o.active and "current" or nil
    if kind and scope then
      local v = c[kind][scope]
      if not v then
        ctx.raise("state", string.format("domain '%s': no %s %s vcpu count",
          d.name, scope, kind))
      end
      return ctx.print(tostring(v))
    end
    for _, k in ipairs({"maximum", "current"}) do
      for _, s in ipairs({"config", "live"}) do
        if (not kind or kind == k) and (not scope or scope == s) and c[k][s] then
          ctx.print(string.format("%-12s %-12s %3d", k, s, c[k][s]))
        end
      end
    end
  end,
})

-- "0-1,3" as virsh's y/- map over the host's CPUs.
local function affinity_map(list, ncpus)
  local on = {}
  for part in list:gmatch("[^,]+") do
    local a, b = part:match("^(%d+)-(%d+)$")
    a, b = tonumber(a or part), tonumber(b or part)
    for i = a, b do on[i] = true end
  end
  local s = {}
  for i = 0, ncpus - 1 do s[#s + 1] = on[i] and "y" or "-" end
  return table.concat(s)
end

table.insert(M, {
  name = "vcpuinfo", group = "domain", json = true,
  help = "detailed domain vcpu information",
  desc = "Returns basic information about the domain virtual CPUs.",
  args = {DOMAIN},
  opts = {{name = "pretty", help = "return human readable output"}},
  run = function(ctx, o)
    local list = ctx.domain(o.domain):vcpu_info()
    if o.json then return ctx.json(list) end
    local ncpus = ctx.virt.nodeinfo().cpus
    for _, v in ipairs(list) do
      ctx.print(string.format("%-15s %d", "VCPU:", v.vcpu))
      ctx.print(string.format("%-15s %d", "CPU:", v.cpu))
      ctx.print(string.format("%-15s %s", "State:", v.state))
      ctx.print(string.format("%-15s %.1fs", "CPU time:", v.time))
      ctx.print(string.format("%-15s %s", "CPU Affinity:",
        o.pretty and v.affinity or affinity_map(v.affinity, ncpus)))
      ctx.print("")
    end
  end,
})

table.insert(M, {
  name = "vcpupin", group = "domain", json = true,
  help = "control or query domain vcpu affinity",
  desc = "Pin domain VCPUs to host physical CPUs.",
  args = {DOMAIN,
    {name = "vcpu", optional = true, int = true, help = "vcpu number"},
    {name = "cpulist", optional = true,
      help = "host cpu number(s) to set, or omit option to query"}},
  opts = with_affect(),
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local f = affect(ctx, o, "vcpupin")
    if o.cpulist then
      if not o.vcpu then ctx.raise("invalid", "command 'vcpupin': a cpulist needs a vcpu") end
      d:pin_vcpu(o.vcpu, o.cpulist, {live = f.live, config = f.config})
      return
    end
    if f.live and f.config then
      ctx.raise("invalid", "command 'vcpupin': query one of --live and --config")
    end
    local pins = d:vcpu_pins({config = f.config})
    local rows = {}
    for _, p in ipairs(pins) do
      if not o.vcpu or o.vcpu == p.vcpu then table.insert(rows, {p.vcpu, p.cpus}) end
    end
    if o.vcpu and #rows == 0 then
      ctx.raise("invalid", string.format("domain '%s': vcpu %d: no such vcpu",
        d.name, o.vcpu))
    end
    if o.json then return ctx.json(pins) end
    ctx.table({"VCPU", "CPU Affinity"}, rows)
  end,
})

table.insert(M, {
  name = "emulatorpin", group = "domain", json = true,
  help = "control or query domain emulator affinity",
  desc = "Pin domain emulator threads to host physical CPUs.",
  args = {DOMAIN, {name = "cpulist", optional = true,
    help = "host cpu number(s) to set, or omit option to query"}},
  opts = with_affect(),
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local f = affect(ctx, o, "emulatorpin")
    if o.cpulist then
      d:pin_emulator(o.cpulist, {live = f.live, config = f.config})
      return
    end
    local pin = d:emulator_pin({config = f.config})
    if o.json then return ctx.json({emulator = pin}) end
    ctx.extra(" emulator: CPU Affinity")
    ctx.extra("----------------------------------")
    ctx.print("       *: " .. pin)
  end,
})

table.insert(M, {
  name = "setmem", group = "domain",
  help = "change memory allocation",
  desc = "Change the current memory allocation in the guest domain.",
  args = {DOMAIN, {name = "size", help = "new memory size, as scaled integer (default KiB)"}},
  opts = with_affect(),
  run = function(ctx, o)
    local f = affect(ctx, o, "setmem")
    ctx.domain(o.domain):set_memory(o.size, {live = f.live, config = f.config})
  end,
})

table.insert(M, {
  name = "setmaxmem", group = "domain",
  help = "change maximum memory limit",
  desc = "Change the maximum memory allocation limit in the guest domain.",
  args = {DOMAIN, {name = "size",
    help = "new maximum memory size, as scaled integer (default KiB)"}},
  opts = with_affect(),
  run = function(ctx, o)
    local f = affect(ctx, o, "setmaxmem")
    ctx.domain(o.domain):set_max_memory(o.size, {live = f.live, config = f.config})
  end,
})

table.insert(M, {
  name = "dommemstat", group = "monitor", json = true,
  help = "get memory statistics for a domain",
  desc = "Get memory statistics for a running domain.",
  args = {DOMAIN},
  opts = {{name = "period", value = true, int = true,
    help = "period in seconds to set collection"}},
  run = function(ctx, o)
    local s, keys = ctx.domain(o.domain):memory_stats({period = o.period})
    if o.json then return ctx.json(s) end
    for _, k in ipairs(keys) do ctx.print(string.format("%s %s", k, s[k])) end
  end,
})

local STATS_GROUPS = {
  {"state", "state"}, {"cpu-total", "cpu_total"}, {"balloon", "balloon"},
  {"vcpu", "vcpu"}, {"interface", "interface"}, {"block", "block"},
}

local function stats_opts()
  local r = {}
  for _, g in ipairs(STATS_GROUPS) do
    table.insert(r, {name = g[1], help = "report domain " .. g[1] .. " statistics"})
  end
  table.insert(r, {name = "list-active", help = "list only active domains"})
  table.insert(r, {name = "list-inactive", help = "list only inactive domains"})
  table.insert(r, {name = "list-running", help = "list only running domains"})
  return r
end

table.insert(M, {
  name = "domstats", group = "monitor", json = true,
  help = "get statistics about one or multiple domains",
  desc = "Gets statistics about one or more (or all) domains.",
  args = {{name = "domains", optional = true, rest = true,
    help = "list of domains to get stats for"}},
  opts = stats_opts(),
  run = function(ctx, o)
    local groups = {}
    for _, g in ipairs(STATS_GROUPS) do
      if o[g[1]] then groups[g[2]] = true end
    end
    local doms = {}
    if o.domains and #o.domains > 0 then
      for _, n in ipairs(o.domains) do table.insert(doms, ctx.domain(n)) end
    else
      for _, d in ipairs(ctx.virt.domains({all = true})) do
        local active = d.active
        if (not o["list-active"] or active) and (not o["list-inactive"] or not active)
          and (not o["list-running"] or d.state == "running") then
          table.insert(doms, d)
        end
      end
    end
    local all = {}
    for _, d in ipairs(doms) do
      local s, keys = d:stats(groups)
      if o.json then
        all[d.name] = s
      else
        ctx.print(string.format("Domain: '%s'", d.name))
        for _, k in ipairs(keys) do ctx.print(string.format("  %s=%s", k, s[k])) end
        ctx.print("")
      end
    end
    if o.json then return ctx.json(all) end
  end,
})

table.insert(M, {
  name = "cpu-stats", group = "monitor", json = true,
  help = "show domain cpu statistics",
  desc = "Display per-CPU and total statistics about the domain's CPUs. " ..
    "luavirt reads them from /proc without cgroups: only the totals.",
  args = {DOMAIN},
  opts = {{name = "total", help = "Show total statistics only"}},
  run = function(ctx, o)
    local s = ctx.domain(o.domain):cpu_stats()
    if o.json then return ctx.json(s) end
    ctx.print("Total:")
    for _, k in ipairs({"cpu_time", "user_time", "system_time"}) do
      ctx.print(string.format("\t%-12s %.9f seconds", k, s[k]))
    end
  end,
})

table.insert(M, {
  name = "vncdisplay", group = "domain",
  help = "vnc display",
  desc = "Output the IP address and port number for the VNC display.",
  args = {DOMAIN},
  run = function(ctx, o)
    ctx.print(ctx.domain(o.domain):vnc_display())
  end,
})

table.insert(M, {
  name = "domdisplay", group = "domain",
  help = "domain display connection URI",
  desc = "Output the URI which can be used to connect to the graphical display " ..
    "of the domain via VNC, SPICE or RDP.",
  args = {DOMAIN},
  opts = {{name = "type", value = true, choices = {"vnc", "spice"},
    help = "select particular graphical display"}},
  run = function(ctx, o)
    ctx.print(ctx.domain(o.domain):display(o.type))
  end,
})

table.insert(M, {
  name = "screenshot", group = "domain",
  help = "take a screenshot of a current domain console and store it into a file",
  desc = "Take a screenshot of a current domain console and store it into a file.",
  args = {DOMAIN, {name = "file", optional = true, help = "where to store the screenshot"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local file = o.file or string.format("%s-%s.ppm", d.name, os.date("%Y-%m-%d-%H:%M:%S"))
    d:screenshot(file)
    ctx.print(string.format("Screenshot saved to %s, with type of image/x-portable-pixmap",
      file))
  end,
})

return M
