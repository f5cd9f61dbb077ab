-- install_plan.lua - the checking half of the install recipe: reads an
-- install{...} table key by key and turns it into a plan (the domain table
-- for define_domain, the volumes and cloud-init seed to create) without
-- making anything. Every error names the domain, the option and the cause.
local os_table = require("recipes.install_os")

local M = {}

local KEYS = {
  name = true, memory = true, vcpus = true, disks = true, cdrom = true,
  location = true, import = true, pxe = true, boot = true, networks = true,
  graphics = true, os_variant = true, autostart = true, cloud_init = true,
  print_xml = true, dry_run = true, noautoconsole = true, virt_type = true,
  extra_args = true,
}
local DISK_KEYS = {size = true, format = true, bus = true, pool = true, path = true,
  backing = true}
local BOOT_KEYS = {kernel = true, initrd = true, kernel_args = true, uefi = true}
local NET_KEYS = {network = true, bridge = true, model = true, mac = true}
local GRAPHICS_KEYS = {type = true, listen = true}
local CLOUD_KEYS = {user_data = true, meta_data = true, network_config = true}
local BUSES = {virtio = "vd", sata = "sd", scsi = "sd", usb = "sd", ide = "hd"}

-- Where --location finds a kernel and initrd (Debian, Ubuntu, Fedora/RHEL,
-- isolinux, SUSE, and a plain directory), as virt-install's treeinfo-less
-- distro probes do.
local LOCATION_FILES = {
  {"install.amd/vmlinuz", "install.amd/initrd.gz"},
  {"casper/vmlinuz", "casper/initrd"},
  {"images/pxeboot/vmlinuz", "images/pxeboot/initrd.img"},
  {"isolinux/vmlinuz", "isolinux/initrd.img"},
  {"boot/x86_64/loader/linux", "boot/x86_64/loader/initrd"},
  {"vmlinuz", "initrd.img"},
}

local function new_plan(name)
  local p = {name = name, new_volumes = {}}
  function p.fail(code, fmt, ...)
    error(virt.error(code, string.format("install '%s': " .. fmt, name, ...)), 0)
  end
  return p
end

local function check_keys(p, what, t, allowed)
  if type(t) ~= "table" then p.fail("invalid", "%s must be a table", what) end
  for k in pairs(t) do
    if not allowed[k] then p.fail("invalid", "%s: unknown key '%s'", what, tostring(k)) end
  end
end

-- Paths name files on the connection's host (another one for install
-- --connect qemu+ssh://...): virt.file_info asks there.
local function is_file(path)
  local i = virt.file_info(path)
  return i ~= nil and i.type ~= "dir"
end

local function is_dir(path)
  local i = virt.file_info(path)
  return i ~= nil and i.type == "dir"
end

local function deep_copy(v)
  if type(v) ~= "table" then return v end
  local c = {}
  for k, x in pairs(v) do c[k] = deep_copy(x) end
  return c
end

-- A random (version 4) uuid, shared by the install and final documents.
local function new_uuid()
  local b = {}
  for i = 1, 16 do b[i] = math.random(0, 255) end
  b[7] = (b[7] & 0x0f) | 0x40
  b[9] = (b[9] & 0x3f) | 0x80
  return string.format("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
    table.unpack(b))
end

local function read_text(p, what, path)
  if type(path) ~= "string" then p.fail("invalid", "%s must be a file name", what) end
  local f, msg = io.open(path, "rb")
  if not f then p.fail("system", "%s: cannot read '%s': %s", what, path,
    (msg or ""):gsub("^.-: ", "")) end
  local s = f:read("a")
  f:close()
  if not s then p.fail("system", "%s: cannot read '%s'", what, path) end
  return s
end

-- "qcow2" when the file starts with qcow2's magic, else "raw" (what
-- virt-install's storage probe says for a file outside a pool).
local function probe_format(path)
  local i = virt.file_info(path)
  return i and i.format or "raw"
end

local function dirname(path)
  return path:match("^(.*)/[^/]*$") or "."
end

local function active_pool(p, what, name)
  local pool = virt.find_pool(name)
  if not pool then p.fail("no-pool", "%s: no pool '%s'", what, name) end
  if not pool.active then p.fail("state", "%s: pool '%s' is not active", what, name) end
  return pool
end

-- The active directory pool whose target is dir, or nil.
local function pool_of_dir(dir)
  for _, pool in ipairs(virt.pools()) do
    if pool.target == dir then return pool end
  end
  return nil
end

local function size_gib(p, what, v)
  local n = tonumber(v)
  if not n or n <= 0 then
    p.fail("invalid", "%s: size '%s' is not a positive number of GiB", what, tostring(v))
  end
  return n
end

