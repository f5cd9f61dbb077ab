-- sshd.lua - a second "host" for the remote tests: a state root of its own
-- served by a real sshd (Debian's openssh-server) started by the test, on
-- its own port and keys, in the test's network namespace or in another one
-- (netns = the pid of a process inside it; mountns = true: its mount
-- namespace too, so that the "host" has files of its own). Nothing of the machine's ssh
-- setup is read or written: the URI names the key and the known_hosts.
--   local host = require("sshd").start{addr = "127.0.0.1"}
--   host.uri("&control=0")  host.root  host.dir  host.stop()
local g = require("guest")

local M = {}

function M.available()
  local f = io.open("/usr/sbin/sshd")
  if f then f:close() end
  return f ~= nil
end

local function trim(s) return (s:gsub("%s+$", "")) end

function M.start(o)
  o = o or {}
  local addr = o.addr or "127.0.0.1"
  local enter = o.netns and ("nsenter -t " .. o.netns .. " -n " .. (o.mountns and "-m " or ""))
    or ""
  local h = {addr = addr}
  h.dir = trim(g.sh("mktemp -d /tmp/lvsshd.XXXXXX"))
  h.root = trim(g.sh("mktemp -d /tmp/lvsshd-root.XXXXXX"))
  g.sh("chmod 711 " .. h.root .. " " .. h.dir)
  local bin = g.bin
  h.port = o.port or (22000 + (tonumber(trim(g.sh("echo $$"))) % 2000))
  local d = h.dir
  g.sh("ssh-keygen -q -t ed25519 -N '' -f " .. d .. "/host_key")
  g.sh("ssh-keygen -q -t ed25519 -N '' -f " .. d .. "/client_key")
  g.sh("ssh-keygen -q -t ed25519 -N '' -f " .. d .. "/other_key")
  g.sh("cp " .. d .. "/client_key.pub " .. d .. "/authorized_keys")
  g.write(d .. "/known_hosts", "[" .. addr .. "]:" .. h.port .. " " .. g.read(d .. "/host_key.pub"))
  g.write(d .. "/sshd_config", table.concat({
    "Port " .. h.port, "ListenAddress " .. addr, "HostKey " .. d .. "/host_key",
    "AuthorizedKeysFile " .. d .. "/authorized_keys", "PidFile " .. d .. "/sshd.pid",
    "StrictModes no", "UsePAM no", "PasswordAuthentication no",
    "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", "LogLevel INFO", "",
  }, "\n"))
  -- the "remote" luavirt: the same binary on the second state root
  g.write(d .. "/rluavirt", "#!/bin/sh\nexec env LUAVIRT_ROOT=" .. h.root ..
    " LUAVIRT_GUEST_DIR=" .. g.dir .. " " .. bin .. " \"$@\"\n")
  g.sh("chmod 755 " .. d .. "/rluavirt")
  g.sh("mkdir -p /run/sshd && chmod 755 /run/sshd")
  h.log = d .. "/sshd.log"
  g.sh(enter .. "/usr/sbin/sshd -f " .. d .. "/sshd_config -D -E " .. h.log ..
    " >/dev/null 2>&1 & echo $! > " .. d .. "/sshd.bgpid")
  local up = false
  for _ = 1, 100 do
    if g.sh(enter .. "ss -ltn"):find(addr .. ":" .. h.port, 1, true) then up = true break end
    virt.sleep(0.1)
  end
  if not up then error("sshd did not start: " .. (g.read(h.log) or "")) end
  h.query = "keyfile=" .. d .. "/client_key&known_hosts=" .. d .. "/known_hosts"
  function h.uri(extra)
    return "qemu+ssh://root@" .. addr .. ":" .. h.port .. "/system?" .. h.query ..
      "&command=" .. d .. "/rluavirt" .. (extra or "&control=0")
  end
  -- a command of the second root, run directly (what the remote side shows)
  function h.cli(args)
    return g.cli_env("LUAVIRT_ROOT=" .. h.root, args)
  end
  function h.stop()
    g.sh("pkill -f '__relay qemu[+]ssh://root@" .. addr .. ":" .. h.port .. "/' 2>/dev/null")
    g.sh("kill $(cat " .. d .. "/sshd.bgpid) 2>/dev/null")
    g.sh("pkill -9 -f '" .. h.root .. "/' 2>/dev/null")
    g.sh("rm -rf " .. d .. " " .. h.root)
  end
  return h
end

return M
