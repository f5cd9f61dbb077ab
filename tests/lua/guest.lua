-- guest.lua - test guests for the Lua end-to-end tests: domain XML made
-- from the busybox guest template (tests/guest/, built into
-- $LUAVIRT_GUEST_DIR by `make guest`), and process helpers.
local M = {}

M.dir = os.getenv("LUAVIRT_GUEST_DIR") or "build/guest"
M.root = os.getenv("LUAVIRT_ROOT")
M.bin = os.getenv("LUAVIRT_BIN") or "build/luavirt"
M.READY = "LUAVIRT-GUEST-READY"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end
M.read = read

-- Domain XML for a test guest: opts.cmdline adds lv.* parameters,
-- opts.memory in MiB (default 128), opts.type "qemu" (TCG).
function M.xml(name, opts)
  opts = opts or {}
  local t = read(M.dir .. "/guest-template.xml")
  local subs = {
    NAME = name,
    KERNEL = M.dir .. "/vmlinuz",
    INITRD = M.dir .. "/initrd.img",
    CMDLINE = opts.cmdline or "",
    MEMORY = tostring(opts.memory or 128),
  }
  t = t:gsub("@(%u+)@", function(k) return subs[k] end)
  if opts.on_poweroff then
    t = t:gsub("<on_poweroff>%w+</on_poweroff>",
      "<on_poweroff>" .. opts.on_poweroff .. "</on_poweroff>")
  end
  if opts.on_reboot then
    t = t:gsub("<on_reboot>%w+</on_reboot>",
      "<on_reboot>" .. opts.on_reboot .. "</on_reboot>")
  end
  return t
end

-- Absolute paths: the template's kernel path must not depend on the cwd.
do
  local p = io.popen("cd " .. M.dir .. " && pwd")
  M.dir = p:read("l") or M.dir
  p:close()
  local b = io.popen("readlink -f " .. M.bin)
  M.bin = b:read("l") or M.bin
  b:close()
end

-- The console line that starts with prefix at or after byte offset, from
-- prefix on, once the whole line is in the log: the serial port delivers it
-- a byte at a time, so a match on the prefix alone may see half a line.
function M.line(d, prefix, offset, secs)
  offset, secs = offset or 0, secs or 60
  d:wait_console(prefix, secs, offset)
  local at = d:console_log():find(prefix, offset + 1, true)
  d:wait_console("\n", secs, at)
  return (d:console_log():sub(at):match("^[^\r\n]*"))
end

-- Send an lv-cmd line and return the guest's answer line (from prefix on).
function M.ask(d, cmd, prefix, secs)
  local offset = #d:console_log()
  d:console_write(cmd .. "\n", {expect = prefix, timeout = secs or 60})
  return M.line(d, prefix, offset, secs)
end

-- How many times plain text occurs in s.
function M.count(s, text)
  local n, i = 0, 1
  while true do
    local a, b = s:find(text, i, true)
    if not a then return n end
    n, i = n + 1, b + 1
  end
end

function M.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- Run a shell command (tests only; the product never does); its output,
-- stderr included.
function M.sh(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local out = p:read("a")
  p:close()
  return out
end

-- Network tests run in a network namespace of their own: tests/run-all
-- starts them under `unshare --net` with LUAVIRT_IN_NETNS set; run by hand,
-- the test file runs itself again that way (this call does not return).
function M.ensure_netns(script)
  if os.getenv("LUAVIRT_IN_NETNS") then return end
  local ok, how, code = os.execute("LUAVIRT_IN_NETNS=1 unshare --net " ..
    M.bin .. " " .. script)
  if how == "signal" then code = 128 + code end
  os.exit(ok and 0 or code)
end

-- Run a luavirt CLI command; returns exit code, stdout, stderr.
function M.cli(args)
  return M.cli_with(M.bin .. " " .. args)
end

function M.cli_with(cmd)
  local out, err = os.tmpname(), os.tmpname()
  local ok, how, code = os.execute(cmd .. " >" .. out .. " 2>" .. err)
  local o, e = read(out), read(err)
  os.remove(out)
  os.remove(err)
  if how == "signal" then code = 128 + code end
  return code, o, e
end

-- The same with environment assignments ("A=1 B=2") for the command.
function M.cli_env(env, args)
  return M.cli_with("env " .. env .. " " .. M.bin .. " " .. args)
end

-- QEMU processes whose command line names this guest in this root.
function M.qemu_pids(name)
  local pids = {}
  local p = io.popen("ls /proc")
  for pid in p:lines() do
    if pid:match("^%d+$") then
      local f = io.open("/proc/" .. pid .. "/cmdline", "rb")
      if f then
        local cmd = f:read("a") or ""
        f:close()
        local stat = io.open("/proc/" .. pid .. "/stat")
        local st = stat and stat:read("l") or ""
        if stat then stat:close() end
        local zombie = st:match("^%d+ %b() (%a)") == "Z"
        local argv0 = cmd:match("^[^%z]*") or ""
        if not zombie and argv0:find("qemu-system", 1, true)
          and cmd:find("guest=" .. name .. ",", 1, true)
          and cmd:find(M.root, 1, true) then
          pids[#pids + 1] = tonumber(pid)
        end
      end
    end
  end
  p:close()
  return pids
end

-- A snapshot of every file under the state dirs (path -> content), to
-- check that a failed operation changed nothing.
function M.snapshot()
  local snap = {}
  local p = io.popen("find " .. M.root .. "/lib -type f -o -type l 2>/dev/null | sort")
  for path in p:lines() do
    local f = io.open(path, "rb")
    snap[path] = f and f:read("a") or "?"
    if f then f:close() end
  end
  p:close()
  return snap
end

function M.same_snapshot(a, b)
  for k, v in pairs(a) do if b[k] ~= v then return false, k end end
  for k in pairs(b) do if a[k] == nil then return false, k end end
  return true
end

-- Destroy whatever is still running in this root (test cleanup).
function M.cleanup()
  for _, d in ipairs(virt.domains{}) do
    pcall(function() d:destroy() end)
  end
end

return M
