-- cmd_domnet.lua - guest NIC commands of the command line: attach-interface,
-- detach-interface, domiflist, domifstat, domif-setlink, domif-getlink and
-- domifaddr. Options, messages and layouts follow virsh 9
-- (tools/virsh-domain.c, tools/virsh-domain-monitor.c).
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}

local AFFECT_OPTS = {
  {name = "persistent", help = "make live change persistent"},
  {name = "config", help = "affect next boot"},
  {name = "live", help = "affect running domain"},
  {name = "current", help = "affect current domain"},
}

-- virsh's --current/--live/--config/--persistent into {live=, config=}.
local function affect(ctx, d, o, cmd)
  if o.current and (o.live or o.config or o.persistent) then
    ctx.raise("invalid", string.format("command '%s': options --current and " ..
      "--live/--config/--persistent are mutually exclusive", cmd))
  end
  local f = {live = o.live or nil, config = o.config or nil}
  if o.persistent then
    f.config = true
    if d.state ~= "shut off" then f.live = true end
  end
  return f
end

table.insert(M, {
  name = "attach-interface", group = "domain",
  help = "attach network interface",
  desc = "Attach new network interface.",
  args = {DOMAIN,
    {name = "type", help = "network interface type"},
    {name = "source", help = "source of network interface"}},
  opts = {
    {name = "target", value = true, help = "target network name"},
    {name = "mac", value = true, help = "MAC address"},
    {name = "model", value = true, help = "model type"},
    {name = "mtu", value = true, int = true, help = "MTU of the host side"},
    AFFECT_OPTS[1], AFFECT_OPTS[2], AFFECT_OPTS[3], AFFECT_OPTS[4],
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local f = affect(ctx, d, o, "attach-interface")
    d:attach_interface({type = o.type, source = o.source, target = o.target,
      mac = o.mac, model = o.model, mtu = o.mtu, live = f.live, config = f.config})
    ctx.extra("Interface attached successfully")
  end,
})

table.insert(M, {
  name = "detach-interface", group = "domain",
  help = "detach network interface",
  desc = "Detach network interface.",
  args = {DOMAIN, {name = "type", help = "network interface type"}},
  opts = {
    {name = "mac", value = true, help = "MAC address"},
    AFFECT_OPTS[1], AFFECT_OPTS[2], AFFECT_OPTS[3], AFFECT_OPTS[4],
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local f = affect(ctx, d, o, "detach-interface")
    d:detach_interface({type = o.type, mac = o.mac, live = f.live, config = f.config})
    ctx.extra("Interface detached successfully")
  end,
})

table.insert(M, {
  name = "domiflist", group = "monitor", json = true,
  help = "list all domain virtual interfaces",
  desc = "Get network interfaces' summary for a running domain.",
  args = {DOMAIN},
  opts = {{name = "inactive", help = "get inactive rather than running configuration"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local list = d:interfaces({inactive = o.inactive or nil})
    if o.json then return ctx.json(list) end
    local rows = {}
    for _, i in ipairs(list) do
      table.insert(rows, {i.iface, i.type, i.source, i.model, i.mac})
    end
    ctx.table({"Interface", "Type", "Source", "Model", "MAC"}, rows)
  end,
})

local STAT_FIELDS = {"rx_bytes", "rx_packets", "rx_errs", "rx_drop",
  "tx_bytes", "tx_packets", "tx_errs", "tx_drop"}

table.insert(M, {
  name = "domifstat", group = "monitor", json = true,
  help = "get network interface stats for a domain",
  desc = "Get network interface stats for a running domain.",
  args = {DOMAIN, {name = "interface",
    help = "interface device specified by name or MAC Address"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local st = d:interface_stats(o.interface)
    if o.json then return ctx.json(st) end
    for _, k in ipairs(STAT_FIELDS) do
      ctx.print(string.format("%s %s %d", o.interface, k, st[k]))
    end
  end,
})

table.insert(M, {
  name = "domif-setlink", group = "monitor",
  help = "set link state of a virtual interface",
  desc = "Set link state of a domain's virtual interface. This command " ..
    "wraps usage of update-device command.",
  args = {DOMAIN,
    {name = "interface", help = "interface device (MAC Address)"},
    {name = "state", choices = {"up", "down"}, help = "new state of the device"}},
  opts = {{name = "config", aliases = {"persistent"}, help = "affect next boot"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    -- virsh: --config changes the definition; else the live guest, or the
    -- definition of a shut-off one
    d:set_link(o.interface, o.state, {config = o.config or nil})
    ctx.extra("Device updated successfully")
  end,
})

table.insert(M, {
  name = "domif-getlink", group = "monitor", json = true,
  help = "get link state of a virtual interface",
  desc = "Get link state of a domain's virtual interface.",
  args = {DOMAIN, {name = "interface", help = "interface device (MAC Address)"}},
  opts = {{name = "config", aliases = {"persistent"},
    help = "Get persistent interface state"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local st = d:get_link(o.interface, {config = o.config or nil})
    if o.json then return ctx.json({interface = o.interface, state = st}) end
    ctx.print(o.interface .. " " .. st)
  end,
})

table.insert(M, {
  name = "domifaddr", group = "monitor", json = true,
  help = "Get network interfaces' addresses for a running domain",
  desc = "Get network interfaces' addresses for a running domain",
  args = {DOMAIN},
  opts = {
    {name = "interface", value = true, help = "network interface name"},
    {name = "full", help = "always display names and MACs of interfaces"},
    {name = "source", value = true, choices = {"lease", "agent"},
      help = "address source: 'lease' or 'agent'"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local list = d:addresses({source = o.source or "lease"})
    if o.json then return ctx.json(list) end
    -- virsh prints this header with printf, not as a vshTable
    if not ctx.quiet then
      ctx.write(string.format(" %-10s %-20s %-8s     %s\n%s\n", "Name",
        "MAC address", "Protocol", "Address", string.rep("-", 79)))
    end
    local last
    for _, a in ipairs(list) do
      if not o.interface or o.interface == a.name then
        local addr = string.format("%-12s %s/%d", a.protocol, a.addr, a.prefix)
        if o.full or last ~= a.name then
          ctx.print(string.format(" %-10s %-17s    %s", a.name, a.mac, addr))
        else
          ctx.print(string.format(" %-10s %-17s    %s", "-", "-", addr))
        end
        last = a.name
      end
    end
  end,
})

return M
