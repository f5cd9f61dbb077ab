-- install.lua - the install recipe (what virt-install does), for scripts
-- and for `luavirt install`:
--   local install = require("recipes.install")
--   local d = install{name = "k1", memory = "512M", import = true,
--     disks = {{path = "/srv/base.qcow2"}}, graphics = {type = "none"},
--     boot = {kernel = "/boot/vmlinuz", initrd = "/boot/initrd.img",
--             kernel_args = "console=ttyS0"}, networks = {}}
--   install{name = "c1", memory = 1024, disks = {{backing = "base.qcow2", size = 10}},
--     cloud_init = {user_data = "user.yaml", meta_data = "meta.yaml"}}
-- Checks every option first, then creates the disks (in a pool), the
-- cloud-init seed, defines the domain and starts it; a failing step undoes
-- the ones before it. print_xml / dry_run: the XML, nothing made. Returns
-- the domain (or the XML). The domain table itself is install_plan.lua's.
local plan = require("recipes.install_plan")

local M = {}

local function fail(code, msg)
  error(virt.error(code, msg), 0)
end

-- Create what the plan needs, in order; on a failure remove what was made.
local function make_storage(p, made)
  for _, d in ipairs(p.new_volumes) do
    local pool = virt.pool(d.pool)
    local v = pool:create_volume(d.volume)
    made[#made + 1] = v
  end
  if p.seed then
    local pool = virt.pool(p.seed.pool)
    made[#made + 1] = pool:create_cidata(p.seed.name, p.seed.files)
  end
end

local function undo(made, dom)
  if dom then
    pcall(function() if dom.active then dom:destroy() end end)
    pcall(function() dom:undefine{nvram = true} end)
  end
  for i = #made, 1, -1 do
    pcall(function() made[i]:delete() end)
  end
end

function M.install(t)
  local p = plan.make(t)         -- raises on bad input; nothing made yet
  if t.print_xml or t.dry_run then
    return plan.xml(p)
  end
  local made, dom = {}, nil
  -- virt-install's two documents (CD-ROM, --location, PXE): boot with the
  -- install-phase one, then leave the final one as the definition
  local ok, err = pcall(function()
    make_storage(p, made)
    if p.install_table then
      dom = virt.define_domain(p.install_table)
    else
      dom = virt.define_domain(p.final_table)
    end
    if t.autostart then dom:set_autostart(true) end
    dom:start()
    if p.install_table then virt.define_domain(p.final_table) end
  end)
  if not ok then
    undo(made, dom)
    if type(err) == "table" or type(err) == "userdata" then
      local code = err.code or "internal"
      fail(code, string.format("install '%s': %s", p.name, tostring(err)))
    end
    error(err, 0)
  end
  return dom
end

M.OS = require("recipes.install_os")

return setmetatable(M, {__call = function(_, t) return M.install(t) end})
