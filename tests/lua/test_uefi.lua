-- test_uefi.lua - UEFI firmware and TPMs end to end with real QEMU under
-- TCG: <os firmware='efi'> chosen from the host's firmware descriptors
-- (Debian's ovmf), the test kernel booted by OVMF, secure boot with
-- enrolled keys, the guest's NVRAM file (made on first start, kept across
-- starts, refused/removed/kept by undefine, moved by rename), define-time
-- refusals, and a TPM served by swtpm (one per guest, seen by the guest's
-- kernel, gone with the guest, state kept across starts and removed by
-- undefine).
local t = require("harness")
local g = require("guest")

local READY = g.READY
local root = g.root

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function now()
  local p = io.popen("date +%s.%N")
  local s = tonumber(p:read("l"))
  p:close()
  return s
end

-- Debian's ovmf package: firmware descriptors and the images they name.
local function have_ovmf()
  local out = g.sh("ls /usr/share/qemu/firmware/*.json")
  return out:find("%.json") and exists("/usr/share/OVMF/OVMF_CODE_4M.fd")
end

local function have_swtpm()
  local out = g.sh("command -v swtpm; command -v swtpm_setup")
  return out:find("/swtpm\n", 1, true) ~= nil and out:find("/swtpm_setup", 1, true) ~= nil
end

-- The test guest under UEFI: q35 (or opts.machine), firmware='efi', the
-- kernel handed to OVMF by QEMU's fw_cfg; opts.os adds <os> children,
-- opts.devices devices.
local function efi_xml(name, opts)
  opts = opts or {}
  local x = g.xml(name, {memory = 256, cmdline = opts.cmdline})
  x = x:gsub("<os>", "<os firmware='efi'>", 1)
  x = x:gsub("machine='pc'", "machine='" .. (opts.machine or "q35") .. "'", 1)
  if opts.os then x = x:gsub("</os>", opts.os .. "</os>", 1) end
  if opts.devices then x = x:gsub("</devices>", opts.devices .. "</devices>", 1) end
  if opts.features then x = x:gsub("<features>.-</features>", opts.features, 1) end
  return x
end

-- Send an lv-cmd to the guest; its answer line, once the whole line is
-- in the console log (the serial port delivers it a byte at a time).
local function ask(d, cmd, prefix)
  return g.ask(d, "lv-cmd " .. cmd, prefix)
end

local function nvram_path(name)
  return root .. "/lib/qemu/nvram/" .. name .. "_VARS.fd"
end

local function inode(path)
  return g.sh("stat -c %i " .. path):match("%d+")
end

-- Processes (not zombies) whose command line starts with prog and names text.
local function procs(prog, text)
  local n = 0
  for pid in g.sh("ls /proc"):gmatch("%d+") do
    local f = io.open("/proc/" .. pid .. "/cmdline", "rb")
    if f then
      local cmd = f:read("a") or ""
      f:close()
      local argv0 = cmd:match("^[^%z]*") or ""
      if argv0:match("[^/]*$") == prog and cmd:find(text, 1, true) then n = n + 1 end
    end
  end
  return n
end

if not have_ovmf() then
  t.skip("no UEFI firmware descriptors in /usr/share/qemu/firmware (install ovmf)")
