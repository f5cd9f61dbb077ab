-- cmd_event.lua - `luavirt event`: domain events as they happen, in
-- virsh event's words and layout, from the journal every luavirt process
-- writes (kvm/dom_events.h) over virt.on/d:on and virt.loop.
local M = {}

local TYPES = {"lifecycle", "reboot"}

local function stamp(t)
  local ms = math.floor((t % 1) * 1000 + 0.5)
  if ms >= 1000 then ms = 999 end
  return os.date("!%Y-%m-%d %H:%M:%S", math.floor(t)) .. string.format(".%03d+0000", ms)
end

local function line(ev, with_time)
  local s = string.format("event '%s' for domain '%s'", ev.type, ev.name)
  if ev.event then s = s .. string.format(": %s %s", ev.event, ev.detail) end
  if with_time then s = stamp(ev.time) .. ": " .. s end
  return s
end

table.insert(M, {
  name = "event", group = "monitor", on_host = true,
  help = "Domain Events",
  desc = "List event types, or wait for domain events to occur.",
  args = {{name = "domain", optional = true, help = "filter by domain name or uuid"}},
  opts = {
    {name = "event", value = true, help = "which event type to wait for (lifecycle, reboot)"},
    {name = "all", help = "wait for all events instead of just one type"},
    {name = "loop", help = "loop until timeout or interrupt, rather than one-shot"},
    {name = "timeout", value = true, int = true, help = "timeout seconds"},
    {name = "list", help = "list valid event types"},
    {name = "timestamp", help = "show timestamp for each printed event"},
  },
  run = function(ctx, o)
    if o.list then
      for _, t in ipairs(TYPES) do ctx.print(t) end
      return
    end
    if not o.event and not o.all then
      ctx.raise("invalid", "command 'event': either --list or --event <type> or --all is required")
    end
    if o.event and o.all then
      ctx.raise("invalid", "command 'event': --event and --all are mutually exclusive")
    end
    if o.timeout and o.timeout < 1 then
      ctx.raise("invalid", "command 'event': invalid timeout value '" .. o.timeout .. "'")
    end
    local v = ctx.virt
    local d = o.domain and ctx.domain(o.domain)
    local types = o.all and TYPES or {o.event}
    local n = 0
    local function heard(ev)
      n = n + 1
      ctx.print(line(ev, o.timestamp))
      ctx.flush()
    end
    for _, t in ipairs(types) do
      if d then d:on(t, heard) else v.on(t, heard) end
    end
    local got = v.loop{timeout = o.timeout, count = (not o.loop) and 1 or nil}
    if got == 0 and o.timeout then ctx.print("event loop timed out") end
    ctx.print(string.format("events received: %d", n))
  end,
})

return M
