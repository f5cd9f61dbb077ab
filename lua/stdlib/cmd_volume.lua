-- cmd_volume.lua - storage volume commands of the command line: vol-list,
-- vol-create-as, vol-create, vol-create-from, vol-clone, vol-delete,
-- vol-info, vol-path, vol-name, vol-key, vol-pool, vol-dumpxml, vol-resize,
-- vol-upload, vol-download, vol-wipe. Layouts and messages are virsh 9's
-- (tools/virsh-volume.c); a volume is a name with --pool, or a path or key.
local M = {}

local VOL = {name = "vol", help = "vol name, key or path"}
local POOL_OPT = {name = "pool", value = true, help = "pool name or uuid"}

local function add(c)
  c.group = c.group or "volume"
  table.insert(M, c)
end

local UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
local function pretty(bytes)
  local v, i = bytes or 0, 1
  while v >= 1024 and i < #UNITS do
    v = v / 1024
    i = i + 1
  end
  return string.format("%.2f %s", v, UNITS[i])
end

-- virsh's virshCommandOptVol: with --pool, a name in that pool (or a
-- path/key); without, a path or key.
local function volume(ctx, o, field)
  local spec = o[field or "vol"]
  if o.pool then
    local p = ctx.virt.pool(o.pool)
    local ok, v = pcall(p.volume, p, spec)
    if ok then return v end
    if spec:sub(1, 1) ~= "/" then error(v, 0) end
  end
  return ctx.virt.volume(spec)
end

local function size_arg(ctx, s)
  -- virsh takes a scaled integer whose default unit is bytes
  if not s:match("^%s*%d+%s*%a*%s*$") then
    ctx.raise("invalid", string.format("malformed size '%s'", s))
  end
  return s
end

-- ---- vol-list ----

add({
  name = "vol-list", json = true, help = "list vols",
  desc = "Returns list of vols by pool.",
  args = {{name = "pool", help = "pool name or uuid"}},
  opts = {{name = "details", help = "display extended details for volumes"}},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local vols = p:volumes()
    if o.json then
      local out = {}
      for _, v in ipairs(vols) do table.insert(out, v:info()) end
      return ctx.json(out)
    end
    local rows = {}
    for _, v in ipairs(vols) do
      if o.details then
        local i = v:info()
        table.insert(rows, {i.name, i.path, i.type, pretty(i.capacity), pretty(i.allocation)})
      else
        table.insert(rows, {v.name, v.path})
      end
    end
    if o.details then
      ctx.table({"Name", "Path", "Type", "Capacity", "Allocation"}, rows)
    else
      ctx.table({"Name", "Path"}, rows)
    end
  end,
})

-- ---- create ----

add({
  name = "vol-create-as", help = "create a volume from a set of args",
  desc = "Create a vol.",
  args = {
    {name = "pool", help = "pool name"},
    {name = "name", help = "name of the volume"},
    {name = "capacity", help = "size of the vol, as scaled integer (default bytes)"},
  },
  opts = {
    {name = "allocation", value = true, help = "initial allocation size, as scaled integer (default bytes)"},
    {name = "format", value = true, help = "file format type raw,bochs,qcow,qcow2,qed,vmdk"},
    {name = "backing-vol", value = true, help = "the backing volume if taking a snapshot"},
    {name = "backing-vol-format", value = true, help = "format of backing volume if taking a snapshot"},
    {name = "prealloc-metadata", help = "preallocate metadata (for qcow2 instead of full allocation)"},
    {name = "print-xml", help = "print XML document, but don't define the volume"},
  },
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local spec = {name = o.name, capacity = size_arg(ctx, o.capacity),
      allocation = o.allocation and size_arg(ctx, o.allocation) or nil,
      format = o.format}
    if o["backing-vol"] then
      -- virsh resolves the backing volume by name in the pool, then by key/path
      local b = o["backing-vol"]
      local ok, bv = pcall(p.volume, p, b)
      if not ok then ok, bv = pcall(ctx.virt.volume, b) end
      spec.backing = ok and bv.path or b
      spec.backing_format = o["backing-vol-format"]
    end
    local v = p:create_volume(spec)
    ctx.extra(string.format("Vol %s created", v.name))
  end,
})

add({
  name = "vol-create", help = "create a vol from an XML file",
  desc = "Create a vol.",
  args = {{name = "pool", help = "pool name"},
    {name = "file", help = "file containing an XML vol description"}},
  opts = {{name = "prealloc-metadata", help = "preallocate metadata (for qcow2 instead of full allocation)"}},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local v = p:create_volume(ctx.read_file(o.file))
    ctx.extra(string.format("Vol %s created from %s", v.name, o.file))
  end,
})

add({
  name = "vol-create-from", help = "create a vol, using another volume as input",
  desc = "Create a vol from an existing volume.",
  args = {{name = "pool", help = "pool name"},
    {name = "file", help = "file containing an XML vol description"},
    {name = "vol", help = "input vol name or key"}},
  opts = {{name = "inputpool", value = true, help = "pool name or uuid of the input volume's pool"},
    {name = "prealloc-metadata", help = "preallocate metadata (for qcow2 instead of full allocation)"}},
  run = function(ctx, o)
    local p = ctx.virt.pool(o.pool)
    local src = volume(ctx, {pool = o.inputpool, vol = o.vol})
    local v = p:create_volume(ctx.read_file(o.file), {from = src})
    ctx.extra(string.format("Vol %s created from input vol %s", v.name, src.name))
  end,
})

