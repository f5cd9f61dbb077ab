-- bridge.lua - host bridge setup, for scripts and for `luavirt bridge`:
--   local bridge = require("recipes.bridge")
--   bridge.create{name = "br0", nic = "enp4s0f0", stp = false}
--   bridge.remove{name = "br0"} ; bridge.list()
-- create makes br0 with the NIC's MAC, makes the NIC its port and moves the
-- NIC's addresses and routes (the default route too) to it, so the host
-- keeps its connectivity; a failure at any step undoes the ones before.
-- remove is the reverse, for a bridge made here (force: any one-port one).
-- Guests then use <interface type='bridge'><source bridge='br0'/>.
local M = {}

local function check(fn, t, keys)
  if type(t) ~= "table" then
    error(virt.error("invalid", "bridge." .. fn .. ": expected a table of options"), 3)
  end
  for k in pairs(t) do
    if not keys[k] then
      error(virt.error("invalid", string.format("bridge.%s: unknown key '%s'", fn,
        tostring(k))), 3)
    end
  end
end

function M.create(t)
  check("create", t, {name = true, nic = true, stp = true, delay = true})
  return virt.create_host_bridge{name = t.name, nic = t.nic, stp = t.stp, delay = t.delay}
end

function M.remove(t)
  check("remove", t, {name = true, force = true})
  if not t.name then error(virt.error("invalid", "bridge.remove: 'name' is required"), 2) end
  virt.remove_host_bridge(t.name, {force = t.force})
end

function M.list()
  return virt.host_bridges()
end

return M
