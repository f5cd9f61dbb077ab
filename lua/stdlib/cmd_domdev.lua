-- cmd_domdev.lua - disk commands of the command line: attach-disk,
-- detach-disk, change-media, update-device, domblklist, domblkinfo,
-- domblkstat, blockresize. Messages and layouts are virsh 9's
-- (tools/virsh-domain.c, virsh-domain-monitor.c); the work is done by the
-- domain's disk methods (kvm/dom_lua_disk.c).
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}
local LIVE = {name = "live", help = "affect running domain"}
local CONFIG = {name = "config", help = "affect next boot"}
local CURRENT = {name = "current", help = "affect current domain"}
local PERSISTENT = {name = "persistent", help = "make live change persistent"}

local function add(c)
  c.group = c.group or "domain"
  table.insert(M, c)
end

-- --live/--config/--current/--persistent -> {live=, config=}, as virsh:
-- --current excludes the others; --persistent adds --config, and --live
-- when the guest runs.
local function scope(ctx, o, d)
  if o.current and (o.live or o.config) then
    ctx.raise("invalid", "options --current and --live/--config are mutually exclusive")
  end
  local s = {live = o.live or nil, config = o.config or nil}
  if o.persistent then
    s.config = true
    if d.active then s.live = true end
  end
  return s
end

