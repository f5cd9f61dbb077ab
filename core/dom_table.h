/* dom_table.h - a domain definition as a Lua table, both ways: what
 * virt.define{...} reads and d:definition() returns. The table mirrors
 * libvirt's domain XML with flat, snake_case keys; dom_table_push() and
 * dom_table_to_def() use the same keys, so a pushed table defines the same
 * domain again.
 *
 * Shape (every key optional unless marked; keys absent from the struct are
 * omitted by dom_table_push; numbers are Lua integers):
 *   name (required), uuid ("1b4e28ba-2fa1-11d2-883f-0016d3cca427", made up
 *   when absent), type = "kvm"|"qemu", id (live guests only), title,
 *   description, metadata (inner XML of <metadata>),
 *   memory (required), current_memory, max_memory: KiB as a number, or a
 *     string with a libvirt unit: "512 MiB", "2G", "1GiB", "1000 KB" (see
 *     core/units.h); always pushed as numbers of KiB.  max_memory_slots,
 *   vcpus (1 when absent), current_vcpus, vcpu_placement = "static"|"auto",
 *   cpuset = "0-3", vcpupin = {{vcpu=0, cpuset="1"}, ...} (both required),
 *   emulatorpin = "0-1" (cpuset), cputune_extra_xml = {"<shares>..", ..},
 *   os = {type="hvm", arch, machine, firmware="efi"|"bios",
 *     boot = {"hd", "cdrom"}, bootmenu = bool, bootmenu_timeout (ms),
 *     bios_useserial = bool, bios_reboot_timeout, loader, loader_readonly,
 *     loader_type, loader_secure, loader_format, loader_stateless, nvram,
 *     nvram_template, nvram_format, nvram_template_format, nvram_type,
 *     firmware_features = {["secure-boot"]="yes", ...}, kernel, initrd,
 *     cmdline, dtb, smbios_sysinfo = bool, smbios_mode, extra_xml},
 *   features = {"acpi", "apic", {name="hyperv", inner_xml="<relaxed
 *     state='on'/>"}, {name="kvm", ...}}: a feature is its name, or a table
 *     with name, inner_xml and its XML attributes as keys (state="on").
 *   memory_backing = {hugepages = bool, pages = {{size (KiB or "2 MiB"),
 *     nodeset}}, nosharepages, locked, discard = bool, source_type,
 *     access_mode, allocation_mode, allocation_threads},
 *   numatune = {memory = bool (<memory> given), mode, nodeset, placement,
 *     memnodes = {{cellid, mode, nodeset}}},
 *   cpu = {mode, match, check, migratable, model, model_fallback, vendor,
 *     sockets, dies, clusters, cores, threads, extra_xml,
 *     features = {"vmx", {name="svm", policy="disable"}},
 *     numa = {{id, cpus="0-3", memory (required), mem_access, discard,
 *       distances = {{id=1, value=21}}}}},
 *   clock = {offset="utc", timezone, adjustment, basis,
 *     timers = {{name="rtc", tickpolicy="catchup"}, ...}} (a timer is its
 *     XML attributes, plus extra_xml = {"<catchup slew='4636'/>"}),
 *   on_poweroff, on_reboot, on_crash = "destroy"|"restart"|"preserve"|...,
 *   pm = {suspend_to_mem = bool, suspend_to_disk = bool}, emulator,
 *   disks = {{type="file" (default)|"block"|"dir"|"network"|"volume",
 *     device="disk" (default)|"cdrom"|"floppy"|"lun", source="/path",
 *     pool, volume, driver="qemu", format="qcow2" (<driver type>), cache,
 *     io, discard, target="vda", bus="virtio", tray, readonly = bool,
 *     shareable = bool, transient = bool, boot_order = N, serial, wwn,
 *     hosts = {{name, port, transport, socket}} (network sources),
 *     backing = {{type, index, format, source, source_attrs, hosts,
 *     source_extra_xml, extra_xml}} (the <backingStore> chain, top down),
 *     backing_end = bool (the chain ends: the last image has no backing)}},
 *   controllers = {{type="pci", index=0, model="pcie-root", attrs={..}}},
 *   interfaces = {{type="network" (default)|"bridge"|"user"|"direct"|
 *     "ethernet"|..., source="default", source_mode, mac (generated when
 *     absent), model="virtio", target="vnet0", target_managed, link_state,
 *     mtu, boot_order, driver, queues, attrs={trustGuestRxFilters="yes"}}},
 *   serials, parallels, consoles, channels = {{type="pty", source (path),
 *     source_mode, source_host, source_service, protocol, target_type,
 *     target_port, target_name="org.qemu.guest_agent.0", target_model,
 *     log_file, log_append, source2_mode, source2_host, source2_service
 *     (udp's second <source>), reconnect = bool, reconnect_timeout (s),
 *     clipboard = bool, mouse_mode (qemu-vdagent)}}: four lists, like the
 *     XML's four elements
 *     (kept in one C array, def->chrs, in this order),
 *   inputs = {{type="tablet", bus="usb"}},
 *   graphics = {{type="vnc", port=-1 (same as absent), autoport=true,
 *     tls_port, websocket, listen="127.0.0.1", listen_type, listen_network,
 *     listen_socket, passwd (pushed as is: a caller that must hide secrets
 *     clears it first), passwd_valid_to, keymap}},
 *   videos = {{model="virtio", vram, heads, primary = bool,
 *     model_attrs={vgamem="16384"}}}, sounds = {{model="ich9"}},
 *   memballoon = {model="virtio", autodeflate = bool,
 *     free_page_reporting = bool, stats_period},
 *   rngs = {{model="virtio", backend_model="random",
 *     backend_path="/dev/urandom", rate_bytes, rate_period}},
 *   watchdogs = {{model="i6300esb", action="reset"}},
 *   audios = {{id=1, type="none", attrs={..}}},
 *   tpms = {{model="tpm-crb", backend_type="emulator", backend_version="2.0",
 *     persistent_state = bool, pcr_banks="sha256,sha384"}},
 *   redirdevs = {{bus="usb", type="spicevmc"|"tcp"|..., source, source_mode,
 *     source_host, source_service, reconnect, reconnect_timeout, protocol,
 *     boot_order}}, panics = {{model="isa"|"pvpanic"|"hyperv"}},
 *   extra_xml, devices_extra_xml = {"<elem .../>", ...}.
 * Every device also takes alias, and address = {type="pci", domain="0x0000",
 * bus="0x00", slot="0x03", function="0x0"} (type plus any attributes).
 * Most take extra_xml, a list of XML elements luavirt does not model, and
 * <driver>/<source>/<target> attributes it does not model go in
 * driver_attrs, source_attrs, target_attrs (source_extra_xml and
 * driver_extra_xml hold such children). Attribute tables are {key=string}
 * (numbers accepted); they have no order in Lua, so they are sorted by key.
 */
#ifndef LV_DOM_TABLE_H
#define LV_DOM_TABLE_H

#include <lua.h>

#include "dom_def.h"
#include "err.h"

/* Push a new table describing def, in the shape above: every field set in
 * def, absent ones omitted. def stays the caller's. Raises only on Lua
 * memory exhaustion. */
void dom_table_push(lua_State *L, const struct dom_def *def);

/* Build a new definition from the table at idx (the stack is left as it
 * was). A missing uuid and missing MACs are generated, vcpus defaults to 1.
 * Returns the definition (free with dom_def_free()), or NULL with err set
 * (LV_E_INVALID) naming the key path and the cause, e.g.
 * "domain table: unknown key 'disks[2].bsu'" or
 * "domain table: 'vcpus' must be a number, got string". Never raises a Lua
 * error: the table is read raw (no metamethods) and nothing is allocated
 * in Lua. */
struct dom_def *dom_table_to_def(lua_State *L, int idx, struct lv_err *err);

#endif
