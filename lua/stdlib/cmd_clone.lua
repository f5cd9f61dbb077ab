-- cmd_clone.lua - `luavirt clone`: virt-clone's command line over the
-- clone recipe (lua/recipes/clone.lua).
local M = {}

table.insert(M, {
  name = "clone", group = "recipe",
  help = "clone a shut off domain (like virt-clone)",
  desc = "Make a new domain from a shut off (or paused) one: a new name, uuid and\n" ..
    "    MAC addresses, and copies of its writable disks and NVRAM. Each disk to\n" ..
    "    copy needs a --file, or --auto-clone names the copies after the new\n" ..
    "    domain; --linked makes qcow2 overlays backed by the original images.",
  opts = {
    {name = "original", short = "o", value = true, help = "the domain to clone"},
    {name = "name", short = "n", value = true, help = "the new domain's name"},
    {name = "file", short = "f", value = true, multi = true,
      help = "where a disk's copy goes (once per disk, in order)"},
    {name = "auto-clone", help = "name the copies after the new domain"},
    {name = "linked", help = "qcow2 overlays backed by the original images"},
    {name = "skip-copy", value = true, multi = true,
      help = "a disk target to leave shared, not copied"},
    {name = "preserve-data", help = "the --file paths exist already: copy nothing"},
    {name = "print-xml", help = "print the new domain's XML; make nothing"},
  },
  run = function(ctx, o)
    if not o.original then ctx.raise("invalid", "command 'clone': --original is required") end
    if not o.name then ctx.raise("invalid", "command 'clone': --name is required") end
    local clone = require("recipes.clone")
    local tty = ctx.isatty()
    local last
    local res = clone{
      original = o.original, name = o.name, auto = o["auto-clone"] or nil,
      files = o.file, linked = o.linked or nil, skip = o["skip-copy"],
      preserve_data = o["preserve-data"] or nil, dry_run = o["print-xml"] or nil,
      progress = function(target, pct)
        if target ~= last then
          if last and tty then ctx.write("\n") end
          last = target
          ctx.write(string.format("Allocating disk '%s'", target))
          if not tty then ctx.write("\n") end
        end
        if tty then
          ctx.write(string.format("\rAllocating disk '%s' %5.1f%%", target, pct))
          ctx.flush()
        end
      end,
    }
    if last and tty then ctx.write("\n") end
    if o["print-xml"] then
      ctx.write(res)
      return
    end
    ctx.extra(string.format("\nClone '%s' created successfully.", res.name))
  end,
})

return M