add({
  name = "attach-disk", help = "attach disk device",
  desc = "Attach new disk device.",
  args = {DOMAIN,
    {name = "source", help = "source of disk device or name of network disk"},
    {name = "target", help = "target of disk device"}},
  opts = {
    {name = "targetbus", value = true, help = "target bus of disk device"},
    {name = "driver", value = true, help = "driver of disk device (qemu)"},
    {name = "subdriver", value = true, help = "subdriver of disk device (raw, qcow2)"},
    {name = "cache", value = true, help = "cache mode of disk device"},
    {name = "type", value = true, choices = {"disk", "cdrom", "floppy"},
      help = "target device type"},
    {name = "mode", value = true, choices = {"readonly", "shareable"},
      help = "mode of device reading and writing"},
    LIVE, CONFIG, CURRENT, PERSISTENT,
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    if o.driver and o.driver ~= "qemu" then
      ctx.raise("unsupported", string.format("domain '%s': unsupported disk driver '%s' (only qemu)",
        d.name, o.driver))
    end
    local s = scope(ctx, o, d)
    d:attach_disk({source = o.source, target = o.target, bus = o.targetbus,
      format = o.subdriver, device = o.type, cache = o.cache,
      readonly = o.mode == "readonly" or nil, shareable = o.mode == "shareable" or nil,
      live = s.live, config = s.config})
    ctx.extra("Disk attached successfully")
  end,
})

add({
  name = "detach-disk", help = "detach disk device",
  desc = "Detach disk device.",
  args = {DOMAIN, {name = "target", help = "target of disk device"}},
  opts = {LIVE, CONFIG, CURRENT, PERSISTENT},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:detach_disk(o.target, scope(ctx, o, d))
    ctx.extra("Disk detached successfully")
  end,
})

-- The disk a change-media PATH names (target or source), or nil.
local function find_disk(d, key)
  for _, k in ipairs(d:disks()) do
    if k.target == key or k.source == key then return k end
  end
  return nil
end

add({
  name = "change-media", help = "Change media of CD or floppy drive",
  desc = "Change media of CD or floppy drive.",
  args = {DOMAIN,
    {name = "path", help = "Fully-qualified path or target of disk device"},
    {name = "source", optional = true, help = "source of the media"}},
  opts = {
    {name = "eject", help = "Eject the media"},
    {name = "insert", help = "Insert the media"},
    {name = "update", help = "Update the media"},
    LIVE, CONFIG, CURRENT,
    {name = "force", help = "force media changing"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local n = (o.eject and 1 or 0) + (o.insert and 1 or 0) + (o.update and 1 or 0)
    if n > 1 then
      ctx.raise("invalid", "options --eject, --insert and --update are mutually exclusive")
    end
    local eject = o.eject or (n == 0 and not o.source)
    if eject and o.source then
      ctx.raise("invalid", "change-media: --eject takes no source")
    end
    if not eject and not o.source then
      ctx.raise("invalid", "change-media: no source is specified for inserting media")
    end
    local s = scope(ctx, o, d)
    if o.insert then
      local k = find_disk(d, o.path)
      if k and k.source then
        ctx.raise("invalid", string.format(
          "domain '%s': the disk device '%s' already has media; use --update",
          d.name, k.target))
      end
    end
    d:change_media(o.path, o.source, {eject = eject or nil, live = s.live, config = s.config})
    if eject then
      ctx.extra("Successfully ejected media.")
    elseif o.insert then
      ctx.extra("Successfully inserted media.")
    else
      ctx.extra("Successfully updated media.")
    end
  end,
})

add({
  name = "update-device", help = "update device from an XML file",
  desc = "Update device from an XML <file> (the medium of a cdrom or floppy).",
  args = {DOMAIN, {name = "file", help = "XML file"}},
  opts = {LIVE, CONFIG, CURRENT, PERSISTENT,
    {name = "force", help = "force device update"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:update_device(ctx.read_file(o.file), scope(ctx, o, d))
    ctx.extra("Device updated successfully")
  end,
})

add({
  name = "domblklist", group = "monitor", json = true,
  help = "list all domain blocks",
  desc = "Get the summary of block devices for a domain.",
  args = {DOMAIN},
  opts = {
    {name = "inactive", help = "get inactive rather than running configuration"},
    {name = "details", help = "additionally display the type and device value"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local disks = d:disks({inactive = o.inactive or nil})
    if o.json then return ctx.json(disks) end
    local rows = {}
    for _, k in ipairs(disks) do
      if o.details then
        rows[#rows + 1] = {k.type, k.device, k.target or "-", k.source or "-"}
      else
        rows[#rows + 1] = {k.target or "-", k.source or "-"}
      end
    end
    if o.details then
      ctx.table({"Type", "Device", "Target", "Source"}, rows)
    else
      ctx.table({"Target", "Source"}, rows)
    end
  end,
})

-- virsh's vshPrettyCapacity: "%.3lf %s" in the largest fitting binary unit.
local function pretty(n)
  local units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
  local v, i = n, 1
  while v >= 1024 and i < #units do v, i = v / 1024, i + 1 end
  if i == 1 then return string.format("%d %s", n, units[1]) end
  return string.format("%.3f %s", v, units[i])
end

add({
  name = "domblkinfo", group = "monitor", json = true,
  help = "domain block device size information",
  desc = "Get block device size info for a domain.",
  args = {DOMAIN, {name = "device", help = "block device"}},
  opts = {{name = "human", help = "Human readable output"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local i = d:block_info(o.device)
    if o.json then return ctx.json(i) end
    local f = o.human and pretty or tostring
    ctx.kv({{"Capacity:", f(i.capacity)}, {"Allocation:", f(i.allocation)},
      {"Physical:", f(i.physical)}}, 15)
  end,
})

local STAT_FIELDS = {"rd_req", "rd_bytes", "wr_req", "wr_bytes", "flush_operations",
  "rd_total_times", "wr_total_times", "flush_total_times"}

add({
  name = "domblkstat", group = "monitor", json = true,
  help = "get device block stats for a domain",
  desc = "Get device block stats for a running domain.",
  args = {DOMAIN, {name = "device", help = "block device"}},
  opts = {{name = "human", help = "print a more human readable output"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local s = d:block_stats(o.device)
    if o.json then return ctx.json(s) end
    if o.human then
      local names = {rd_req = "number of read operations:",
        rd_bytes = "number of bytes read:", wr_req = "number of write operations:",
        wr_bytes = "number of bytes written:",
        flush_operations = "number of flush operations:",
        rd_total_times = "total duration of reads (ns):",
        wr_total_times = "total duration of writes (ns):",
        flush_total_times = "total duration of flushes (ns):"}
      ctx.print(string.format("Device: %s", o.device))
      for _, f in ipairs(STAT_FIELDS) do
        ctx.print(string.format(" %-31s %d", names[f], s[f]))
      end
      return
    end
    for _, f in ipairs(STAT_FIELDS) do
      ctx.print(string.format("%s %s %d", o.device, f, s[f]))
    end
  end,
})

add({
  name = "blockresize", help = "Resize block device of domain.",
  desc = "Resize block device of domain.",
  args = {DOMAIN,
    {name = "path", help = "Fully-qualified path of block device"},
    {name = "size", help = "New size of the block image, as scaled integer (default KiB)"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:block_resize(o.path, o.size)
    ctx.extra(string.format("Block device '%s' is resized", o.path))
  end,
})

return M
