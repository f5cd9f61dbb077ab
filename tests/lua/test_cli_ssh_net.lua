-- test_cli_ssh_net.lua - the CLI tests of the domain lifecycle (test_cli.lua)
-- once more, every command through `-c qemu+ssh://` (issue 12): each test's
-- state root is a "host" reached through a real sshd that this test starts
-- on 127.0.0.1 in its own network namespace, with its own keys; the remote
-- luavirt is a wrapper that runs on that root. The outputs checked are the
-- ones test_cli checks on the host itself. Later commands go through the
-- relay the first one leaves (the fast path users get).
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")
local sshd = require("sshd")

if not sshd.available() then
  t.skip("openssh-server is not installed (make deps installs it): CLI over ssh not tested")
  os.exit(t.done())
end
g.sh("ip link set lo up")
local host = sshd.start{addr = "127.0.0.1"}
-- the remote command runs in ssh's working directory: an absolute path
local bin = g.sh("readlink -f " .. (os.getenv("LUAVIRT_BIN") or g.bin)):gsub("%s+$", "")

-- the remote command of root: luavirt on that root
function CLI_VIA(root)
  local w = root .. "/.rluavirt"
  local f = io.open(w)
  if f then
    f:close()
  else
    g.write(w, "#!/bin/sh\nexec env LUAVIRT_ROOT=" .. root .. " " .. bin .. " \"$@\"\n")
    g.sh("chmod 755 " .. w)
  end
  return "qemu+ssh://root@127.0.0.1:" .. host.port .. "/system?" .. host.query ..
    "&command=" .. w
end

local here = arg[0]:match("^(.*)/[^/]*$") or "."
local run = assert(loadfile(here .. "/test_cli.lua"))
-- test_cli ends with t.done(), which exits: stop sshd first
local done = t.done
t.done = function(...)
  host.stop()
  return done(...)
end
run()
