-- cli_table.lua - virsh's text layouts: the column table of `list` (as
-- tools/vsh-table.c prints it) and the two-column "Key:  value" blocks of
-- `dominfo` and `nodeinfo`. Pure functions returning strings.
local M = {}

-- Display width of a cell: UTF-8 characters, bytes if the text is not UTF-8.
-- Control characters are shown as \xNN, as vsh-table does.
local function cell(v)
  local s = tostring(v == nil and "" or v)
  if not s:find("[%c\128-\255]") then return s, #s, true end   -- plain ASCII
  if s:find("%c") then
    s = s:gsub("%c", function(c) return string.format("\\x%02x", c:byte()) end)
  end
  if not s:find("[\128-\255]") then return s, #s, true end
  return s, utf8.len(s) or #s, false
end

-- Render a table: headers is an array of column titles, rows an array of
-- arrays of cells (strings or numbers). Each cell is preceded by one space
-- and followed by padding to its column's width plus two spaces (none after
-- the last column); the header is underlined with width+3 dashes per column.
-- opts.header = false leaves out the header and underline (virsh --quiet).
function M.render(headers, rows, opts)
  local show_header = not (opts and opts.header == false)
  local all = {headers}
  for _, r in ipairs(rows) do table.insert(all, r) end
  local width, cells, ascii = {}, {}, true
  for i, r in ipairs(all) do
    cells[i] = {}
    for j = 1, #headers do
      local s, w, plain = cell(r[j])
      cells[i][j] = {s, w}
      ascii = ascii and plain
      if (i > 1 or show_header) and w > (width[j] or 0) then width[j] = w end
    end
  end
  local out = {}
  -- ASCII only (the usual case): bytes are columns, one format per line
  local fmt
  if ascii then
    local f = {}
    for j = 1, #headers do
      f[j] = j < #headers and (" %-" .. (width[j] or 0) .. "s  ") or " %s"
    end
    fmt = table.concat(f) .. "\n"
  end
  local function line(i)
    if fmt then
      local v = {}
      for j = 1, #headers do v[j] = cells[i][j][1] end
      out[#out + 1] = fmt:format(table.unpack(v))
      return
    end
    local parts = {}
    for j = 1, #headers do
      local s, w = cells[i][j][1], cells[i][j][2]
      parts[#parts + 1] = " " .. s
      if j < #headers then
        parts[#parts + 1] = string.rep(" ", (width[j] or 0) - w + 2)
      end
    end
    out[#out + 1] = table.concat(parts) .. "\n"
  end
  if show_header then
    line(1)
    local n = 0
    for j = 1, #headers do n = n + (width[j] or 0) + 3 end
    out[#out + 1] = string.rep("-", n) .. "\n"
  end
  for i = 2, #all do line(i) end
  return table.concat(out)
end

-- Render "Key: value" lines with the key padded to `width` (virsh uses
-- "%-15s %s" for dominfo and "%-20s %s" for nodeinfo). pairs is an array
-- of {key, value}; entries whose value is nil are left out.
function M.kv(pairs, width)
  local out = {}
  local fmt = "%-" .. tostring(width or 15) .. "s %s\n"
  for _, p in ipairs(pairs) do
    if p[2] ~= nil then
      out[#out + 1] = string.format(fmt, p[1], tostring(p[2]))
    end
  end
  return table.concat(out)
end

return M
