-- cmd_domain.lua - domain lifecycle commands of the command line: define,
-- create, undefine, start, shutdown, destroy, reboot, reset, suspend,
-- resume, autostart, autostart-all, domrename, console,
-- qemu-monitor-command. Messages are virsh 9's (tools/virsh-domain.c).
local M = {}

local DOMAIN = {name = "domain", help = "domain name, id or uuid"}

local function add(c)
  c.group = c.group or "domain"
  table.insert(M, c)
end

-- Attach the terminal to the guest's serial console (virsh cmdRunConsole).
local function run_console(ctx, d, force)
  if not d.active then
    ctx.raise("state", string.format("domain '%s': cannot attach the console: not running",
      d.name))
  end
  if type(ctx.virt) == "table" and rawget(ctx.virt, "run_there") then
    -- another host's guest: its console on that host, over the same ssh
    ctx.flush()
    return ctx.virt.run_there({"console", d.name, force and "--force" or nil})
  end
  ctx.extra(string.format("Connected to domain '%s'", d.name))
  ctx.extra("Escape character is ^] (Ctrl + ])")
  local console = ctx.method(d, "console", string.format("domain '%s'", d.name))
  ctx.flush()
  console(force and {force = true} or nil)
end

-- A command that calls one domain method and prints one message; the
-- method gets {mode=} when the command has a --mode option.
local function simple(name, method, help, desc, msg, opts)
  add({
    name = name, help = help, desc = desc, args = {DOMAIN}, opts = opts,
    run = function(ctx, o)
      local d = ctx.domain(o.domain)
      if o.mode then d[method](d, {mode = o.mode}) else d[method](d) end
      ctx.extra(string.format(msg, d.name))
    end,
  })
end

add({
  name = "define", help = "define (but don't start) a domain from an XML file",
  desc = "Define a domain.",
  args = {{name = "file", help = "file containing an XML domain description"}},
  opts = {
    {name = "validate", help = "validate the XML against the schema"},
    {name = "keep-unknown", help = "keep unsupported elements verbatim instead of failing"},
  },
  run = function(ctx, o)
    local xml = ctx.read_file(o.file)
    local d = ctx.virt.define_domain(xml, {keep_unknown = o["keep-unknown"] or nil,
      source = o.file})
    ctx.extra(string.format("Domain '%s' defined from %s", d.name, o.file))
  end,
})

add({
  name = "create", help = "create a domain from an XML file",
  desc = "Create a domain (transient: it is gone once it stops).",
  args = {{name = "file", help = "file containing an XML domain description"}},
  opts = {
    {name = "console", help = "attach to console after creation"},
    {name = "paused", help = "leave the guest paused after creation"},
    {name = "validate", help = "validate the XML against the schema"},
    {name = "keep-unknown", help = "keep unsupported elements verbatim instead of failing"},
  },
  run = function(ctx, o)
    local xml = ctx.read_file(o.file)
    local d = ctx.virt.create_domain(xml, {paused = o.paused or nil,
      keep_unknown = o["keep-unknown"] or nil, source = o.file})
    ctx.extra(string.format("Domain '%s' created from %s", d.name, o.file))
    if o.console then run_console(ctx, d) end
  end,
})

