-- cmd_install.lua - `luavirt install`: virt-install's command line over the
-- install recipe (lua/recipes/install.lua). Sub-options are spelled as
-- virt-install spells them: --disk size=8,format=qcow2,bus=virtio,
-- --network network=default,model=virtio, --graphics vnc,listen=0.0.0.0,
-- --boot kernel=,initrd=,kernel_args=|uefi, --cloud-init user-data=,...
local M = {}

local function usage(ctx, fmt, ...)
  ctx.raise("invalid", string.format("command 'install': " .. fmt, ...))
end

-- "a=1,b=\"x,y\",flag" -> {{"a", "1"}, {"b", "x,y"}, {"flag"}}: commas
-- inside quotes belong to the value, the first '=' splits key and value.
local function split_subopts(s)
  local items, cur, quote = {}, {}, nil
  for ch in s:gmatch(".") do
    if quote then
      if ch == quote then quote = nil else cur[#cur + 1] = ch end
    elseif ch == '"' or ch == "'" then
      quote = ch
    elseif ch == "," then
      items[#items + 1] = table.concat(cur)
      cur = {}
    else
      cur[#cur + 1] = ch
    end
  end
  items[#items + 1] = table.concat(cur)
  local out = {}
  for _, item in ipairs(items) do
    local k, v = item:match("^([%w_%-]+)=(.*)$")
    out[#out + 1] = k and {k, v} or {item}
  end
  return out
end

-- Sub-options of option opt into a table by key (names mapped through
-- keys: cli spelling -> table key); a bare word goes to bare(word, t).
local function subopts(ctx, opt, value, keys, bare)
  local t = {}
  for i, kv in ipairs(split_subopts(value)) do
    if kv[2] == nil then
      if not bare or not bare(kv[1], t, i) then
        usage(ctx, "--%s: unexpected '%s' in '%s'", opt, kv[1], value)
      end
    else
      local key = keys[kv[1]]
      if not key then usage(ctx, "--%s: unknown option '%s'", opt, kv[1]) end
      if kv[2] == "" then usage(ctx, "--%s: %s= needs a value", opt, kv[1]) end
      t[key] = kv[2]
    end
  end
  return t
end

local DISK = {size = "size", format = "format", bus = "bus", path = "path", pool = "pool",
  backing = "backing", backing_store = "backing"}
local NET = {network = "network", bridge = "bridge", model = "model", mac = "mac"}
local GRAPHICS = {listen = "listen"}
local BOOT = {kernel = "kernel", initrd = "initrd", kernel_args = "kernel_args"}
local CLOUD = {["user-data"] = "user_data", ["meta-data"] = "meta_data",
  ["network-config"] = "network_config"}

local function parse_disks(ctx, list)
  local disks = {}
  for _, v in ipairs(list or {}) do
    if v ~= "none" then
      local d = subopts(ctx, "disk", v, DISK, function(word, t, i)
        if i == 1 and word:find("/", 1, true) then t.path = word; return true end
      end)
      if d.size and not tonumber(d.size) then
        usage(ctx, "--disk: size '%s' is not a number of GiB", d.size)
      end
      d.size = d.size and tonumber(d.size)
      disks[#disks + 1] = d
    end
  end
  return disks
end

local function parse_networks(ctx, list)
  if not list then return nil end
  local nets = {}
  for _, v in ipairs(list) do
    if v ~= "none" then
      nets[#nets + 1] = subopts(ctx, "network", v, NET, function(word, t, i)
        if i ~= 1 then return false end
        if word == "default" then t.network = "default"; return true end
        return false
      end)
    end
  end
  return nets
end

local function parse_graphics(ctx, v)
  if not v then return nil end
  return subopts(ctx, "graphics", v, GRAPHICS, function(word, t, i)
    if i == 1 and (word == "vnc" or word == "none" or word == "spice") then
      t.type = word
      return true
    end
  end)
end

local function parse_boot(ctx, v)
  if not v then return nil end
  return subopts(ctx, "boot", v, BOOT, function(word, t)
    if word == "uefi" then t.uefi = true; return true end
  end)
end

local function positive_int(ctx, opt, v)
  if v == nil then return nil end
  local n = math.tointeger(tonumber(v))
  if not n or n < 1 then usage(ctx, "--%s: '%s' is not a positive integer", opt, v) end
  return n
end

local function memory(ctx, v)
  if v == nil then usage(ctx, "--memory is required") end
  local n = math.tointeger(tonumber(v))
  if n then
    if n < 1 then usage(ctx, "--memory: '%s' is not a positive number of MiB", v) end
    return n
  end
  if not v:match("^%d+%s*%a+$") then
    usage(ctx, "--memory: '%s' is not a number of MiB or a size such as 1G", v)
  end
  return v
end

table.insert(M, {
  name = "install", group = "recipe",
  help = "create and start a new domain (like virt-install)",
  desc = "Define a new domain, create its disks in a pool (and a cloud-init seed),\n" ..
    "    and start it: from a CD-ROM (--cdrom), a kernel and initrd found in an\n" ..
    "    install tree (--location), the network (--pxe), or existing disks\n" ..
    "    (--import, often with --boot kernel=,initrd=). --print-xml and --dry-run\n" ..
    "    check everything and make nothing. A failed step removes what was made.",
  opts = {
    {name = "name", short = "n", value = true, help = "the new domain's name"},
    {name = "memory", value = true, help = "memory in MiB (or a size such as 1G)"},
    {name = "vcpus", value = true, help = "number of vCPUs"},
    {name = "disk", value = true, multi = true,
      help = "PATH|size=GiB,format=,bus=,pool=,path=,backing= (once per disk)"},
    {name = "cdrom", short = "c", value = true, help = "install from this ISO"},
    {name = "location", short = "l", value = true,
      help = "install tree (directory) holding a kernel and initrd"},
    {name = "extra-args", short = "x", value = true,
      help = "kernel arguments for the --location install"},
    {name = "import", help = "boot the existing disks; no install"},
    {name = "pxe", help = "boot from the network"},
    {name = "boot", value = true, help = "kernel=,initrd=,kernel_args= | uefi"},
    {name = "network", short = "w", value = true, multi = true,
      help = "network=NAME,model= | bridge=BR,model= | none"},
    {name = "graphics", value = true, help = "vnc[,listen=ADDR] | none"},
    {name = "os-variant", value = true, aliases = {"osinfo"},
      help = "OS name: generic, linux2022, debian12, win10, ... (see README)"},
    {name = "virt-type", value = true, choices = {"kvm", "qemu"},
      help = "kvm or qemu (default: what the host runs at speed)"},
    {name = "cloud-init", value = true,
      help = "user-data=FILE,meta-data=FILE,network-config=FILE (NoCloud seed)"},
    {name = "autostart", help = "start the domain with the host"},
    {name = "noautoconsole", help = "don't attach to the console"},
    {name = "print-xml", help = "print the domain XML; make nothing"},
    {name = "dry-run", help = "check everything; make nothing"},
  },
  run = function(ctx, o)
    if not o.name then usage(ctx, "--name is required") end
    local t = {
      name = o.name, memory = memory(ctx, o.memory), vcpus = positive_int(ctx, "vcpus", o.vcpus),
      disks = parse_disks(ctx, o.disk), cdrom = o.cdrom, location = o.location,
      import = o.import or nil, pxe = o.pxe or nil, boot = parse_boot(ctx, o.boot),
      networks = parse_networks(ctx, o.network), graphics = parse_graphics(ctx, o.graphics),
      extra_args = o["extra-args"], os_variant = o["os-variant"], virt_type = o["virt-type"],
      cloud_init = o["cloud-init"] and subopts(ctx, "cloud-init", o["cloud-init"], CLOUD),
      autostart = o.autostart or nil, print_xml = o["print-xml"] or nil,
      dry_run = o["dry-run"] or nil, noautoconsole = o.noautoconsole or nil,
    }
    local install = require("recipes.install")
    if o["print-xml"] then
      ctx.trailer = false
      ctx.write(install(t))
      return
    end
    if o["dry-run"] then
      install(t)
      ctx.extra("Dry run completed successfully")
      return
    end
    ctx.extra("Starting install...")
    local d = install(t)
    if not o.noautoconsole and ctx.isatty() then
      ctx.flush()
      return ctx.method(d, "console", "domain '" .. d.name .. "'")()
    end
    ctx.extra(string.format("Domain '%s' started.", d.name))
    ctx.extra("Domain creation completed.")
  end,
})

return M