else
  t.test("UEFI: OVMF boots the test kernel; NVRAM made from the template", function()
    local x = efi_xml("efi1", {os = "<firmware><feature enabled='no' name='secure-boot'/>"
      .. "</firmware>"})
    local d = virt.define_domain(x)
    t.check(not d:xml{inactive = true}:find("<loader", 1, true),
      "inactive XML keeps firmware='efi' as written")
    t.check(not exists(nvram_path("efi1")), "no NVRAM before the first start")
    local t0 = now()
    d:start()
    d:wait_console(READY, 120)
    local secs = now() - t0
    print(string.format("    UEFI (OVMF, TCG) start -> console marker: %.1f s", secs))
    t.eq(ask(d, "efi", "LUAVIRT-EFI"), "LUAVIRT-EFI yes secureboot=disabled",
      "the guest was booted by UEFI firmware")
    local live = d:xml()
    t.check(live:find("<loader readonly='yes' type='pflash' format='raw'>"
      .. "/usr/share/OVMF/OVMF_CODE_4M.fd</loader>", 1, true), "live XML: the chosen loader")
    t.check(live:find("template='/usr/share/OVMF/OVMF_VARS_4M.fd'", 1, true) and
      live:find(nvram_path("efi1"), 1, true), "live XML: template and NVRAM file")
    t.check(live:find("<feature enabled='no' name='secure-boot'/>", 1, true),
      "live XML: firmware features")
    t.eq(g.sh("stat -c %s " .. nvram_path("efi1")):match("%d+"),
      g.sh("stat -c %s /usr/share/OVMF/OVMF_VARS_4M.fd"):match("%d+"),
      "NVRAM file: a copy of the template")
    t.eq(g.sh("stat -c %a " .. nvram_path("efi1")):match("%d+"), "600", "NVRAM mode")
    local ino = inode(nvram_path("efi1"))
    d:destroy()
    -- the second start uses the same NVRAM file (not a fresh copy)
    d:start()
    t.eq(inode(nvram_path("efi1")), ino, "NVRAM kept across starts")
    d:destroy()
    -- undefine: refused while the NVRAM exists, as virsh does
    local before = g.snapshot()
    t.raises("invalid", {"efi1", "cannot undefine domain with nvram", nvram_path("efi1")},
      function() d:undefine() end)
    t.check(g.same_snapshot(before, g.snapshot()), "a refused undefine changes nothing")
    local code, _, err = g.cli("undefine efi1")
    t.check(code ~= 0 and err:find("cannot undefine domain with nvram", 1, true),
      "CLI: refused, non-zero exit: " .. err)
    -- rename moves the NVRAM with the guest
    d:rename("efi2")
    t.check(not exists(nvram_path("efi1")) and exists(nvram_path("efi2")),
      "domrename moves the NVRAM file")
    t.eq(inode(nvram_path("efi2")), ino, "the same file")
    -- --keep-nvram keeps it; a new guest of that name finds it again
    code = g.cli("undefine efi2 --keep-nvram")
    t.eq(code, 0, "undefine --keep-nvram")
    t.check(exists(nvram_path("efi2")), "NVRAM kept")
    d = virt.define_domain((x:gsub("<name>efi1</name>", "<name>efi2</name>")))
    code = g.cli("undefine efi2 --nvram")
    t.eq(code, 0, "undefine --nvram")
    t.check(not exists(nvram_path("efi2")), "NVRAM removed")
  end)

  t.test("UEFI: secure boot with enrolled keys on q35", function()
    -- no features asked: Debian's first descriptor is SB + MS keys + SMM
    local d = virt.define_domain(efi_xml("sb1"))
    local argv = table.concat(virt.to_native(d:xml{inactive = true}), " ")
    t.check(argv:find("smm=on", 1, true), "SMM on for secure boot")
    t.check(argv:find("driver=cfi.pflash01,property=secure,value=on", 1, true),
      "flash writes restricted to SMM")
    t.check(argv:find("OVMF_CODE_4M.ms.fd", 1, true), "the secure-boot image")
    d:start()
    t.eq(d.state, "running", "QEMU runs the secure-boot firmware")
    -- OVMF verifies what it loads; Debian's signed kernel is accepted and
    -- runs locked down
    d:wait_console(READY, 120)
    t.eq(ask(d, "efi", "LUAVIRT-EFI"), "LUAVIRT-EFI yes secureboot=enabled",
      "the guest's kernel sees secure boot on")
    t.check(d:xml():find("<feature enabled='yes' name='enrolled-keys'/>", 1, true),
      "live XML: enrolled keys")
    d:destroy()
    d:undefine{nvram = true}
  end)

  t.test("UEFI: what define can know is refused at define", function()
    local before = g.snapshot()
    t.raises("unsupported", {"sbpc", "secure boot is supported with q35 machine types only"},
      function()
        virt.define_domain(efi_xml("sbpc", {machine = "pc",
          os = "<firmware><feature enabled='yes' name='secure-boot'/></firmware>"}))
      end)
    t.raises("unsupported", {"lspc", "secure boot is supported with q35"}, function()
      virt.define_domain((g.xml("lspc"):gsub("</os>", "<loader readonly='yes' secure='yes' "
        .. "type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader></os>")))
    end)
    t.raises("unsupported", {"nomatch", "no UEFI firmware descriptor matches",
      "enrolled-keys=yes"}, function()
      virt.define_domain(efi_xml("nomatch", {machine = "pc",
        os = "<firmware><feature enabled='yes' name='enrolled-keys'/></firmware>"}))
    end)
    t.raises("unsupported", {"noacpi", "UEFI requires ACPI"}, function()
      virt.define_domain(efi_xml("noacpi", {features = "<features><apic/></features>"}))
    end)
    t.raises("xml", {"line", "unsupported TPM backend type 'passthrough'"}, function()
      virt.define_domain((g.xml("tpmpt"):gsub("</devices>", "<tpm model='tpm-tis'><backend "
        .. "type='passthrough'><device path='/dev/tpm0'/></backend></tpm></devices>")))
    end)
    t.check(g.same_snapshot(before, g.snapshot()), "nothing was defined")
    -- a missing image is the host's state: define takes it, start refuses it
    local d = virt.define_domain((g.xml("noimg"):gsub("</os>", "<loader readonly='yes' "
      .. "type='pflash'>/nonexistent/OVMF_CODE.fd</loader></os>")))
    t.raises("system", {"noimg", "cannot start", "/nonexistent/OVMF_CODE.fd"},
      function() d:start() end)
    t.eq(d.state, "shut off", "not started")
    t.eq(#g.qemu_pids("noimg"), 0, "no QEMU")
    d:undefine()
  end)
end

if not have_swtpm() then
  t.skip("no swtpm/swtpm_setup (install swtpm swtpm-tools)")
else
  t.test("TPM 2.0: one swtpm per guest, seen by the guest, gone with it", function()
    local d = virt.define_domain((g.xml("tpm2"):gsub("</devices>",
      "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>")))
    local uuid = d.uuid
    local state = root .. "/lib/swtpm/" .. uuid
    local sock = root .. "/run/qemu/tpm2/swtpm.sock"
    d:start()
    d:wait_console(READY, 60)
    t.eq(procs("swtpm", uuid), 1, "/proc shows one swtpm for the guest")
    t.eq(g.sh("stat -c %a " .. sock):match("%d+"), "600", "its socket is 0600")
    t.eq(ask(d, "tpm", "LUAVIRT-TPM"), "LUAVIRT-TPM tpm0 2 -", "the guest's kernel has a TPM 2.0")
    t.check(exists(state .. "/tpm2/tpm2-00.permall"), "state made by swtpm_setup")
    t.check(exists(root .. "/lib/swtpm/localca/issuercert.pem"),
      "certificates from luavirt's own local CA, not the host's")
    t.check(d:xml():find("<backend type='emulator' version='2.0'/>", 1, true),
      "live XML")
    d:destroy()
    t.eq(procs("swtpm", uuid), 0, "destroy leaves no swtpm")
    t.check(not exists(sock), "destroy leaves no socket")
    t.check(exists(state .. "/tpm2/tpm2-00.permall"), "the state stays")
    -- a guest that powers itself off takes its swtpm along too
    d:start()
    d:wait_console(READY, 60)
    d:shutdown()
    d:wait{state = "shut off", timeout = 60}
    t.eq(procs("swtpm", uuid), 0, "shutdown leaves no swtpm")
    t.check(not exists(sock), "shutdown leaves no socket")
    -- nor does a QEMU that dies (the supervisor records a crash)
    d:start()
    t.eq(procs("swtpm", uuid), 1, "swtpm again")
    g.sh("kill -9 " .. d:pid())
    d:wait{state = "shut off", timeout = 30}
    t.eq(select(2, d:state_reason()), "crashed", "reason")
    t.eq(procs("swtpm", uuid), 0, "a crash leaves no swtpm")
    t.check(not exists(sock), "a crash leaves no socket")
    d:undefine()
    t.check(not exists(state), "undefine removes the TPM state")
  end)

  t.test("TPM 1.2: its endorsement key survives restarts and undefine --keep-tpm", function()
    local x = g.xml("tpm12"):gsub("</devices>",
      "<tpm><backend type='emulator'/></tpm></devices>", 1)
    local d = virt.define_domain(x)
    local uuid = d.uuid
    d:start()
    d:wait_console(READY, 60)
    local first = ask(d, "tpm", "LUAVIRT-TPM")
    t.check(first:match("^LUAVIRT%-TPM tpm0 1 %x+$"), "a TPM 1.2 with an EK: " .. first)
    t.check(d:xml():find("<tpm model='tpm-tis'>", 1, true), "default model tpm-tis")
    d:destroy()
    d:start()
    d:wait_console(READY, 60)
    t.eq(ask(d, "tpm", "LUAVIRT-TPM"), first, "same EK after a restart")
    d:destroy()
    -- --keep-tpm keeps the state for a guest defined again with the uuid
    t.eq(g.cli("undefine tpm12 --keep-tpm"), 0, "undefine --keep-tpm")
    t.check(exists(root .. "/lib/swtpm/" .. uuid), "state kept")
    local withuuid = x:gsub("<name>tpm12</name>", "<name>tpm12</name><uuid>" .. uuid
      .. "</uuid>", 1)
    d = virt.define_domain(withuuid)
    d:start()
    d:wait_console(READY, 60)
    t.eq(ask(d, "tpm", "LUAVIRT-TPM"), first, "kept state: same EK")
    d:destroy()
    d:undefine()
    t.check(not exists(root .. "/lib/swtpm/" .. uuid), "undefine removes it")
  end)

  t.test("TPM: a start QEMU refuses leaves no swtpm and no socket", function()
    local x = g.xml("tpmfail"):gsub("</devices>",
      "<tpm model='tpm-crb'><backend type='emulator'/></tpm></devices>", 1)
    x = x:gsub("</features>", "</features><cpu mode='custom'><model>no-such-cpu"
      .. "</model></cpu>", 1)
    local d = virt.define_domain(x)
    t.raises("qemu", {"tpmfail", "cannot start", "no-such-cpu"}, function() d:start() end)
    t.eq(#g.qemu_pids("tpmfail"), 0, "no QEMU")
    t.eq(procs("swtpm", d.uuid), 0, "no swtpm left")
    t.check(not exists(root .. "/run/qemu/tpmfail/swtpm.sock"), "no socket left")
    d:undefine()
  end)

  t.test("TPM: a transient guest's state goes with it", function()
    local d = virt.create_domain((g.xml("tpmtr"):gsub("</devices>",
      "<tpm model='tpm-crb'><backend type='emulator'/></tpm></devices>")))
    local uuid = d.uuid
    t.check(exists(root .. "/lib/swtpm/" .. uuid), "state while running")
    d:destroy()
    t.check(not exists(root .. "/lib/swtpm/" .. uuid), "removed when it stops")
    t.eq(procs("swtpm", uuid), 0, "no swtpm")
  end)
end

g.cleanup()
t.done()
