/* net_lua_table.h - a virtual network's Lua table form, the shape
 * virt.define_network{...}, virt.create_network{...} and
 * virt.to_xml("network", {...}) take and n:definition() gives. It mirrors
 * libvirt's network XML with snake_case keys; a pushed table defines the
 * same network again.
 *
 * Shape (every key optional unless marked; absent values are omitted):
 *   name (required), uuid (made up when absent), title, description,
 *   metadata_xml (the <metadata> element as XML), ipv6 = bool,
 *   trust_guest_rx_filters = bool, connections (live only),
 *   forward = {mode (required) = "nat"|"route"|"open"|"bridge"|"private"|
 *     "vepa"|"passthrough"|"hostdev", dev, managed = bool, driver_model,
 *     nat = {address = {start, end}, port = {start, end}, ipv6 = bool},
 *     interfaces = {"eth0", ...}, pfs = {"eth1"},
 *     addresses = {"<address type='pci' .../>", ...}},
 *   bridge = {name, stp = bool, delay, mac_table_manager = "kernel"|
 *     "libvirt", zone}, mac = "52:54:00:..", mtu,
 *   domain = {name, local_only = bool, register = bool},
 *   port_isolated = bool,
 *   dns = {enable = bool, forward_plain_names = bool,
 *     forwarders = {{addr, domain}}, txts = {{name, value}},
 *     hosts = {{ip, hostnames = {"a", ...}}},
 *     srvs = {{service, protocol, domain, target, port, priority, weight}}},
 *   ips = {{family = "ipv4"|"ipv6" (from the address when absent), address,
 *     netmask | prefix, local_ptr = bool, tftp_root,
 *     dhcp = {ranges = {{start, end, lease = {expiry, unit}}},
 *       hosts = {{mac, id, name, ip, lease = {expiry, unit}}},
 *       bootp = {file, server}}}},
 *   routes = {{family, address, netmask | prefix, gateway, metric}},
 *   bandwidth_xml, vlan_xml, virtualport_xml (each the element as XML),
 *   portgroups = {"<portgroup ...>...</portgroup>", ...},
 *   dnsmasq_options = {"line for dnsmasq.conf", ...},
 *   extra_xml = {"<elem .../>", ...} (kept elements luavirt does not model).
 * A table is checked like network XML: every key (an unknown one is named
 * by its path, "network table: unknown key 'ips[1].dhcp.rangs'") and every
 * value (addresses, ranges in their subnet, MACs, ...). */
#ifndef LV_NET_LUA_TABLE_H
#define LV_NET_LUA_TABLE_H

#include <lua.h>

#include "err.h"
#include "net_def.h"

/* The definition the table at idx describes, checked as net_def_parse_xml
 * checks XML (a missing uuid and bridge MAC are made up as there), or NULL
 * with err set (LV_E_INVALID) naming the key path or the bad value. The
 * stack is left as it was; never raises. Caller frees with net_def_free. */
struct net_def *net_lua_table_to_def(lua_State *L, int idx,
                                     struct lv_err *err);

/* Push def's table form (the shape above). def stays the caller's. */
void net_lua_table_push(lua_State *L, const struct net_def *def);

#endif