add({
  name = "vol-clone", help = "clone a volume.",
  desc = "Clone an existing volume within the parent pool.",
  args = {VOL, {name = "newname", help = "clone name"}},
  opts = {POOL_OPT, {name = "prealloc-metadata", help = "preallocate metadata (for qcow2 instead of full allocation)"}},
  run = function(ctx, o)
    local v = volume(ctx, o)
    v:clone(o.newname)
    ctx.extra(string.format("Vol %s cloned from %s", o.newname, v.name))
  end,
})

-- ---- delete / wipe / resize ----

add({
  name = "vol-delete", help = "delete a vol",
  desc = "Delete a given vol.",
  args = {VOL}, opts = {POOL_OPT},
  run = function(ctx, o)
    local v = volume(ctx, o)
    local name = v.name
    v:delete()
    ctx.extra(string.format("Vol %s deleted", name))
  end,
})

add({
  name = "vol-wipe", help = "wipe a vol",
  desc = "Ensure data previously on a volume is not accessible to future reads.",
  args = {VOL},
  opts = {POOL_OPT, {name = "algorithm", value = true, choices = {"zero"},
    help = "perform selected wiping algorithm"}},
  run = function(ctx, o)
    local v = volume(ctx, o)
    v:wipe()
    ctx.extra(string.format("Vol %s wiped", v.name))
  end,
})

add({
  name = "vol-resize", help = "resize a vol",
  desc = "Resizes a storage volume. This is safe only for storage volumes not in use by an active guest.",
  args = {VOL, {name = "capacity", help = "new capacity for the vol, as scaled integer (default bytes)"}},
  opts = {POOL_OPT,
    {name = "allocate", help = "allocate the new capacity, rather than leaving it sparse"},
    {name = "delta", help = "use capacity as a delta to current size, rather than the new size"},
    {name = "shrink", help = "allow the resize to shrink the volume"}},
  run = function(ctx, o)
    local v = volume(ctx, o)
    local cap = o.capacity
    if cap:sub(1, 1) == "-" then
      ctx.raise("invalid", string.format("volume '%s': negative sizes are not supported; " ..
        "give the new size with --shrink", v.name))
    end
    v:resize(size_arg(ctx, cap), {shrink = o.shrink or nil, delta = o.delta or nil})
    ctx.extra(string.format("Size of volume '%s' successfully changed to %s", v.name, cap))
  end,
})

-- ---- upload / download ----

local STREAM_OPTS = {POOL_OPT,
  {name = "offset", value = true, int = true, help = "volume offset to upload to"},
  {name = "length", value = true, int = true, help = "amount of data to upload"},
  {name = "sparse", help = "preserve sparseness of volume"}}

add({
  name = "vol-upload", help = "upload file contents to a volume",
  desc = "Upload file contents to a volume",
  args = {VOL, {name = "file", help = "file"}},
  opts = STREAM_OPTS,
  run = function(ctx, o)
    local v = volume(ctx, o)
    v:upload(o.file, {offset = o.offset, length = o.length})
  end,
})

add({
  name = "vol-download", help = "download volume contents to a file",
  desc = "Download volume contents to a file",
  args = {VOL, {name = "file", help = "file"}},
  opts = STREAM_OPTS,
  run = function(ctx, o)
    local v = volume(ctx, o)
    v:download(o.file, {offset = o.offset, length = o.length})
  end,
})

-- ---- info ----

add({
  name = "vol-info", json = true, help = "storage vol information",
  desc = "Returns basic information about the storage vol.",
  args = {VOL},
  opts = {POOL_OPT, {name = "bytes", help = "sizes are represented in bytes rather than pretty units"},
    {name = "physical", help = "return the physical size of the volume in allocation field"}},
  run = function(ctx, o)
    local i = volume(ctx, o):info()
    if o.json then return ctx.json(i) end
    local function size(b)
      return o.bytes and string.format("%d bytes", b) or pretty(b)
    end
    ctx.kv({{"Name:", i.name}, {"Type:", i.type}, {"Capacity:", size(i.capacity)},
      {"Allocation:", size(i.allocation)}}, 15)
  end,
})

add({
  name = "vol-dumpxml", help = "vol information in XML",
  desc = "Output the vol information as an XML dump to stdout.",
  args = {VOL}, opts = {POOL_OPT},
  run = function(ctx, o)
    local xml = volume(ctx, o):xml()
    ctx.write(xml:sub(-1) == "\n" and xml or xml .. "\n")
  end,
})

add({
  name = "vol-path", help = "returns the volume path for a given volume name or key",
  desc = "Returns the volume path for a given volume name or key",
  args = {VOL}, opts = {POOL_OPT},
  run = function(ctx, o) ctx.print(volume(ctx, o).path) end,
})

add({
  name = "vol-name", help = "returns the volume name for a given volume key or path",
  desc = "Returns the volume name for a given volume key or path",
  args = {VOL},
  run = function(ctx, o) ctx.print(ctx.virt.volume(o.vol).name) end,
})

add({
  name = "vol-key", help = "returns the volume key for a given volume name or path",
  desc = "Returns the volume key for a given volume name or path",
  args = {VOL}, opts = {POOL_OPT},
  run = function(ctx, o) ctx.print(volume(ctx, o).key) end,
})

add({
  name = "vol-pool", help = "returns the storage pool for a given volume key or path",
  desc = "Returns the storage pool for a given volume key or path",
  args = {VOL},
  opts = {{name = "uuid", help = "return the pool uuid rather than pool name"}},
  run = function(ctx, o)
    local v = ctx.virt.volume(o.vol)
    if o.uuid then
      ctx.print(v.pool.uuid)
    else
      ctx.print(v.pool.name)
    end
  end,
})

return M
