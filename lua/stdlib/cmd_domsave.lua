-- cmd_domsave.lua - save, restore, managedsave and managedsave-remove:
-- a running guest's state to a file and back. Messages are virsh 9's
-- (tools/virsh-domain.c).
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}

local function add(c)
  c.group = "domain"
  table.insert(M, c)
end

local STATE_OPTS = {
  {name = "running", help = "set domain to be running on restore"},
  {name = "paused", help = "set domain to be paused on restore"},
}

local function check_state(ctx, o)
  if o.running and o.paused then
    ctx.raise("invalid", "options --running and --paused are mutually exclusive")
  end
end

add({
  name = "save", help = "save a domain state to a file",
  desc = "Save the RAM state of a running domain.",
  args = {DOMAIN, {name = "file", help = "where to save the data"}},
  opts = STATE_OPTS,
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:save(o.file)
    ctx.extra(string.format("\nDomain '%s' saved to %s", d.name, o.file))
  end,
})

add({
  name = "restore", help = "restore a domain from a saved state in a file",
  desc = "Restore a domain.",
  args = {{name = "file", help = "the state to restore"}},
  opts = STATE_OPTS,
  run = function(ctx, o)
    check_state(ctx, o)
    ctx.virt.restore(o.file, {running = o.running or nil, paused = o.paused or nil})
    ctx.extra(string.format("Domain restored from %s", o.file))
  end,
})

add({
  name = "managedsave", help = "managed save of a domain state",
  desc = "Save and destroy a running domain, so it can be restarted from\n" ..
    "    the same state at a later time.",
  args = {DOMAIN},
  opts = STATE_OPTS,
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:managed_save()
    ctx.extra(string.format("\nDomain '%s' state saved by luavirt", d.name))
  end,
})

add({
  name = "managedsave-remove", help = "Remove managed save of a domain",
  desc = "Remove an existing managed save state file from a domain",
  args = {DOMAIN},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    if not d.has_managed_save then
      ctx.extra(string.format("Domain '%s' has no manage save image; removal skipped",
        d.name))
      return
    end
    d:managed_save_remove()
    ctx.extra(string.format("Removed managedsave image for domain '%s'", d.name))
  end,
})

return M
