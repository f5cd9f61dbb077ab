-- cmd_host.lua - host and hypervisor commands of the command line:
-- capabilities, nodeinfo, hostname, uri, version (virsh-host.c layouts).
local M = {}

local function add(c)
  c.group = "host"
  table.insert(M, c)
end

-- Print a nested table as indented "key: value" lines, keys sorted,
-- arrays as "- item" lines.
local function tree(ctx, v, indent)
  local keys = {}
  for k in pairs(v) do table.insert(keys, k) end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local x = v[k]
    local label = type(k) == "number" and "-" or (tostring(k) .. ":")
    if type(x) == "table" then
      ctx.print(indent .. label)
      tree(ctx, x, indent .. "  ")
    else
      ctx.print(indent .. label .. " " .. tostring(x))
    end
  end
end

add({
  name = "capabilities", json = true,
  help = "capabilities",
  desc = "Returns capabilities of hypervisor/driver: QEMU, machines, KVM (usable or why not), host.",
  run = function(ctx, o)
    local caps = ctx.virt.capabilities()
    if o.json then return ctx.json(caps) end
    tree(ctx, caps, "")
  end,
})

add({
  name = "nodeinfo", json = true,
  help = "node information",
  desc = "Returns basic information about the node.",
  run = function(ctx, o)
    local n = ctx.virt.nodeinfo()
    if o.json then return ctx.json(n) end
    ctx.kv({
      {"CPU model:", n.model},
      {"CPU(s):", n.cpus},
      {"CPU frequency:", n.mhz and (n.mhz .. " MHz")},
      {"CPU socket(s):", n.sockets},
      {"Core(s) per socket:", n.cores},
      {"Thread(s) per core:", n.threads},
      {"NUMA cell(s):", n.nodes},
      {"Memory size:", n.memory_kib and (n.memory_kib .. " KiB")},
    }, 20)
  end,
})

add({
  name = "hostname", help = "print the hypervisor hostname",
  desc = "Print the hypervisor hostname.",
  run = function(ctx) ctx.print(ctx.virt.hostname()) end,
})

add({
  name = "uri", help = "print the hypervisor canonical URI",
  desc = "Print the hypervisor canonical URI.",
  run = function(ctx) ctx.print(ctx.virt.uri()) end,
})

add({
  name = "version", json = true,
  help = "show version",
  desc = "Display the system version information.",
  opts = {{name = "daemon", help = "report daemon version too (there is no daemon)"}},
  run = function(ctx, o)
    local v = ctx.virt.version()
    if o.json then return ctx.json(v) end
    ctx.print(string.format("Compiled against library: luavirt %s", v.luavirt))
    ctx.print(string.format("Using library: luavirt %s", v.luavirt))
    ctx.print(string.format("Using API: QEMU %s", v.luavirt))
    ctx.print(string.format("Running hypervisor: QEMU %s", v.qemu or "unknown"))
  end,
})

return M
