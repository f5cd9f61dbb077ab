-- test_agent_net.lua - the QEMU guest agent (issue 10), in a network
-- namespace of its own: the test guest answers on its
-- org.qemu.guest_agent.0 port (tests/guest/init); ping and info,
-- domifaddr --source agent gives the address its DHCP lease gives,
-- shutdown --mode agent powers it off; no channel, a silent agent and bad
-- commands are clear errors.
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")

os.execute("ip link set lo up")
local net = virt.network("default")
if not net.active then net:start() end

local CHANNEL = "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/>" ..
  "</channel>"

local function guest(name, cmdline, with_channel)
  local x = g.xml(name, {cmdline = cmdline})
  x = x:gsub("</devices>", (with_channel and CHANNEL or "") ..
    "<interface type='network'><source network='default'/><model type='virtio'/>" ..
    "</interface></devices>", 1)
  local d = virt.define_domain(x)
  d:start()
  d:wait_console(g.READY, 90)
  return d
end

local d = guest("agt", "lv.dhcp=1", true)

t.test("ping, info and a command the agent does not know", function()
  local r = d:agent{execute = "guest-ping"}
  t.eq(type(r), "table", "guest-ping answers")
  t.eq(d:agent('{"execute": "guest-info"}').version, "luavirt-test-agent", "guest-info as JSON text")
  local code, out, err = g.cli("qemu-agent-command agt '{\"execute\":\"guest-ping\"}'")
  t.eq(code, 0, "qemu-agent-command: " .. err)
  t.eq(out, '{"return":{}}\n\n', "virsh's output")
  t.raises("qemu", {"agt", "guest agent", "guest-bogus", "unknown command"}, function()
    d:agent{execute = "guest-bogus"}
  end)
  code, _, err = g.cli("qemu-agent-command agt '{\"execute\":'")
  t.check(code ~= 0 and err:find("not JSON", 1, true), "bad JSON: " .. err)
end)

t.test("domifaddr --source agent: the address the lease gives", function()
  local ip = d:wait{ip = true, timeout = 90}
  local got
  t.check(t.eventually(function()
    for _, a in ipairs(d:addresses{source = "agent"}) do
      if a.protocol == "ipv4" then got = a end
    end
    return got and got.addr == ip
  end, 30), "the agent reports " .. ip .. ": " .. tostring(got and got.addr))
  t.eq(got and got.mac, d:interfaces()[1].mac, "with the NIC's MAC")
  local code, out = g.cli("domifaddr agt --source agent")
  t.eq(code, 0, "domifaddr --source agent")
  t.check(out:find("ipv4%s+" .. ip:gsub("%.", "%%.") .. "/24"), out)
end)

t.test("shutdown --mode agent powers the guest off", function()
  local code, out, err = g.cli("shutdown agt --mode agent")
  t.eq(code, 0, "shutdown --mode agent: " .. err)
  t.check(out:find("is being shutdown", 1, true), out)
  d:wait{state = "shut off", timeout = 60}
  local state, reason = d:state_reason()
  t.eq(state, "shut off", "shut off")
  t.eq(reason, "shutdown", "by the guest")
  t.check(d:console_log():find("LUAVIRT-AGENT-SHUTDOWN", 1, true), "the agent did it")
end)

t.test("no channel, a silent agent, a stopped guest: clear errors", function()
  local n = guest("agn", "", false)
  t.raises("unsupported", {"agn", "no guest agent", "org.qemu.guest_agent.0"}, function()
    n:agent{execute = "guest-ping"}
  end)
  n:destroy()
  local s = guest("ags", "lv.agent=0", true)
  local t0 = virt.now()
  t.raises("timeout", {"ags", "did not answer", "guest-sync", "2 s"}, function()
    s:agent({execute = "guest-ping"}, {timeout = 2})
  end)
  local dt = virt.now() - t0
  t.check(dt >= 1.9 and dt < 5, "in about the given time: " .. dt)
  s:destroy()
  t.raises("state", {"ags", "not running"}, function() s:agent{execute = "guest-ping"} end)
  local code, _, err = g.cli("shutdown ags --mode agent")
  t.check(code ~= 0 and err:find("ags", 1, true), "shutdown --mode agent of a stopped guest: " .. err)
  s:undefine()
  n:undefine()
end)

d:undefine()
g.cleanup()
t.done()