-- A disk target name: vda, vdb, ... per prefix.
local function next_target(p, bus)
  p.targets = p.targets or {}
  local prefix = BUSES[bus]
  local n = p.targets[prefix] or 0
  p.targets[prefix] = n + 1
  return prefix .. string.char(string.byte("a") + n)
end

-- A new volume in pool for disk i: "<name>.qcow2", "<name>-1.qcow2", ...
local function new_volume(p, what, d, fam)
  local pool = active_pool(p, what, d.pool or "default")
  local fmt = d.format or "qcow2"
  if fmt ~= "qcow2" and fmt ~= "raw" then
    p.fail("invalid", "%s: format '%s' for a new disk: qcow2 or raw", what, fmt)
  end
  local vol = {format = fmt}
  if d.backing then
    if fmt ~= "qcow2" then p.fail("invalid", "%s: a backing file needs format qcow2", what) end
    local b = d.backing
    if not b:find("^/") then
      local bv = pool:find_volume(b)
      if not bv then p.fail("no-volume", "%s: backing: no volume '%s' in pool '%s'", what, b,
        pool.name) end
      b = bv.path
    elseif not is_file(b) then
      p.fail("invalid", "%s: backing file '%s' does not exist", what, b)
    end
    vol.backing, vol.backing_format = b, probe_format(b)
    -- the layer below, written out (<backingStore>) as libvirt's dumpxml
    -- shows it, so a confined QEMU is handed the backing file too
    p.chain = {{type = "file", format = vol.backing_format, source = b}}
  elseif not d.size then
    p.fail("invalid", "%s: give size= (GiB), path= or backing=", what)
  end
  if d.size then
    vol.capacity = string.format("%d", math.ceil(size_gib(p, what, d.size) * 1073741824))
  end
  local base = p.name .. (p.nvol > 0 and ("-" .. p.nvol) or "")
  vol.name = d.volume_name or (base .. (fmt == "raw" and ".img" or ".qcow2"))
  p.nvol = p.nvol + 1
  if pool:find_volume(vol.name) then
    p.fail("exists", "%s: volume '%s' already exists in pool '%s'", what, vol.name, pool.name)
  end
  p.new_volumes[#p.new_volumes + 1] = {pool = pool.name, volume = vol}
  p.seed_pool = p.seed_pool or pool.name
  return pool.target .. "/" .. vol.name, fmt
end

local function plan_disk(p, i, d, fam)
  local what = string.format("disks[%d]", i)
  check_keys(p, what, d, DISK_KEYS)
  local bus = d.bus or fam.disk_bus
  if not BUSES[bus] then
    p.fail("invalid", "%s: bus '%s': virtio, sata, scsi, usb or ide", what, tostring(bus))
  end
  if d.path and (d.pool or d.backing) then
    p.fail("invalid", "%s: path= goes alone, without pool= or backing=", what)
  end
  local path, fmt
  if d.path then
    if not d.path:find("^/") then
      p.fail("invalid", "%s: path '%s' must be absolute", what, d.path)
    end
    if is_file(d.path) then
      path, fmt = d.path, d.format or probe_format(d.path)
    elseif d.size then
      local pool = pool_of_dir(dirname(d.path))
      if not pool then
        p.fail("invalid", "%s: '%s' does not exist and its directory is not a storage pool " ..
          "(use pool=, or define a pool for '%s')", what, d.path, dirname(d.path))
      end
      path, fmt = new_volume(p, what, {pool = pool.name, size = d.size, format = d.format,
        volume_name = d.path:match("[^/]+$")}, fam)
    else
      p.fail("invalid", "%s: '%s' does not exist (give size= to create it)", what, d.path)
    end
  else
    path, fmt = new_volume(p, what, d, fam)
  end
  local disk = {type = "file", device = "disk", driver = "qemu", format = fmt, source = path,
    target = next_target(p, bus), bus = bus, backing = p.chain}
  p.chain = nil
  if fmt == "qcow2" and (d.size or d.backing) and not is_file(path) then disk.discard = "unmap" end
  return disk
end

local function plan_cdrom(p, path, fam)
  if not is_file(path) then p.fail("invalid", "cdrom: '%s' does not exist", path) end
  return {type = "file", device = "cdrom", driver = "qemu", format = "raw", source = path,
    target = next_target(p, fam.cdrom_bus), bus = fam.cdrom_bus, readonly = true}
end

local function plan_location(p, dir)
  if type(dir) ~= "string" or not is_dir(dir) then
    p.fail("invalid", "location '%s' must be a directory (a mounted ISO or tree)", tostring(dir))
  end
  for _, pair in ipairs(LOCATION_FILES) do
    local k, i = dir .. "/" .. pair[1], dir .. "/" .. pair[2]
    if is_file(k) and is_file(i) then return k, i end
  end
  p.fail("invalid", "location '%s': no kernel and initrd found (looked for %s, ...)", dir,
    LOCATION_FILES[1][1])
end

local function random_mac()
  return string.format("52:54:00:%02x:%02x:%02x", math.random(0, 255), math.random(0, 255),
    math.random(0, 255))
end

local function plan_networks(p, list, fam)
  if list == nil then
    if virt.find_network("default") then
      list = {{network = "default"}}
    else
      list = {{type = "user"}}
    end
  end
  if type(list) ~= "table" then p.fail("invalid", "networks must be a list of tables") end
  local out = {}
  for i, n in ipairs(list) do
    local what = string.format("networks[%d]", i)
    local typ = n.type
    n.type = nil
    check_keys(p, what, n, NET_KEYS)
    n.type = typ
    if n.network and n.bridge then p.fail("invalid", "%s: network= or bridge=, not both", what) end
    if n.mac and not n.mac:lower():match("^%x%x:%x%x:%x%x:%x%x:%x%x:%x%x$") then
      p.fail("invalid", "%s: mac '%s' is not a MAC address", what, n.mac)
    end
    local nic = {mac = n.mac and n.mac:lower() or random_mac(), model = n.model or fam.nic_model}
    if n.bridge then
      nic.type, nic.source = "bridge", n.bridge
    elseif n.network then
      nic.type, nic.source = "network", n.network
    elseif typ == "user" then
      nic.type = "user"
    else
      p.fail("invalid", "%s: give network= or bridge=", what)
    end
    out[#out + 1] = nic
  end
  return out
end

local function plan_graphics(p, g)
  g = g or {type = "vnc"}
  check_keys(p, "graphics", g, GRAPHICS_KEYS)
  if g.type == "none" then return nil end
  if g.type ~= "vnc" then
    p.fail("invalid", "graphics: type '%s': vnc or none", tostring(g.type))
  end
  local out = {type = "vnc", port = -1, autoport = true}
  if g.listen then out.listen, out.listen_type = g.listen, "address" end
  return {out}
end

local function plan_cloud_init(p, c)
  check_keys(p, "cloud_init", c, CLOUD_KEYS)
  local files = {
    user_data = c.user_data and read_text(p, "cloud_init.user_data", c.user_data) or
      "#cloud-config\n",
    meta_data = c.meta_data and read_text(p, "cloud_init.meta_data", c.meta_data) or
      string.format("instance-id: %s\nlocal-hostname: %s\n", p.name, p.name),
  }
  if c.network_config then
    files.network_config = read_text(p, "cloud_init.network_config", c.network_config)
  end
  local pool = active_pool(p, "cloud_init", p.seed_pool or "default")
  local name = p.name .. "-cidata.iso"
  if pool:find_volume(name) then
    p.fail("exists", "cloud_init: volume '%s' already exists in pool '%s'", name, pool.name)
  end
  p.seed = {pool = pool.name, name = name, files = files}
  return pool.target .. "/" .. name
end

local function memory_of(p, m)
  if math.type(m) == "integer" and m > 0 then return string.format("%d MiB", m) end
  if type(m) == "string" and m:match("^%s*%d+%s*%a*%s*$") then
    local n, unit = m:match("^%s*(%d+)%s*(%a*)")
    if tonumber(n) > 0 then
      return unit == "" and (n .. " MiB") or (n .. " " .. unit)
    end
  end
  p.fail("invalid", "memory '%s': a number of MiB or a size such as \"1G\"", tostring(m))
end

local function install_method(p, t)
  local given = {}
  for _, k in ipairs({"cdrom", "location", "import", "pxe"}) do
    if t[k] then given[#given + 1] = k end
  end
  if #given > 1 then
    p.fail("invalid", "install methods %s and %s exclude each other", given[1], given[2])
  end
  if #given == 0 and not (t.boot and t.boot.kernel) then
    p.fail("invalid", "no install method: give cdrom, location, import, pxe or boot.kernel")
  end
  return given[1]
end

local LIBOSINFO = "http://libosinfo.org/xmlns/libvirt/domain/1.0"

-- The domain table's platform part: name, sizes, <os>, libosinfo metadata.
local function plan_platform(p, t, fam, id)
  if t.memory == nil then p.fail("invalid", "memory is required") end
  local vcpus = t.vcpus and math.tointeger(tonumber(t.vcpus))
  if t.vcpus and (not vcpus or vcpus < 1) then
    p.fail("invalid", "vcpus '%s' is not a positive integer", tostring(t.vcpus))
  end
  local boot = t.boot or {}
  check_keys(p, "boot", boot, BOOT_KEYS)
  for _, k in ipairs({"kernel", "initrd"}) do
    if boot[k] and not is_file(boot[k]) then
      p.fail("invalid", "boot.%s: '%s' does not exist", k, boot[k])
    end
  end
  if boot.kernel_args and not boot.kernel then
    p.fail("invalid", "boot.kernel_args needs boot.kernel (for location, use extra_args)")
  end
  local d = {name = t.name, uuid = new_uuid(),
    type = t.virt_type or virt.capabilities().default_type,
    memory = memory_of(p, t.memory), vcpus = vcpus or 1,
    os = {type = "hvm", arch = "x86_64", machine = fam.machine,
      firmware = boot.uefi and "efi" or nil, kernel = boot.kernel, initrd = boot.initrd,
      cmdline = boot.kernel and boot.kernel_args or nil}}
  if not boot.kernel then d.os.boot = {"hd"} end
  if id then
    d.metadata = '<libosinfo:libosinfo xmlns:libosinfo="' .. LIBOSINFO .. '">' ..
      '<libosinfo:os id="' .. id .. '"/></libosinfo:libosinfo>'
  end
  return d
end

-- Disks (new volumes, the CD-ROM, the seed), NICs and graphics.
local function plan_devices(p, t, fam, method, d)
  os_table.apply(fam, d, t.graphics == nil or t.graphics.type ~= "none")
  p.nvol = 0
  d.disks = {}
  if t.disks ~= nil and type(t.disks) ~= "table" then
    p.fail("invalid", "disks must be a list of tables")
  end
  for i, disk in ipairs(t.disks or {}) do d.disks[#d.disks + 1] = plan_disk(p, i, disk, fam) end
  if method == "import" and #d.disks == 0 then
    p.fail("invalid", "import needs a disk (disks={{path=}})")
  end
  if method == "cdrom" then table.insert(d.disks, plan_cdrom(p, t.cdrom, fam)) end
  if t.cloud_init then
    d.disks[#d.disks + 1] = {type = "file", device = "cdrom", driver = "qemu", format = "raw",
      source = plan_cloud_init(p, t.cloud_init), target = next_target(p, fam.cdrom_bus),
      bus = fam.cdrom_bus, readonly = true}
  end
  d.interfaces = plan_networks(p, t.networks, fam)
  if method == "pxe" and #d.interfaces == 0 then p.fail("invalid", "pxe needs a network") end
  d.graphics = plan_graphics(p, t.graphics)
end

-- virt-install's install-phase document (CD-ROM, location, PXE): boot the
-- media once, and stop at the guest's reboot instead of booting it again.
local function plan_install_phase(p, t, method, d)
  if t.extra_args and method ~= "location" then
    p.fail("invalid", "extra_args goes with location (the install kernel's arguments)")
  end
  if method ~= "cdrom" and method ~= "location" and method ~= "pxe" then return nil end
  local inst = deep_copy(d)
  inst.on_reboot = "destroy"
  if method == "cdrom" then
    inst.os.boot = {"cdrom", "hd"}
  elseif method == "pxe" then
    inst.os.boot = {"network"}
  else
    inst.os.boot = nil
    inst.os.kernel, inst.os.initrd = plan_location(p, t.location)
    inst.os.cmdline = t.extra_args
  end
  return inst
end

-- The checked plan of install{...}; raises a luavirt.error and makes
-- nothing on bad input.
function M.make(t)
  if type(t) ~= "table" then
    error(virt.error("invalid", "install: expected a table of options"), 0)
  end
  if type(t.name) ~= "string" or t.name == "" then
    error(virt.error("invalid", "install: 'name' (the new domain's name) is required"), 0)
  end
  local p = new_plan(t.name)
  check_keys(p, "options", t, KEYS)
  if virt.find_domain(t.name) then p.fail("exists", "domain '%s' already exists", t.name) end
  local fam, id = os_table.lookup(t.os_variant or os_table.DEFAULT)
  if not fam then p.fail("invalid", "os_variant: %s", id) end
  local method = install_method(p, t)
  local d = plan_platform(p, t, fam, id)
  plan_devices(p, t, fam, method, d)
  p.final_table = d
  p.install_table = plan_install_phase(p, t, method, d)
  -- the whole table through the definition checks now, before anything is
  -- made (a size with a bad unit, say)
  for _, tbl in ipairs({d, p.install_table}) do
    local ok, e = pcall(virt.to_xml, "domain", tbl)
    if not ok then p.fail(type(e) ~= "string" and e.code or "invalid", "%s", tostring(e)) end
  end
  return p
end

-- What print_xml shows: the install-phase document first when there is one,
-- then the final one (as virt-install --print-xml does).
function M.xml(p)
  local out = {}
  if p.install_table then out[1] = virt.to_xml("domain", p.install_table) end
  out[#out + 1] = virt.to_xml("domain", p.final_table)
  return table.concat(out)
end

return M