add({
  name = "undefine", help = "undefine a domain",
  desc = "Undefine an inactive domain, or convert a persistent domain to transient.",
  args = {DOMAIN},
  opts = {
    {name = "nvram", help = "remove nvram file"},
    {name = "keep-nvram", help = "keep nvram file"},
    {name = "tpm", help = "remove TPM state (the default)"},
    {name = "keep-tpm", help = "keep TPM state"},
    {name = "remove-all-storage", help = "remove all associated storage volumes"},
    {name = "managed-save", help = "remove domain managed state file"},
    {name = "snapshots-metadata", help = "remove all domain snapshot metadata"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local name = d.name
    if o.tpm and o["keep-tpm"] then
      ctx.raise("invalid", "--tpm and --keep-tpm are mutually exclusive")
    end
    local opts = {nvram = o.nvram or nil, keep_nvram = o["keep-nvram"] or nil,
                  keep_tpm = o["keep-tpm"] or nil, managed_save = o["managed-save"] or nil,
                  snapshots_metadata = o["snapshots-metadata"] or nil}
    if o["remove-all-storage"] then
      -- issue 3: the work is d:undefine_storage (kvm/dom_lua_disk.c)
      local undefine_storage = ctx.method(d, "undefine_storage", string.format("domain '%s'", name))
      local ok, res = pcall(undefine_storage, opts)
      local list = ok and res or (type(res) == "table" and res.removed)
      if list then
        ctx.extra(string.format("Domain '%s' has been undefined", name))
        for _, v in ipairs(list) do
          if v.removed then
            ctx.extra(string.format("Volume '%s'(%s) removed.", v.target, v.path))
          elseif v.why then
            ctx.ewrite(string.format("warning: Volume '%s'(%s) not removed: %s\n",
              v.target, v.path, v.why))
          end
        end
      end
      if not ok then error(res, 0) end
      return
    end
    d:undefine(opts)
    ctx.extra(string.format("Domain '%s' has been undefined", name))
  end,
})

add({
  name = "start", help = "start a (previously defined) inactive domain",
  desc = "Start a domain via a fresh boot.",
  args = {DOMAIN},
  opts = {
    {name = "console", help = "attach to console after creation"},
    {name = "paused", help = "leave the guest paused after creation"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:start({paused = o.paused or nil})
    ctx.extra(string.format("Domain '%s' started", d.name))
    if o.console then run_console(ctx, d) end
  end,
})

add({
  name = "shutdown", help = "gracefully shutdown a domain",
  desc = "Run shutdown in the target domain.",
  args = {DOMAIN},
  opts = {{name = "mode", value = true, choices = {"acpi", "agent"},
    help = "shutdown mode: acpi|agent"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:shutdown({mode = o.mode})
    ctx.extra(string.format("Domain '%s' is being shutdown", d.name))
  end,
})

add({
  name = "destroy", help = "destroy (stop) a domain",
  desc = "Forcefully stop a given domain, but leave its resources intact.",
  args = {DOMAIN},
  opts = {{name = "graceful", help = "terminate gracefully"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local name = d.name
    d:destroy()
    ctx.extra(string.format("Domain '%s' destroyed", name))
  end,
})

simple("reboot", "reboot", "reboot a domain", "Run a reboot command in the target domain.",
  "Domain '%s' is being rebooted",
  {{name = "mode", value = true, choices = {"acpi", "agent"}, help = "shutdown mode: acpi|agent"}})
simple("reset", "reset", "reset a domain",
  "Reset the target domain as if by power button", "Domain '%s' was reset")
simple("suspend", "suspend", "suspend a domain",
  "Suspend a running domain.", "Domain '%s' suspended")
simple("resume", "resume", "resume a domain",
  "Resume a previously suspended domain.", "Domain '%s' resumed")

add({
  name = "autostart", help = "autostart a domain",
  desc = "Configure a domain to be automatically started at boot.",
  args = {DOMAIN},
  opts = {{name = "disable", help = "disable autostarting"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:set_autostart(not o.disable)
    if o.disable then
      ctx.extra(string.format("Domain '%s' unmarked as autostarted", d.name))
    else
      ctx.extra(string.format("Domain '%s' marked as autostarted", d.name))
    end
  end,
})

add({
  name = "autostart-all", help = "start all domains marked as autostarted",
  desc = "Start every inactive domain whose autostart flag is set (what a host boot does).",
  run = function(ctx)
    local failed = 0
    for _, r in ipairs(ctx.virt.autostart_all()) do
      if r.ok then
        ctx.extra(string.format("Domain '%s' started", r.name))
      else
        failed = failed + 1
        ctx.ewrite(string.format("error: %s\n", r.error or ("domain '" .. r.name .. "': cannot start")))
      end
    end
    return failed > 0 and 1 or 0
  end,
})

add({
  name = "domrename", help = "rename a domain",
  desc = "Rename an inactive domain.",
  args = {DOMAIN, {name = "new-name", help = "new domain name"}},
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    d:rename(o["new-name"])
    ctx.extra("Domain successfully renamed")
  end,
})

add({
  name = "console", help = "connect to the guest console", on_host = true,
  desc = "Connect the virtual serial console for the guest; Ctrl+] leaves.",
  args = {DOMAIN},
  opts = {
    {name = "devname", value = true, help = "character device name (serial0: the first serial console, the only one)"},
    {name = "force", help = "force console connection (disconnect already connected sessions)"},
    {name = "safe", help = "only connect if safe console handling is supported (it is: one session at a time)"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    if o.devname and o.devname ~= "serial0" and o.devname ~= "console0" then
      ctx.raise("unsupported", string.format("domain '%s': character device '%s': only " ..
        "the first serial console (serial0) can be attached", d.name, o.devname))
    end
    run_console(ctx, d, o.force)
  end,
})

-- A QMP command given as text: a bare command name, or a JSON object
-- {"execute": ..., "arguments": ...} as virsh takes it.
local function qmp_request(ctx, d, text)
  if text:match("^%s*{") then
    local ok, req = pcall(ctx.virt.json_decode, text)
    if not ok then
      ctx.raise("invalid", "domain '" .. d.name .. "': qemu-monitor-command: not JSON: " ..
        (type(req) == "table" and req.message or tostring(req)))
    end
    if type(req) ~= "table" or type(req.execute) ~= "string" then
      ctx.raise("invalid", "domain '" .. d.name .. "': qemu-monitor-command: expected " ..
        "{\"execute\": NAME, \"arguments\": {...}}")
    end
    return req.execute, req.arguments
  end
  return (text:gsub("^%s+", ""):gsub("%s+$", "")), nil
end

add({
  name = "qemu-agent-command", help = "QEMU Guest Agent Command",
  desc = "Run an arbitrary qemu guest agent command; the domain needs the\n" ..
    "    org.qemu.guest_agent.0 channel and the agent running in the guest.",
  args = {DOMAIN, {name = "cmd", rest = true, help = "command"}},
  opts = {
    {name = "timeout", value = true, int = true, help = "timeout seconds (default 10)"},
    {name = "pretty", help = "pretty-print the output"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    if o.timeout and o.timeout < 1 then
      ctx.raise("invalid", "qemu-agent-command: invalid timeout value '" .. o.timeout .. "'")
    end
    local r = d:agent(table.concat(o.cmd, " "), {timeout = o.timeout})
    local text = ctx.virt.json({["return"] = r}, {compact = not o.pretty})
    -- an empty return is {} for the agent's commands, as virsh prints it
    if type(r) == "table" and next(r) == nil then
      text = o.pretty and '{\n  "return": {}\n}' or '{"return":{}}'
    end
    ctx.print(text)
  end,
})

add({
  name = "qemu-monitor-command", help = "QEMU Monitor Command",
  desc = "QEMU Monitor Command",
  args = {DOMAIN, {name = "cmd", rest = true, help = "command"}},
  opts = {
    {name = "hmp", help = "command is in human monitor protocol"},
    {name = "pretty", help = "pretty-print any qemu monitor protocol output"},
    {name = "return-value", help = "extract the value of the 'return' key from the returned string"},
  },
  run = function(ctx, o)
    local d = ctx.domain(o.domain)
    local qmp = ctx.method(d, "qmp", string.format("domain '%s'", d.name))
    local text = table.concat(o.cmd, " ")
    if o.hmp then
      local r = qmp("human-monitor-command", {["command-line"] = text})
      ctx.write(type(r) == "string" and r or ctx.virt.json(r))
      return
    end
    local name, arguments = qmp_request(ctx, d, text)
    local r = qmp(name, arguments)
    local fmt = {compact = not o.pretty}
    if o["return-value"] then
      ctx.print(type(r) == "string" and r or ctx.virt.json(r, fmt))
    else
      ctx.print(ctx.virt.json({["return"] = r}, fmt))
    end
  end,
})

return M
