-- batch.lua - many guests at once, for scripts and for `luavirt batch`:
--   local batch = require("recipes.batch")
--   local rows = batch.provision{template = "base", count = 8, prefix = "web",
--     network = "default", jobs = 4, on_ready = function(d, ip) end}
--   batch.start{state = "shut off"} ; batch.shutdown{all = true, timeout = 60}
--   batch.destroy{name = "web*"} ; batch.undefine{name = "web*", storage = true}
-- provision makes count guests from a shut off template (linked clones by
-- default: new names PREFIX1.., uuids and MACs), each with its own
-- cloud-init seed when cloud_init is given (hostname = the guest's name),
-- starts them with at most jobs at once and waits for each one's IP (its
-- DHCP lease) or a console marker. A guest that fails is reported in its
-- row and the others go on. Rows: {name=, state=, ip=, seconds=, error=}.
-- The others act on the guests a filter selects: name (a glob), state,
-- autostart, all (inactive ones too; start looks at those by default).
local M = {}

local function fail(fn, msg)
  error(virt.error("invalid", "batch." .. fn .. ": " .. msg), 3)
end

local function check_keys(fn, t, keys)
  if type(t) ~= "table" then fail(fn, "expected a table of options") end
  for k in pairs(t) do
    if not keys[k] then fail(fn, string.format("unknown key '%s'", tostring(k))) end
  end
end

-- A shell glob ("web*", "db?") as an anchored Lua pattern.
function M.glob(g)
  local p = g:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".")
  return "^" .. p .. "$"
end

local FILTER = {name = true, state = true, autostart = true, all = true}

-- The domains a filter selects, by name.
function M.select(f)
  f = f or {}
  local all = f.all or f.state ~= nil or f.inactive
  local pat = f.name and M.glob(f.name)
  local out = {}
  for _, d in ipairs(virt.domains{all = all and true or nil}) do
    if (not pat or d.name:match(pat)) and (f.state == nil or d.state == f.state) and
       (f.autostart == nil or d.autostart == f.autostart) then
      out[#out + 1] = d
    end
  end
  table.sort(out, function(a, b) return a.name < b.name end)
  return out
end

-- fn(item) for every item, at most jobs at once; one row per item.
local function each(items, jobs, fn, progress)
  local done, rows = 0, {}
  local res = virt.parallel(items, function(item)
    local t0 = os.time()
    local ok, v = pcall(fn, item)
    local row = type(v) == "table" and ok and v or {}
    row.name = row.name or (type(item) == "string" and item or item.name)
    row.seconds = os.time() - t0
    if not ok then row.error = type(v) == "table" and v.message or tostring(v) end
    local d = virt.find_domain(row.name)
    row.state = d and d.state or "-"
    done = done + 1
    if progress then progress(row, done, #items) end
    return row
  end, {jobs = jobs})
  for i, r in ipairs(res) do
    rows[i] = r.ok and r.value or {name = tostring(items[i]), error = tostring(r.error)}
  end
  return rows
end

local PROVISION = {
  template = true, count = true, prefix = true, first = true, network = true,
  jobs = true, linked = true, cloud_init = true, wait = true, timeout = true,
  on_ready = true, progress = true,
}

-- The guest's NICs on network (all of them), or as the template has them.
local function set_network(d, net)
  local def = d:definition()
  if not def.interfaces or #def.interfaces == 0 then
    d:attach_interface{type = "network", source = net, model = "virtio", config = true}
    return
  end
  for _, nic in ipairs(def.interfaces) do
    nic.type, nic.source = "network", net
  end
  d:redefine(def)
end

-- A cloud-init seed for d (hostname = its name), in the pool of its first
-- disk, attached as a CD-ROM.
local function seed(d, ci)
  local disk = d:disks{inactive = true}[1]
  local vol = disk and virt.find_volume(disk.source)
  if not vol then
    error(virt.error("invalid", string.format("domain '%s': its first disk is in no " ..
      "pool: nowhere to put the cloud-init seed", d.name)), 0)
  end
  local meta = string.format("instance-id: %s\nlocal-hostname: %s\n", d.name, d.name)
  local iso = vol.pool:create_cidata(d.name .. "-cidata.iso", {
    user_data = ci.user_data or "#cloud-config\n", meta_data = ci.meta_data or meta,
    network_config = ci.network_config})
  d:attach_disk{source = iso.path, target = "hdc", device = "cdrom", bus = "ide",
    format = "raw", readonly = true, config = true}
end

function M.provision(t)
  check_keys("provision", t, PROVISION)
  if not t.template then fail("provision", "'template' (a shut off domain) is required") end
  local count = t.count or 1
  if math.type(count) ~= "integer" or count < 1 then
    fail("provision", "'count' must be a positive integer")
  end
  local tpl = type(t.template) == "string" and virt.domain(t.template) or t.template
  local prefix = t.prefix or (tpl.name .. "-")
  local first = t.first or 1
  local wait = t.wait or "ip"
  local timeout = t.timeout or 300
  local names = {}
  for i = first, first + count - 1 do
    local n = prefix .. i
    if virt.find_domain(n) then fail("provision", string.format("domain '%s' already exists", n)) end
    names[#names + 1] = n
  end
  if t.network then virt.network(t.network) end   -- raises no-network
  return each(names, t.jobs or 4, function(name)
    local d = tpl:clone{name = name, auto = true, linked = t.linked ~= false}
    if t.network then set_network(d, t.network) end
    if t.cloud_init then seed(d, t.cloud_init == true and {} or t.cloud_init) end
    d:start()
    local row = {name = name}
    if wait == "ip" then
      row.ip = d:wait{ip = true, timeout = timeout}
    elseif type(wait) == "table" and wait.console then
      d:wait_console(wait.console, timeout)
    end
    if t.on_ready then t.on_ready(d, row.ip) end
    return row
  end, t.progress)
end

local function action(fn, keys, f, op)
  check_keys(fn, f, keys)
  local sel = {}
  for k in pairs(FILTER) do sel[k] = f[k] end
  local names = {}
  for _, d in ipairs(M.select(sel)) do names[#names + 1] = d.name end
  return each(names, f.jobs or 4, function(name)
    op(virt.domain(name))
    return {name = name}
  end, f.progress)
end

local function with(extra)
  local k = {jobs = true, progress = true}
  for n in pairs(FILTER) do k[n] = true end
  for _, n in ipairs(extra or {}) do k[n] = true end
  return k
end

function M.start(f)
  f = f or {}
  if f.state == nil and not f.all then f.state = "shut off" end
  return action("start", with(), f, function(d) d:start() end)
end

function M.shutdown(f)
  f = f or {}
  return action("shutdown", with{"timeout"}, f, function(d)
    d:shutdown()
    d:wait{state = "shut off", timeout = f.timeout or 60}
  end)
end

function M.destroy(f)
  return action("destroy", with(), f or {}, function(d) d:destroy() end)
end

-- Undefine (destroying a running one first); storage = true removes their
-- disks too (and cloud-init seeds).
function M.undefine(f)
  f = f or {}
  if f.all == nil then f.all = true end
  return action("undefine", with{"storage"}, f, function(d)
    if d.active then d:destroy() end
    if f.storage then d:undefine_storage{nvram = true} else d:undefine{nvram = true} end
  end)
end

return M
