-- cmd_bridge.lua - `luavirt bridge`: host bridge setup over the bridge
-- recipe (lua/recipes/bridge.lua): --create NAME --nic NIC, --remove NAME,
-- --list.
local M = {}

table.insert(M, {
  name = "bridge", group = "recipe",
  help = "make or take apart a host bridge over a NIC",
  desc = "--create NAME --nic NIC: a bridge with the NIC's MAC, the NIC its port,\n" ..
    "    the NIC's addresses and routes (the default route too) moved to it; a\n" ..
    "    failing step undoes the ones before. --remove NAME: the reverse (a bridge\n" ..
    "    made here; --force: any bridge with one port). --list: the ones made here.",
  opts = {
    {name = "create", value = true, help = "the bridge to make"},
    {name = "nic", value = true, help = "the NIC to put in it"},
    {name = "stp", value = true, choices = {"on", "off"}, help = "spanning tree (default off)"},
    {name = "delay", value = true, int = true, help = "forward delay in seconds"},
    {name = "remove", value = true, help = "the bridge to take apart"},
    {name = "force", help = "--remove a bridge luavirt did not make"},
    {name = "list", help = "the bridges made here"},
  },
  run = function(ctx, o)
    local bridge = require("recipes.bridge")
    local n = (o.create and 1 or 0) + (o.remove and 1 or 0) + (o.list and 1 or 0)
    if n ~= 1 then
      ctx.raise("invalid", "command 'bridge': one of --create, --remove or --list is required")
    end
    if o.create then
      if not o.nic then ctx.raise("invalid", "command 'bridge': --create needs --nic") end
      bridge.create{name = o.create, nic = o.nic, stp = o.stp == "on", delay = o.delay}
      ctx.print(string.format("Bridge '%s' created over '%s'", o.create, o.nic))
    elseif o.remove then
      bridge.remove{name = o.remove, force = o.force or nil}
      ctx.print(string.format("Bridge '%s' removed", o.remove))
    else
      local rows = {}
      for _, b in ipairs(bridge.list()) do rows[#rows + 1] = {b.name, b.nic} end
      ctx.table({"Bridge", "NIC"}, rows)
    end
  end,
})

return M
