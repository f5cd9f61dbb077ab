-- clone.lua - the clone recipe (what virt-clone does), for scripts and for
-- `luavirt clone`:
--   local clone = require("recipes.clone")
--   local d = clone{original = "vm1", name = "vm2", auto = true}
--   clone{original = "base", name = "web1", linked = true, auto = true}
--   clone{original = "vm1", name = "vm3", files = {"/data/vm3.qcow2"}}
-- The original must be shut off (or paused); the clone gets a new uuid and
-- new MAC addresses, copies of the original's writable disks (full, or
-- linked: a qcow2 overlay backed by the original image) and of its NVRAM.
-- Returns the new domain (or, with dry_run, its XML).
local M = {}

local KEYS = {
  original = true, name = true, auto = true, files = true, linked = true,
  skip = true, preserve_data = true, dry_run = true, progress = true,
}

function M.clone(t)
  if type(t) ~= "table" then
    error(virt.error("invalid", "recipes.clone: expected a table of options"), 2)
  end
  for k in pairs(t) do
    if not KEYS[k] then
      error(virt.error("invalid", string.format("recipes.clone: unknown key '%s'",
        tostring(k))), 2)
    end
  end
  if not t.original then
    error(virt.error("invalid", "recipes.clone: 'original' (the domain to clone) is required"), 2)
  end
  local src = type(t.original) == "string" and virt.domain(t.original) or t.original
  return src:clone{name = t.name, auto = t.auto, files = t.files, linked = t.linked,
    skip = t.skip, preserve_data = t.preserve_data, dry_run = t.dry_run,
    progress = t.progress}
end

return setmetatable(M, {__call = function(_, t) return M.clone(t) end})
