-- cmd_top.lua - `luavirt top`: a live table of the guests, like virt-top:
-- ID, name, state, QEMU's pid, %CPU (100 = one host CPU), %MEM of the
-- host, vCPUs, memory, VNC display, disk read/write per second (QEMU's
-- own I/O), and how many are inactive. Each refresh reads the run dirs and
-- /proc only: no XML but a guest's first sighting, no QMP. On a terminal
-- it redraws in place (q quits; c, m, n, p sort by CPU, memory, name,
-- pid); --batch prints plain tables, -n of them.
local M = {}

local SORTS = {
  c = function(a, b) return (a.cpu or -1) > (b.cpu or -1) end,
  m = function(a, b) return (a.rss or -1) > (b.rss or -1) end,
  n = function(a, b) return a.name < b.name end,
  p = function(a, b) return (a.pid or 0) < (b.pid or 0) end,
}

-- One sample of every active guest; known caches what a guest's start
-- fixes (pid, vCPUs, memory, VNC), by name.
local function sample(v, known)
  local rows, inactive = {}, 0
  for _, r in ipairs(v.domain_rows{all = true}) do
    if r.state == "shut off" then
      inactive = inactive + 1
      known[r.name] = nil
    else
      local k = known[r.name]
      if not k or k.id ~= r.id then
        local d = v.find_domain(r.name)
        local ok, info = pcall(function() return d:info() end)
        local okv, vnc = pcall(function() return d:vnc_display() end)
        k = {id = r.id, pid = d and d:pid(), vcpus = ok and info.vcpus or nil,
             mem = ok and info.memory_kib or nil, vnc = okv and vnc or nil}
        known[r.name] = k
      end
      local s = k.pid and v.proc_sample(k.pid)
      rows[#rows + 1] = {id = r.id, name = r.name, state = r.state, pid = k.pid,
        vcpus = k.vcpus, mem = k.mem, vnc = k.vnc, s = s}
    end
  end
  return rows, inactive
end

-- %CPU, %MEM and I/O rates against the previous sample of the same pid.
local function rates(rows, prev, dt, host_kib)
  for _, r in ipairs(rows) do
    local s, p = r.s, r.pid and prev[r.pid]
    if s then
      r.rss = s.rss_kib
      r.memp = host_kib > 0 and s.rss_kib * 100 / host_kib or nil
      if p and dt > 0 then
        r.cpu = (s.cpu_ns - p.cpu_ns) / (dt * 1e9) * 100
        r.rd = ((s.read_bytes or 0) - (p.read_bytes or 0)) / dt / 1024
        r.wr = ((s.write_bytes or 0) - (p.write_bytes or 0)) / dt / 1024
      end
    end
  end
end

local function fmt(x, f) return x and string.format(f, x) or "-" end

local function render(rows, inactive, host, sort_key)
  local running = 0
  for _, r in ipairs(rows) do if r.state == "running" then running = running + 1 end end
  table.sort(rows, SORTS[sort_key])
  local out = {
    string.format("luavirt top - %s  %d domains, %d active, %d running, %d inactive",
      os.date("%H:%M:%S"), #rows + inactive, #rows, running, inactive),
    string.format("Host: %s, %d CPUs, %d MiB   sort: %s (c cpu, m mem, n name, p pid; q quits)",
      host.hostname, host.cpus, host.memory_kib // 1024, sort_key),
    "",
    string.format("%4s %-20s %-9s %8s %6s %5s %5s %8s %6s %9s %9s", "ID", "NAME", "STATE",
      "PID", "%CPU", "%MEM", "VCPU", "MEM(MiB)", "VNC", "RDKB/s", "WRKB/s"),
  }
  for _, r in ipairs(rows) do
    out[#out + 1] = string.format("%4s %-20s %-9s %8s %6s %5s %5s %8s %6s %9s %9s",
      tostring(r.id or "-"), r.name:sub(1, 20), r.state, tostring(r.pid or "-"),
      fmt(r.cpu, "%.1f"), fmt(r.memp, "%.1f"), tostring(r.vcpus or "-"),
      r.mem and tostring(r.mem // 1024) or "-", r.vnc or "-", fmt(r.rd, "%.0f"),
      fmt(r.wr, "%.0f"))
  end
  return out
end

table.insert(M, {
  name = "top", group = "monitor", on_host = true,
  help = "a live table of the domains (like virt-top)",
  desc = "Every delay seconds: ID, name, state, QEMU's pid, %CPU (100 = one host CPU),\n" ..
    "    %MEM of the host, vCPUs, memory, VNC display and disk I/O per second of\n" ..
    "    the active domains, and how many are inactive. Keys: q quit, c m n p sort\n" ..
    "    by CPU, memory, name, pid. --batch: plain tables, for pipes and scripts.",
  opts = {
    {name = "delay", short = "d", value = true, help = "seconds between refreshes (default 2)"},
    {name = "iterations", short = "n", value = true, int = true, help = "stop after this many"},
    {name = "batch", short = "b", help = "plain tables, no terminal control"},
    {name = "sort", value = true, choices = {"cpu", "mem", "name", "pid"}, help = "initial sort"},
  },
  run = function(ctx, o)
    local v = ctx.virt
    local delay = tonumber(o.delay or "2")
    if not delay or delay < 0.1 then
      ctx.raise("invalid", "command 'top': --delay must be a number of seconds >= 0.1")
    end
    local host = v.nodeinfo()
    host.hostname = v.hostname()
    local sort_key = ({cpu = "c", mem = "m", name = "n", pid = "p"})[o.sort or "cpu"]
    local screen = not o.batch and v.term_start()
    local known, prev, t0 = {}, {}, v.now()
    local ok, err = pcall(function()
      local i = 0
      while not o.iterations or i < o.iterations do
        i = i + 1
        local rows, inactive = sample(v, known)
        local t = v.now()
        rates(rows, prev, t - t0, host.memory_kib)
        prev, t0 = {}, t
        for _, r in ipairs(rows) do if r.pid and r.s then prev[r.pid] = r.s end end
        local lines = render(rows, inactive, host, sort_key)
        if screen then
          ctx.write("\027[H\027[2J" .. table.concat(lines, "\r\n") .. "\r\n")
        else
          ctx.write(table.concat(lines, "\n") .. "\n\n")
        end
        ctx.flush()
        if o.iterations and i >= o.iterations then break end
        if screen then
          local key = v.read_key(delay)
          if key == "q" then break end
          if key and SORTS[key] then sort_key = key end
        else
          v.sleep(delay)
        end
      end
    end)
    if screen then v.term_stop() end
    if not ok then error(err, 0) end
    ctx.trailer = false
  end,
})

return M
